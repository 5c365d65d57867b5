#pragma once
// strata with libpqxx: everything of <strata/strata.hpp> plus strata::pq::connection.

#include "adapters/pqxx.hpp"
#include "strata.hpp"
