#pragma once
// The command line every service gets: strata::cli::main<R>(argc, argv), on the database of the
// registry's dialect. Needs CLI11 and nlohmann-json, and the adapter of that database: libpqxx's
// (included here when libpqxx and libpq are on the include path) or SQLite's (include <strata/sqlite.hpp>).

#include "cli/cli.hpp"
#if __has_include(<pqxx/pqxx>) && __has_include(<libpq-fe.h>)
#include "pq.hpp"
#endif
