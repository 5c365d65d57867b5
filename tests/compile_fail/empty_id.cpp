// An empty revision id.
#include <strata/strata.hpp>
#ifdef STRATA_EXPECT_FAIL
struct nameless : strata::migration<""> {
#else
struct nameless : strata::migration<"named"> {
#endif
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<nameless>;
static_assert(app::size == 1);
