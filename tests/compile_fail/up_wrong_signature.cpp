// A code body `up` with the wrong signature.
#include <strata/strata.hpp>
struct bad_up_body : strata::migration<"0001_bad_up"> {
#ifdef STRATA_EXPECT_FAIL
  static void up(strata::transaction& tx, int retries);
#else
  static void up(strata::transaction&) {}
#endif
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<bad_up_body>;
static_assert(app::size == 1);
