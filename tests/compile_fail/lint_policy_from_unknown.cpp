// "Lint only revisions after this one" must name a revision of the registry.
#include <strata/strata.hpp>
struct base : strata::migration<"0001_base"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigint, age int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users DROP COLUMN age"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN age int"};
};
#ifdef STRATA_EXPECT_FAIL
using app = strata::registry<strata::lint_policy<strata::lint_from<"0009_nope">>, base, change>;
#else
using app = strata::registry<strata::lint_policy<strata::lint_from<"0002_change">>, base, change>;
#endif
static_assert(app::size == 2);
