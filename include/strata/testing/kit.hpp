#pragma once
// What the testing kit's cases run on, per dialect: a fresh database for one test (`.url()`,
// `.recreate()`) and the connection that opens it from that URL. Specialised beside each kind of
// test database (testing/database.hpp: a database on a PostgreSQL server; testing/sqlite_database.hpp:
// a temporary SQLite file).

namespace strata::testing {

template <class Dialect>
struct kit;

template <class Dialect>
concept has_kit = requires {
  typename kit<Dialect>::database;
  typename kit<Dialect>::connection;
};

}  // namespace strata::testing
