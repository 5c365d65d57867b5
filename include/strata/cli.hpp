#pragma once
// The command line every service gets: strata::cli::main<R>(argc, argv). Needs libpqxx, CLI11
// and nlohmann-json.

#include "cli/cli.hpp"
#include "pq.hpp"
