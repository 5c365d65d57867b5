// The lint's rule adding-field-with-default: the unsafe statement fails naming the rule; the safe alternative and
// the allowed form compile.
#include "lint_base.hpp"
#ifdef STRATA_EXPECT_FAIL
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change>;
#else
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now()"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct allowed : strata::migration<"0003_allowed", "0002_change"> {
  static constexpr strata::sql up{"-- strata:allow adding-field-with-default: reviewed, the table is small\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change, allowed>;
static_assert(app::size == 3);
#endif
