// A parent names no migration of the registry.
#include <strata/strata.hpp>
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
#ifdef STRATA_EXPECT_FAIL
struct add_name : strata::migration<"0002_add_name", "0001_usres"> {
#else
struct add_name : strata::migration<"0002_add_name", "0001_users"> {
#endif
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN name text"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN name"};
};
using app = strata::registry<users, add_name>;
static_assert(app::size == 2);
// The command line reads the catalog: a broken registry still gives one diagnostic.
[[maybe_unused]] constexpr auto catalog = strata::catalog_of<app>();
[[maybe_unused]] constexpr auto first_id = app::ids[0];
