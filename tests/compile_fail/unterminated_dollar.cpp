// An SQL body with an unterminated dollar quote.
#include <strata/strata.hpp>
struct fn : strata::migration<"0001_fn"> {
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $bdoy$ LANGUAGE sql"};
#else
  static constexpr strata::sql up{"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql"};
#endif
  static constexpr strata::sql down{"DROP FUNCTION f()"};
};
using app = strata::registry<fn>;
static_assert(app::size == 1);
