// The testing kit's cases for the generated registry: bench_stairway [GoogleTest options]
#include <strata/testing.hpp>

#include "stairway_50.hpp"

STRATA_MIGRATION_TESTS(stairway_bench::migrations);
