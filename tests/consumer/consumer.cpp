// A service of another project, built against an installed strata or strata as a subdirectory:
// strata::cli brings the command line with libpqxx, CLI11 and nlohmann-json.
#include <strata/cli.hpp>

#include <app_migrations.hpp>  // generated from ../migrations by strata_add_migrations

static_assert(app_migrations::head == "20240102_user_status");

int main(int argc, char** argv) { return strata::cli::main<app_migrations>(argc, argv); }
