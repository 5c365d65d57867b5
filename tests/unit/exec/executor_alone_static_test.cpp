// The executor's header alone is enough to run a registry: its dialect (the default, PostgreSQL's)
// comes with it, complete, for a connection that names none. Building this file is the test.
#include <strata/exec/executor.hpp>

namespace {

struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
using app = strata::registry<users>;

struct names_no_dialect {
  void execute(std::string_view) {}
  strata::rows query(std::string_view, std::span<const strata::value>) { return {}; }
};
static_assert(strata::connection<names_no_dialect>);

[[maybe_unused]] strata::report run(names_no_dialect& conn) { return strata::upgrade<app>(conn); }
[[maybe_unused]] std::string script(names_no_dialect& conn) { return strata::sql_script<app>(conn, true); }

}  // namespace

int main() {}
