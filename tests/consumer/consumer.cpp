// A service of another project, built against an installed strata or strata as a subdirectory:
// strata::cli brings the command line with libpqxx, CLI11 and nlohmann-json.
#include <strata/cli.hpp>

struct create_users : strata::migration<"20240101_create_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
using app_migrations = strata::registry<create_users>;
static_assert(app_migrations::head == "20240101_create_users");

int main(int argc, char** argv) { return strata::cli::main<app_migrations>(argc, argv); }
