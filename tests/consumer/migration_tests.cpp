// The consumer's migration tests: one line, with strata::testing and GoogleTest.
#include <strata/testing.hpp>

#include "app_migrations.hpp"

STRATA_MIGRATION_TESTS(app_migrations);
