#pragma once
// The command line every service gets: strata::cli::main<R>(argc, argv), on the database of the
// registry's dialect. Needs CLI11 and nlohmann-json, and the adapter of that database: SQLite's
// (include <strata/sqlite.hpp>), or libpqxx's, included here unless the build is SQLite's only
// (the targets strata::pqxx and strata::sqlite define STRATA_HAS_PQXX and STRATA_HAS_SQLITE;
// without them, when libpqxx and libpq are on the include path).

#include "cli/cli.hpp"
#if defined(STRATA_HAS_PQXX) || defined(STRATA_ADAPTER_PQXX) || \
    (!defined(STRATA_HAS_SQLITE) && __has_include(<pqxx/pqxx>) && __has_include(<libpq-fe.h>))
#include "pq.hpp"
#endif
