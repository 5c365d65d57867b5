// The lint's rule constraint-missing-not-valid: the unsafe statement fails naming the rule; the safe alternative and
// the allowed form compile.
#include "lint_base.hpp"
#ifdef STRATA_EXPECT_FAIL
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0)"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change>;
#else
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0) NOT VALID"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct allowed : strata::migration<"0003_allowed", "0002_change"> {
  static constexpr strata::sql up{"-- strata:allow constraint-missing-not-valid: reviewed, the table is small\nALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0)"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<base, change, allowed>;
static_assert(app::size == 3);
#endif
