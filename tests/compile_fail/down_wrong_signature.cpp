// A `down` that is neither SQL, a code body nor strata::irreversible.
#include <strata/strata.hpp>
struct bad_down_body : strata::migration<"0001_bad_down"> {
  static constexpr strata::sql up{"SELECT 1"};
#ifdef STRATA_EXPECT_FAIL
  static constexpr const char* down = "DROP TABLE users";
#else
  static void down(strata::transaction&) {}
#endif
};
using app = strata::registry<bad_down_body>;
static_assert(app::size == 1);
