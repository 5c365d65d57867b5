// The executor speaks its registry's dialect and no other: every run of a registry<test_dialect,
// ...> sends the test protocol's words for transaction control, the migration lock and the history
// reads, and not one of PostgreSQL's own protocol texts (which the test dialect words otherwise).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include <strata/exec/executor.hpp>
#include <strata/exec/printer.hpp>

#include "../../support/fake_connection.hpp"
#include "../../support/test_dialect.hpp"
#include "../../support/thrown.hpp"

namespace {

using strata::testing::test_dialect;
using strata::testing::test_protocol;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

using test_connection = strata::testing::test_dialect_connection;
using pooled_test_connection = strata::testing::pooled<test_connection>;

struct create_users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct add_name : strata::migration<"0002_name", "0001_users"> {
  static void up(strata::transaction& tx) { tx.execute("ALTER TABLE users ADD COLUMN name text"); }
  static void down(strata::transaction& tx) { tx.execute("ALTER TABLE users DROP COLUMN name"); }
};
struct name_index : strata::migration<"0003_index", "0002_name"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_name"};
};
using test_app = strata::registry<test_dialect, create_users, add_name, name_index>;
using transactional_test_app = strata::registry<test_dialect, create_users, add_name>;
static_assert(std::is_same_v<test_app::dialect, test_dialect>);

// PostgreSQL's own words for the parts the test protocol words otherwise, for the tables as named
// and as resolved in the current schema.
std::set<std::string> postgresql_only_texts() {
  using pg = strata::postgresql::protocol;
  std::set<std::string> out = {pg::begin_sql, pg::commit_sql, pg::rollback_sql, pg::try_lock_sql(), pg::unlock_sql(),
                               pg::try_transaction_lock_sql(), pg::existing_sql()};
  for (const char* schema : {"", "public"}) {
    pg t{};
    t.schema = schema;
    for (std::string text : {t.read_sql(), t.digest_sql(), t.create_sql(), t.states_of_sql(), t.log_count_sql(),
                             t.log_without_history_sql(), t.record_sql("upgrade"), t.record_sql("stamp"),
                             t.start_sql("start", false), t.start_sql("start-downgrade", true),
                             t.progress_sql(), t.finish_sql("upgrade"), t.erase_sql("downgrade"),
                             t.erase_sql("downgrade", false), t.erase_sql("unstamp"), t.repair_sql()})
      out.insert(std::move(text));
  }
  return out;
}

void expect_only_test_protocol(const test_connection& db) {
  for (const std::string& text : postgresql_only_texts()) EXPECT_THAT(db.texts(), Not(Contains(text))) << text;
}

TEST(Dialect, AnUpgradeSpeaksTheRegistrysProtocol) {
  test_connection db;  // no history yet
  const strata::report r = strata::upgrade<test_app>(db);
  ASSERT_EQ(r.applied.size(), 3u);
  const auto texts = db.texts();
  EXPECT_THAT(texts, Contains(test_protocol::try_lock_sql()));
  EXPECT_THAT(texts, Contains(test_protocol::unlock_sql()));
  EXPECT_THAT(texts, Contains(test_protocol::existing_sql()));
  EXPECT_EQ(std::count(texts.begin(), texts.end(), test_protocol::begin_sql), 2);  // the two transactional revisions
  EXPECT_EQ(std::count(texts.begin(), texts.end(), test_protocol::commit_sql), 2);
  expect_only_test_protocol(db);
  // The history the fake keeps from the test protocol's writes: every revision applied.
  ASSERT_TRUE(db.history);
  EXPECT_EQ(db.history->size(), 3u);
}

TEST(Dialect, TheNoOpStartUpIsTheProtocolsOneDigestQuery) {
  test_connection db;
  strata::upgrade<test_app>(db);
  db.calls.clear();
  const strata::report r = strata::upgrade<test_app>(db);
  EXPECT_FALSE(r.changed());
  ASSERT_EQ(db.round_trips(), 1u);
  EXPECT_EQ(db.calls[0].text, test_protocol{}.digest_sql());
}

TEST(Dialect, ADowngradeAndAStatusReadTheProtocolsHistory) {
  test_connection db;
  strata::upgrade<test_app>(db);
  db.calls.clear();
  strata::options o;
  o.target = "base";
  const strata::report r = strata::downgrade<test_app>(db, o);
  EXPECT_EQ(r.reverted.size(), 3u);
  EXPECT_THAT(db.texts(), Contains(test_protocol{}.read_sql()));
  EXPECT_TRUE(db.history && db.history->empty());
  const strata::state s = strata::status<test_app>(db);
  EXPECT_EQ(s.pending.size(), 3u);
  expect_only_test_protocol(db);
}

TEST(Dialect, AFailedRevisionRollsBackWithTheProtocolsWord) {
  test_connection db;
  db.fail_on = "ALTER TABLE users ADD COLUMN name text";
  EXPECT_THROW(strata::upgrade<test_app>(db), strata::migration_error);
  EXPECT_THAT(db.texts(), Contains(std::string(test_protocol::rollback_sql)));
  expect_only_test_protocol(db);
}

TEST(Dialect, ThroughAPoolerEachTransactionTakesTheProtocolsTransactionLock) {
  pooled_test_connection db;
  const strata::report r = strata::upgrade<transactional_test_app>(db);
  EXPECT_EQ(r.applied.size(), 2u);
  const auto texts = db.texts();
  EXPECT_THAT(texts, Contains(test_protocol::try_transaction_lock_sql()));
  EXPECT_THAT(texts, Not(Contains(test_protocol::try_lock_sql())));
  expect_only_test_protocol(db);
}

TEST(Dialect, TheScriptPrintsTheProtocolsTransactionControl) {
  test_connection db;
  const std::string script = strata::sql_script<transactional_test_app>(db, true);
  EXPECT_THAT(script, HasSubstr(std::string(test_protocol::begin_sql) + ";"));
  EXPECT_THAT(script, HasSubstr(std::string(test_protocol::commit_sql) + ";"));
  EXPECT_THAT(script, Not(HasSubstr("BEGIN;")));
  EXPECT_THAT(script, Not(HasSubstr("COMMIT;")));
}

// A connection that names no dialect runs with its registry's; one that names another is refused
// at compile time (tests/compile_fail/connection_of_another_dialect.cpp).
static_assert(std::is_same_v<decltype(strata::detail::bind<test_app>(std::declval<strata::testing::fake_connection&>()))::dialect,
                             test_dialect>);

}  // namespace
