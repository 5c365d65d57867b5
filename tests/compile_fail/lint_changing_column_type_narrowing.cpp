// changing-column-type: a type change that narrows the column (the earlier migration declared it
// varchar(20)) rewrites the table, and fails naming the rule and the statement; a widening compiles.
#include "lint_base.hpp"
struct nickname : strata::migration<"0002_nickname", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN nick varchar(20)"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN nick"};
};
struct change : strata::migration<"0003_change", "0002_nickname"> {
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"ALTER TABLE users ALTER COLUMN nick TYPE varchar(10)"};
#else
  static constexpr strata::sql up{"ALTER TABLE users ALTER COLUMN nick TYPE text"};
#endif
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, nickname, change>;
static_assert(app::size == 3);
