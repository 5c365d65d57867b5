#pragma once
// The umbrella header: declaring migrations, the registry, the executor, schema snapshots and
// start-up's configuration, with the default dialect (PostgreSQL's language and protocol: text
// only). Needs no database library; <strata/pq.hpp> adds the libpqxx connection.

#include "backend/default.hpp"
#include "core/connection.hpp"
#include "core/errors.hpp"
#include "core/fixed_string.hpp"
#include "core/log.hpp"
#include "core/options.hpp"
#include "core/redact.hpp"
#include "core/transaction.hpp"
#include "dsl/body.hpp"
#include "dsl/migration.hpp"
#include "dsl/source.hpp"
#include "dsl/sql.hpp"
#include "exec/executor.hpp"
#include "exec/report.hpp"
#include "plan/planner.hpp"
#include "registry/registry.hpp"
#include "schema/snapshot.hpp"
#include "core/backoff.hpp"
#include "startup/config.hpp"
#include "version.hpp"
