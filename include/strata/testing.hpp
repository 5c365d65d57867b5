#pragma once
// strata's testing kit for GoogleTest (target strata::testing):
//   STRATA_MIGRATION_TESTS(Registry);          upgrade to head, the stairway, downgrade to base
//   strata::testing::database db;              a fresh database for one test: db.url()
//   strata::testing::schema_of(db.url())       the schema as a comparable, printable snapshot
//   strata::testing::upgrade_with_data<R>(db, hooks)   data hooks around revisions

#include "strata.hpp"
#include "pq.hpp"
#include "schema/snapshot.hpp"
#include "testing/database.hpp"
#include "testing/migration_tests.hpp"
#include "testing/server.hpp"

namespace strata::testing {

// The schema of the database at `url`, leaving out strata's tables as `o` names them.
inline schema_snapshot schema_of(const std::string& url, const options& o = {}) {
  pq::connection conn(url);
  return read_schema(conn, o);
}

}  // namespace strata::testing
