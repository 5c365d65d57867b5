#pragma once
// The tables the lint's compile-fail tests change: users (with an index and a unique index) and orders.
#include <strata/strata.hpp>
struct base : strata::migration<"0001_base"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigint PRIMARY KEY, email text, age int);\n"
                                  "CREATE INDEX users_age ON users (age);\n"
                                  "CREATE UNIQUE INDEX users_email_unique ON users (email);\n"
                                  "CREATE TABLE orders (id bigint, user_id bigint)"};
  static constexpr strata::sql down{"DROP TABLE orders; DROP TABLE users"};
};
