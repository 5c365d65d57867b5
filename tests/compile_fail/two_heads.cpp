// Two branches from one parent that nothing merges.
#include <strata/strata.hpp>
template <strata::fixed_string Id, strata::fixed_string... Parents>
struct step : strata::migration<Id, Parents...> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using base = step<"0003">;
using branch_a = step<"0004_a", "0003">;
using branch_b = step<"0004_b", "0003">;
#ifdef STRATA_EXPECT_FAIL
using app = strata::registry<base, branch_a, branch_b>;
#else
using merge = step<"0005_merge", "0004_a", "0004_b">;
using app = strata::registry<base, branch_a, branch_b, merge>;
#endif
static_assert(app::size >= 3);
// The command line reads the catalog: a broken registry still gives one diagnostic.
[[maybe_unused]] constexpr auto catalog = strata::catalog_of<app>();
[[maybe_unused]] constexpr auto first_id = app::ids[0];
