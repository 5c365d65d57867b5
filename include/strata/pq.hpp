#pragma once
// strata with libpqxx: everything of <strata/strata.hpp>, strata::pq::connection, and start-up
// (startup_config, migrate_on_startup, migrate_async), and fleets (upgrade_fleet and the rest).

#include "adapters/libpq_url.hpp"
#include "adapters/pqxx.hpp"
#include "fleet/pqxx.hpp"
#include "startup/startup.hpp"
#include "strata.hpp"
