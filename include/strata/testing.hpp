#pragma once
// strata's testing kit for GoogleTest (target strata::testing):
//   STRATA_MIGRATION_TESTS(Registry);          upgrade to head, the stairway, downgrade to base
//   strata::testing::database db;              a fresh PostgreSQL database for one test: db.url()
//   strata::testing::sqlite_database db;       a fresh SQLite file for one test: db.url()
//   strata::testing::schema_of(db.url())       the schema as a comparable, printable snapshot
//   strata::testing::upgrade_with_data<R>(db, hooks)   data hooks around revisions (PostgreSQL)
// The kit covers the databases whose adapters the build has: PostgreSQL's (libpqxx; included as
// <strata/cli.hpp> includes it) and SQLite's (with the target strata::sqlite, or <strata/sqlite.hpp>
// included first).

#include <string>

#include "schema/snapshot.hpp"
#include "strata.hpp"
#include "testing/migration_tests.hpp"

#if defined(STRATA_HAS_PQXX) || defined(STRATA_ADAPTER_PQXX) || \
    (!defined(STRATA_HAS_SQLITE) && __has_include(<pqxx/pqxx>) && __has_include(<libpq-fe.h>))
#define STRATA_TESTING_POSTGRESQL 1
#include "pq.hpp"
#include "testing/data_hooks.hpp"
#include "testing/database.hpp"
#include "testing/server.hpp"
#endif

#if defined(STRATA_HAS_SQLITE) || defined(STRATA_ADAPTER_SQLITE)
#define STRATA_TESTING_SQLITE 1
#include "sqlite.hpp"
#include "testing/sqlite_database.hpp"
#endif

namespace strata::testing {

// The schema of the database at `url` (a kit database's URL of either kind), leaving out strata's
// tables as `o` names them.
inline schema_snapshot schema_of(const std::string& url, const options& o = {}) {
#ifdef STRATA_TESTING_SQLITE
  if (sqlite::is_url(url)) {
    sqlite::connection conn(url);
    return read_schema(conn, o);
  }
#endif
#ifdef STRATA_TESTING_POSTGRESQL
  pq::connection conn(url);
  return read_schema(conn, o);
#else
  (void)o;
  throw config_error("schema_of: no adapter for this URL's database is installed");
#endif
}

}  // namespace strata::testing
