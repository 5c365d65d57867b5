#pragma once
// The tables the SQLite lint's compile-fail tests change: users (with an index) and orders.
#include <strata/backend/sqlite/dialect.hpp>
#include <strata/strata.hpp>
struct base : strata::migration<"0001_base"> {
  static constexpr strata::sql up{"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, age INTEGER);\n"
                                  "CREATE INDEX users_age ON users (age);\n"
                                  "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id))"};
  static constexpr strata::sql down{"DROP TABLE orders; DROP TABLE users"};
};
