#pragma once
// The example service's schema: the folder migrations/ (strata's .sql format, and one C++
// migration with code bodies), made a registry by strata_add_migrations in examples/CMakeLists.txt.
// Two branches (orders, user status) start from the users table and are joined by a merge.

#include <example_migrations.hpp>

namespace example {
using migrations = ::example_migrations;
}  // namespace example
