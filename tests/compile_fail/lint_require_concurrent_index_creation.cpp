// The lint's rule require-concurrent-index-creation: the unsafe statement fails naming the rule; the safe alternative and
// the allowed form compile.
#include "lint_base.hpp"
#ifdef STRATA_EXPECT_FAIL
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"CREATE INDEX users_email ON users (email)"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change>;
#else
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email)"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct allowed : strata::migration<"0003_allowed", "0002_change"> {
  static constexpr strata::sql up{"-- strata:allow require-concurrent-index-creation: reviewed, the table is small\nCREATE INDEX users_email ON users (email)"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change, allowed>;
static_assert(app::size == 3);
#endif
