// A parent id with a character outside [A-Za-z0-9_.-].
#include <strata/strata.hpp>
struct root : strata::migration<"0001_root"> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
#ifdef STRATA_EXPECT_FAIL
struct child : strata::migration<"0002_child", "0001 root"> {
#else
struct child : strata::migration<"0002_child", "0001_root"> {
#endif
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<root, child>;
static_assert(app::size == 2);
