#pragma once
// strata with SQLite's C library: everything of <strata/strata.hpp>, strata::sqlite::dialect (name
// it first in a registry) and strata::sqlite::connection.

#include "adapters/sqlite.hpp"
#include "backend/sqlite/dialect.hpp"
#include "strata.hpp"
