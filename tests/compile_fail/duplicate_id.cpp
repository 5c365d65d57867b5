// Two migrations share a revision id.
#include <strata/strata.hpp>
struct first : strata::migration<"0001_first"> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct users : strata::migration<"0003_x", "0001_first"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
#ifdef STRATA_EXPECT_FAIL
struct orders : strata::migration<"0003_x", "0001_first"> {
#else
struct orders : strata::migration<"0004_y", "0003_x"> {
#endif
  static constexpr strata::sql up{"CREATE TABLE orders (id int)"};
  static constexpr strata::sql down{"DROP TABLE orders"};
};
using app = strata::registry<first, users, orders>;
static_assert(app::size == 3);
// The command line reads the catalog: a broken registry still gives one diagnostic.
[[maybe_unused]] constexpr auto catalog = strata::catalog_of<app>();
[[maybe_unused]] constexpr auto first_id = app::ids[0];
