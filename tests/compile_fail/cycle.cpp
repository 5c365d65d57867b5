// Parent links a -> b -> c -> a form a cycle (with a root outside it).
#include <strata/strata.hpp>
template <strata::fixed_string Id, strata::fixed_string... Parents>
struct step : strata::migration<Id, Parents...> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using root = step<"0000_root">;
#ifdef STRATA_EXPECT_FAIL
using a = step<"0001_a", "0003_c">;
#else
using a = step<"0001_a", "0000_root">;
#endif
using b = step<"0002_b", "0001_a">;
using c = step<"0003_c", "0002_b">;
using app = strata::registry<root, a, b, c>;
static_assert(app::size == 4);
// The command line reads the catalog: a broken registry still gives one diagnostic.
[[maybe_unused]] constexpr auto catalog = strata::catalog_of<app>();
[[maybe_unused]] constexpr auto first_id = app::ids[0];
