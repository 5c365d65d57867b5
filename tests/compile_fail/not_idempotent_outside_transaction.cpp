// A non-transactional migration whose statement cannot be resumed safely: a concurrent build of an
// index without a name (PostgreSQL picks one) cannot be looked up, so running it again after an
// interruption would build a second index. A named one, even without IF NOT EXISTS, is looked up.
#include <strata/strata.hpp>
struct email_index : strata::migration<"0004_email_index"> {
  static constexpr bool transactional = false;
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY ON users (email)"};
#else
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY users_email_idx ON users (email)"};
#endif
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY users_email_idx"};
};
using app = strata::registry<email_index>;
static_assert(app::size == 1);
