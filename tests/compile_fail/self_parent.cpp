// A revision that lists itself as its parent.
#include <strata/strata.hpp>
struct root : strata::migration<"0001_root"> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
#ifdef STRATA_EXPECT_FAIL
struct loop : strata::migration<"0002_loop", "0002_loop"> {
#else
struct loop : strata::migration<"0002_loop", "0001_root"> {
#endif
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<root, loop>;
static_assert(app::size == 2);
