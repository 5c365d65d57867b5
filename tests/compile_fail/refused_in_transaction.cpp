// A transactional migration with a statement PostgreSQL refuses inside a transaction block.
#include <strata/strata.hpp>
struct email_index : strata::migration<"0004_email_index"> {
#ifndef STRATA_EXPECT_FAIL
  static constexpr bool transactional = false;
#endif
  static constexpr strata::sql up{"SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email_idx"};
};
using app = strata::registry<email_index>;
static_assert(app::size == 1);
