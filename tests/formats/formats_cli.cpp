// The command line over the registries strata_add_migrations generated from each format's corpus:
//   formats_cli FORMAT COMMAND...
#include <cstring>
#include <iostream>

#include <strata/cli.hpp>

#include <fmt_dbmate.hpp>
#include <fmt_flyway.hpp>
#include <fmt_golang_migrate.hpp>
#include <fmt_goose.hpp>
#include <fmt_sqlx.hpp>
#include <fmt_strata.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: formats_cli FORMAT COMMAND...\n";
    return 2;
  }
  const std::string format = argv[1];
  argv[1] = argv[0];  // the rest is the command line of that registry
  if (format == "strata") return strata::cli::main<fmt_strata>(argc - 1, argv + 1);
  if (format == "golang-migrate") return strata::cli::main<fmt_golang_migrate>(argc - 1, argv + 1);
  if (format == "sqlx") return strata::cli::main<fmt_sqlx>(argc - 1, argv + 1);
  if (format == "goose") return strata::cli::main<fmt_goose>(argc - 1, argv + 1);
  if (format == "dbmate") return strata::cli::main<fmt_dbmate>(argc - 1, argv + 1);
  if (format == "flyway") return strata::cli::main<fmt_flyway>(argc - 1, argv + 1);
  std::cerr << "formats_cli: unknown format " << format << "\n";
  return 2;
}
