// An SQL body with an unterminated quoted string.
#include <strata/strata.hpp>
struct seed : strata::migration<"0001_seed"> {
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"INSERT INTO t VALUES ('it's broken')"};
#else
  static constexpr strata::sql up{"INSERT INTO t VALUES ('it''s fine')"};
#endif
  static constexpr strata::sql down{"DELETE FROM t"};
};
using app = strata::registry<seed>;
static_assert(app::size == 1);
