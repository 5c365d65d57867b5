// An allowance must give its reason.
#include <strata/strata.hpp>
struct base : strata::migration<"0001_base"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigint, age int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct change : strata::migration<"0002_change", "0001_base"> {
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{"-- strata:allow ban-drop-column\nALTER TABLE users DROP COLUMN age"};
#else
  static constexpr strata::sql up{"-- strata:allow ban-drop-column: unused since release 3.2\nALTER TABLE users DROP COLUMN age"};
#endif
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN age int"};
};
using app = strata::registry<base, change>;
static_assert(app::size == 2);
