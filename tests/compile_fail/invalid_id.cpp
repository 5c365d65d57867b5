// A revision id with a character outside [A-Za-z0-9_.-].
#include <strata/strata.hpp>
#ifdef STRATA_EXPECT_FAIL
struct add_users : strata::migration<"add users"> {
#else
struct add_users : strata::migration<"add_users"> {
#endif
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
using app = strata::registry<add_users>;
static_assert(app::size == 1);
