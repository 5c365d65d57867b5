// A migration type without `up`.
#include <strata/strata.hpp>
struct no_up_here : strata::migration<"0001_no_up"> {
#ifndef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"SELECT 1"};
#endif
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<no_up_here>;
static_assert(app::size == 1);
