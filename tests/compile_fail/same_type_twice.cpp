// The same migration type listed twice.
#include <strata/strata.hpp>
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct names : strata::migration<"0002_names", "0001_users"> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
#ifdef STRATA_EXPECT_FAIL
using app = strata::registry<users, names, users>;
#else
using app = strata::registry<users, names>;
#endif
static_assert(app::size >= 2);
