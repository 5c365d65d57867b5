// A revision id of 129 characters (the limit is 128).
#include <strata/strata.hpp>
#ifdef STRATA_EXPECT_FAIL
#define STRATA_ID "a12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"
#else
#define STRATA_ID "a1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
#endif
struct long_one : strata::migration<STRATA_ID> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<long_one>;
static_assert(app::size == 1);
