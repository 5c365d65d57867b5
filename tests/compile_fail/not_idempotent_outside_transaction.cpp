// A non-transactional migration whose CREATE INDEX could not run twice: an interrupted run could
// not be resumed.
#include <strata/strata.hpp>
struct email_index : strata::migration<"0004_email_index"> {
  static constexpr bool transactional = false;
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY users_email_idx ON users (email)"};
#else
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)"};
#endif
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email_idx"};
};
using app = strata::registry<email_index>;
static_assert(app::size == 1);
