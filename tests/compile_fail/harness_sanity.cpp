// Proves the harness can fail: this file compiles in both variants, so its compile-fail test
// must not find a diagnostic (the test is registered WILL_FAIL).
#include <strata/strata.hpp>
struct fine : strata::migration<"0001_fine"> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<fine>;
static_assert(app::size == 1);
