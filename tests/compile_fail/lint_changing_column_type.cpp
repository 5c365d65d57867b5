// The lint's rule changing-column-type: the unsafe statement fails naming the rule; the safe alternative and
// the allowed form compile.
#include "lint_base.hpp"
#ifdef STRATA_EXPECT_FAIL
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ALTER COLUMN age TYPE bigint"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change>;
#else
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN age_big bigint"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct allowed : strata::migration<"0003_allowed", "0002_change"> {
  static constexpr strata::sql up{"-- strata:allow changing-column-type: reviewed, the table is small\nALTER TABLE users ALTER COLUMN age TYPE bigint"};
  static constexpr strata::sql down{"SELECT 1"};
};
// a widening the earlier migrations show needs no rewrite is no finding
struct nickname : strata::migration<"0004_nickname", "0003_allowed"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN nick varchar(20)"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN nick"};
};
struct widen : strata::migration<"0005_widen", "0004_nickname"> {
  static constexpr strata::sql up{"ALTER TABLE users ALTER COLUMN nick TYPE varchar(40)"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change, allowed, nickname, widen>;
static_assert(app::size == 5);
#endif
