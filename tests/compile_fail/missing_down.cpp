// A migration type without `down`.
#include <strata/strata.hpp>
struct no_down_here : strata::migration<"0001_no_down"> {
  static constexpr strata::sql up{"SELECT 1"};
#ifndef STRATA_EXPECT_FAIL
  static constexpr auto down = strata::irreversible;
#endif
};
using app = strata::registry<no_down_here>;
static_assert(app::size == 1);
