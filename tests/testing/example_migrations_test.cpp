// The example service's migrations, tested with the kit as a user would.
#include <strata/testing.hpp>

#include "migrations.hpp"

STRATA_MIGRATION_TESTS(example::migrations);
