#pragma once
// The umbrella header: declaring migrations, the registry, and the executor's interfaces.
// Needs no database library; <strata/pq.hpp> adds the libpqxx connection.

#include "dsl/body.hpp"
#include "dsl/fixed_string.hpp"
#include "dsl/migration.hpp"
#include "dsl/sql.hpp"
#include "exec/connection.hpp"
#include "exec/errors.hpp"
#include "exec/executor.hpp"
#include "exec/report.hpp"
#include "plan/planner.hpp"
#include "exec/transaction.hpp"
#include "registry/registry.hpp"
#include "startup/backoff.hpp"
#include "startup/config.hpp"
#include "startup/redact.hpp"
#include "version.hpp"
