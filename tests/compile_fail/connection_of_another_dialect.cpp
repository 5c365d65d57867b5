// A connection that says it speaks another dialect than its registry's is refused where the run
// binds it, naming both dialects.
#include <strata/exec/executor.hpp>

#include "../support/test_dialect.hpp"

struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};

struct speaks_the_test_dialect {
#ifdef STRATA_EXPECT_FAIL
  using dialect = strata::testing::test_dialect;
#else
  using dialect = strata::default_dialect;
#endif
  void execute(std::string_view) {}
  strata::rows query(std::string_view, std::span<const strata::value>) { return {}; }
};

using app = strata::registry<users>;  // the default dialect, PostgreSQL
void run(speaks_the_test_dialect& conn) { strata::upgrade<app>(conn); }
