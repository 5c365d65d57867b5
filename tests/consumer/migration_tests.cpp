// The consumer's migration tests: one line, with strata::testing and GoogleTest.
#include <strata/testing.hpp>

#include <app_migrations.hpp>  // generated from ../migrations by strata_add_migrations

STRATA_MIGRATION_TESTS(app_migrations);
