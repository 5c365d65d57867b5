// A migration-wide allowance must name rules the lint has.
#include <strata/strata.hpp>
struct base : strata::migration<"0001_base"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigint, age int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct change : strata::migration<"0002_change", "0001_base"> {
#ifdef STRATA_EXPECT_FAIL
  static constexpr std::string_view allow = "ban-drop-colum: unused since release 3.2";
#else
  static constexpr std::string_view allow = "ban-drop-column, renaming-column: unused since release 3.2";
#endif
  static constexpr strata::sql up{"ALTER TABLE users DROP COLUMN age"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN age int"};
};
using app = strata::registry<base, change>;
static_assert(app::size == 2);
