// Executor logic against a fake connection: plans, statement order, round trips, validation,
// error mapping. What the database decides is tested in tests/pg/. Built twice: with PostgreSQL's
// dialect, and with STRATA_EXECUTOR_TEST_DIALECT with the test dialect (tests/support/
// test_dialect.hpp), whose protocol words every text otherwise: the same assertions hold for both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <strata/strata.hpp>

#include "../../support/fake_connection.hpp"
#include "../../support/thrown.hpp"

namespace {

#ifdef STRATA_EXECUTOR_TEST_DIALECT
using run_dialect = strata::testing::test_dialect;
using fake_connection = strata::testing::test_dialect_connection;
#else
using run_dialect = strata::default_dialect;
using fake_connection = strata::testing::fake_connection;  // names no dialect: its registry's
#endif
using protocol = run_dialect::protocol;
using batching_fake_connection = strata::testing::batching<fake_connection>;
using pooled_fake_connection = strata::testing::pooled<fake_connection>;
template <class... Ms>
using registry = strata::registry<run_dialect, Ms...>;
const std::string begin_text = protocol::begin_sql, commit_text = protocol::commit_sql,
                  rollback_text = protocol::rollback_sql;
using strata::testing::history_row;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

struct create_users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id int); CREATE INDEX users_id ON users (id)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct add_name : strata::migration<"0002_name", "0001_users"> {
  static void up(strata::transaction& tx) { tx.execute("ALTER TABLE users ADD COLUMN name text"); }
  static void down(strata::transaction& tx) { tx.execute("ALTER TABLE users DROP COLUMN name"); }
};
struct backfill : strata::migration<"0003_backfill", "0002_name"> {
  static constexpr strata::sql up{"UPDATE users SET name = 'x'"};
  static constexpr auto down = strata::irreversible;
};
struct email_index : strata::migration<"0004_index", "0003_backfill"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON users (id); CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS b; DROP INDEX CONCURRENTLY IF EXISTS a"};
};
using app = registry<email_index, backfill, add_name, create_users>;

protocol public_tables() {
  protocol p;
  p.schema = "public";
  return p;
}

std::string checksum_of(std::string_view id) { return strata::detail::checksum_text(app::checksum(id)); }

strata::rows full_history() {
  return {history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
          history_row("0003_backfill", checksum_of("0003_backfill")), history_row("0004_index", checksum_of("0004_index"))};
}

TEST(Upgrade, UpToDateCostsOneRoundTripAndNoLock) {
  fake_connection db;
  db.history = full_history();
  const strata::report r = strata::upgrade<app>(db);
  EXPECT_EQ(db.round_trips(), 1u);
  EXPECT_FALSE(db.sent("advisory"));
  EXPECT_FALSE(r.took_lock);
  EXPECT_FALSE(r.changed());
  EXPECT_EQ(r.head_after, "0004_index");
}

TEST(Upgrade, EmptyDatabaseRunsEveryMigrationInOrder) {
  fake_connection db;  // no history table yet
  const strata::report r = strata::upgrade<app>(db);
  ASSERT_EQ(r.applied.size(), 4u);
  EXPECT_EQ(r.applied[0].revision, "0001_users");
  EXPECT_EQ(r.applied[3].revision, "0004_index");
  const auto t = db.texts();
  std::vector<std::string> statements;
  for (const auto& s : t)
    if (!s.starts_with("SELECT") && !s.starts_with("WITH") && !s.starts_with("CREATE TABLE IF")) statements.push_back(s);
  const char* lock_timeout = "SET LOCAL lock_timeout = '1000ms'";  // the default: sessions never queue long behind it
  const std::string progress = public_tables().progress_sql();  // outside a transaction, after each statement
  EXPECT_THAT(statements, ElementsAre(begin_text, lock_timeout, "CREATE TABLE users (id int)", "CREATE INDEX users_id ON users (id)",
                                      commit_text,                                                           //
                                      begin_text, lock_timeout, "ALTER TABLE users ADD COLUMN name text", commit_text,  //
                                      begin_text, lock_timeout, "UPDATE users SET name = 'x'", commit_text,             //
                                      // no lock_timeout for a concurrent build: it waits for older transactions
                                      "CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON users (id)", progress,
                                      "CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON users (name)", progress));
  EXPECT_TRUE(db.sent(protocol::try_lock_sql()));
  EXPECT_EQ(db.calls.back().text, protocol::unlock_sql());
}

TEST(Upgrade, BatchingConnectionSendsATransactionalBodyInOneRoundTrip) {
  batching_fake_connection db;
  strata::upgrade<app>(db, {.target = "0001_users"});
  ASSERT_EQ(db.batches.size(), 1u);
  EXPECT_THAT(db.batches[0], ElementsAre(begin_text, "SET LOCAL lock_timeout = '1000ms'", "CREATE TABLE users (id int)",
                                         "CREATE INDEX users_id ON users (id)"));
}

TEST(Upgrade, BatchFailureStillNamesTheStatement) {
  batching_fake_connection db;
  db.fail_on = "CREATE INDEX users_id ON users (id)";
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0001_users");
  EXPECT_EQ(e->statement_number(), 2u);
  EXPECT_EQ(e->statement(), "CREATE INDEX users_id ON users (id)");
  EXPECT_EQ(db.texts().back(), protocol::unlock_sql());
  const auto t = db.texts();
  EXPECT_NE(std::find(t.begin(), t.end(), rollback_text), t.end());
}

TEST(Upgrade, NonTransactionalBodiesAreNeverBatched) {
  batching_fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
                            history_row("0003_backfill", checksum_of("0003_backfill"))};
  strata::upgrade<app>(db);
  EXPECT_TRUE(db.batches.empty());
  EXPECT_TRUE(db.sent("CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON users (id)"));
}

TEST(Upgrade, HistoryRowIsWrittenInsideTheMigrationsTransaction) {
  fake_connection db;
  strata::upgrade<app>(db, {.target = "0001_users"});
  const auto t = db.texts();
  const auto begin = std::find(t.begin(), t.end(), begin_text);
  const auto record = std::find_if(t.begin(), t.end(), [](const std::string& s) { return s.starts_with("WITH h AS (INSERT"); });
  const auto commit = std::find(t.begin(), t.end(), commit_text);
  ASSERT_NE(record, t.end());
  EXPECT_LT(begin, record);
  EXPECT_LT(record, commit);
  // values go as parameters, never in the text
  const auto& call = db.calls[static_cast<std::size_t>(record - t.begin())];
  EXPECT_EQ(call.params[0], strata::value("0001_users"));
  EXPECT_EQ(call.params[2], strata::value(checksum_of("0001_users")));
  EXPECT_THAT(call.text, ::testing::Not(HasSubstr("0001_users")));
}

TEST(Upgrade, TargetStopsThere) {
  fake_connection db;
  const auto r = strata::upgrade<app>(db, {.target = "0002_name"});
  ASSERT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(r.head_after, "0002_name");
}

TEST(Upgrade, UnknownTargetIsAnErrorNamingIt) {
  fake_connection db;
  db.history = strata::rows{};
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::upgrade<app>(db, {.target = "0009_nope"}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0009_nope"));
}

TEST(Upgrade, FailingStatementRollsBackAndStops) {
  fake_connection db;
  db.fail_on = "ALTER TABLE users ADD COLUMN name text";
  db.fail_state = "42701";
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0002_name");
  EXPECT_EQ(e->sqlstate(), "42701");
  EXPECT_EQ(e->statement(), "ALTER TABLE users ADD COLUMN name text");
  EXPECT_THAT(e->what(), HasSubstr("0002_name"));
  EXPECT_THAT(e->what(), HasSubstr("42701"));
  const auto t = db.texts();
  EXPECT_NE(std::find(t.begin(), t.end(), rollback_text), t.end());
  EXPECT_FALSE(db.sent("UPDATE users"));  // nothing after the failure ran
  EXPECT_EQ(db.history->size(), 1u);      // only 0001 recorded
  EXPECT_THAT(e->what(), HasSubstr("\n  applied before it in this run, and committed: 0001_users"));
}

TEST(Upgrade, AFailureSaysWhatTheRunHadCommittedBeforeIt) {
  fake_connection db;
  db.fail_on = "UPDATE users SET name = 'x'";
  const auto late = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(late);
  EXPECT_THAT(late->what(), HasSubstr("\n  applied before it in this run, and committed: 0001_users, 0002_name"));

  fake_connection first;
  first.fail_on = "CREATE TABLE users (id int)";
  const auto early = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(first); });
  ASSERT_TRUE(early);
  EXPECT_THAT(early->what(), HasSubstr("\n  nothing was applied before it in this run"));
}

TEST(Upgrade, TransactionalFailureSaysItWasRolledBack) {
  batching_fake_connection batching;
  batching.fail_on = "CREATE INDEX users_id ON users (id)";
  fake_connection one_by_one;
  one_by_one.fail_on = "ALTER TABLE users ADD COLUMN name text";  // a code body
  for (fake_connection* db : {static_cast<fake_connection*>(&batching), &one_by_one}) {
    const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(*db); });
    ASSERT_TRUE(e);
    EXPECT_THAT(e->what(), HasSubstr("\n  its transaction was rolled back, nothing of it was applied"));
    EXPECT_THAT(e->what(), ::testing::StartsWith("strata.migration_failed: revision "));
  }
}

TEST(Upgrade, SingleTransactionFailureSaysTheWholeRunWasRolledBack) {
  fake_connection db;
  db.fail_on = "UPDATE users SET name = 'x'";
  const auto e = strata::testing::thrown<strata::migration_error>(
      [&] { strata::upgrade<app>(db, {.target = "0003_backfill", .mode = strata::mode::single_transaction}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0003_backfill");
  EXPECT_THAT(e->what(), HasSubstr("\n  the run's single transaction was rolled back: none of its revisions was applied"));
  EXPECT_THAT(e->what(), Not(HasSubstr("its transaction was rolled back")));
}

// PostgreSQL's "LINE n: ..." and the caret under the error's position, DETAIL and HINT: each a
// line of its own under the failure, indented alike, so that the caret stays under its character.
TEST(Upgrade, TheServersLinesStayLinesUnderTheFailure) {
  const std::string server = "ERROR:  syntax error at or near \"FROM\"\nLINE 2:   FROM FROM t\n                ^\nHINT:  look\n";
  const strata::database_error plain(server, "42601", "SELECT x\n  FROM FROM t");
  EXPECT_EQ(std::string(plain.what()), "strata.database: ERROR:  syntax error at or near \"FROM\" [SQLSTATE 42601]\n"
                                       "  LINE 2:   FROM FROM t\n"
                                       "                  ^\n"
                                       "  HINT:  look");
  batching_fake_connection db;
  db.fail_on = "CREATE INDEX users_id ON users (id)";
  db.fail_message = server;
  db.fail_state = "42601";
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("failed at statement 2 of 2: ERROR:  syntax error at or near \"FROM\" [SQLSTATE 42601]\n"
                                   "  LINE 2:   FROM FROM t\n"
                                   "                  ^\n"
                                   "  HINT:  look\n"
                                   "  statement: CREATE INDEX users_id ON users (id)"));
}

TEST(Upgrade, FailingSqlStatementIsNumbered) {
  fake_connection db;
  db.fail_on = "CREATE INDEX users_id ON users (id)";
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0001_users");
  EXPECT_EQ(e->statement_number(), 2u);
  EXPECT_THAT(e->what(), HasSubstr("statement 2 of 2"));
}

TEST(Upgrade, NonTransactionalFailureSaysWhatAlreadyRan) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
                            history_row("0003_backfill", checksum_of("0003_backfill"))};
  db.fail_on = "CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON users (name)";
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0004_index");
  EXPECT_EQ(e->statements_already_run(), 1u);
  EXPECT_THAT(e->what(), HasSubstr("statements 1 to 1 ran and stay applied; its history row says 'started'"));
  EXPECT_THAT(e->what(), Not(HasSubstr("rolled back")));
  ASSERT_EQ(db.history->size(), 4u);  // begun, not applied: the next run resumes it
  EXPECT_EQ(db.history->back()[6], strata::value("started"));
}

TEST(Upgrade, LostConnectionInANonTransactionalMigrationLeavesItToBeResumed) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
                            history_row("0003_backfill", checksum_of("0003_backfill"))};
  db.lose_connection_on = "CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON users (name)";
  const auto e = strata::testing::thrown<strata::connection_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0004_index"));
  EXPECT_THAT(e->what(), HasSubstr("may have run"));
  EXPECT_THAT(e->what(), HasSubstr("the next run resumes it"));
  EXPECT_EQ(db.history->back()[6], strata::value("started"));
}

// A non-transactional revision as goose and golang-migrate folders write them: no IF [NOT] EXISTS.
struct plain_forms : strata::migration<"0004_index", "0003_backfill"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{
      "CREATE TABLE audit (id int); CREATE INDEX CONCURRENTLY a ON users (id); CREATE INDEX CONCURRENTLY b ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY b; DROP INDEX CONCURRENTLY a; DROP TABLE audit"};
};
using plain_app = registry<plain_forms, backfill, add_name, create_users>;

// plain_app's history with its last revision begun and `done` of its statements done.
strata::rows plain_history_begun(const char* done) {
  strata::rows h = full_history();
  h.back() = history_row("0004_index", strata::detail::checksum_text(plain_app::checksum("0004_index")), "started");
  h.back()[9] = strata::value(done);
  return h;
}

std::vector<std::string> texts_after(const std::vector<std::string>& t, std::string_view first) {
  return {std::find_if(t.begin(), t.end(), [&](const std::string& s) { return s.starts_with(first); }), t.end()};
}

TEST(Upgrade, EachStatementOutsideATransactionRecordsItsProgress) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
                            history_row("0003_backfill", checksum_of("0003_backfill"))};
  strata::upgrade<plain_app>(db);
  const std::string progress = public_tables().progress_sql();
  std::vector<std::string> body;
  std::vector<std::string> numbers;
  for (const auto& c : db.calls) {
    if (c.text == progress) numbers.push_back(c.params.at(1).value_or(""));
    if (c.text.find("audit") != std::string::npos || c.text.find("ON users") != std::string::npos || c.text == progress ||
        c.text == begin_text || c.text == commit_text)
      body.push_back(c.text);
  }
  // CREATE TABLE would fail run twice: it runs in a transaction with its progress record; a
  // concurrent build cannot, and is looked up on a resume instead.
  EXPECT_THAT(body, ElementsAre(begin_text, "CREATE TABLE audit (id int)", progress, commit_text,
                                "CREATE INDEX CONCURRENTLY a ON users (id)", progress,
                                "CREATE INDEX CONCURRENTLY b ON users (name)", progress));
  EXPECT_THAT(numbers, ElementsAre("1", "2", "3"));
  EXPECT_EQ(db.history->back()[6], strata::value("applied"));
}

TEST(Upgrade, AnInterruptedRevisionContinuesAtTheStatementItWasRunning) {
  fake_connection db;
  db.history = plain_history_begun("2");  // statements 1 and 2 done
  db.indexes_exist = true;
  const strata::report r = strata::upgrade<plain_app>(db);
  EXPECT_THAT(r.resumed, ElementsAre("0004_index"));
  EXPECT_FALSE(db.sent("CREATE TABLE audit"));
  EXPECT_FALSE(db.sent("CREATE INDEX CONCURRENTLY a"));
  // the interrupted run may have finished statement 3: strata looks for its index, finds it, and
  // records the statement as done without running it again
  EXPECT_FALSE(db.sent("CREATE INDEX CONCURRENTLY b"));
  EXPECT_TRUE(db.sent(protocol::index_exists_sql()));
  EXPECT_EQ(db.history->back()[6], strata::value("applied"));
}

TEST(Upgrade, TheInterruptedStatementRunsAgainWhenItsIndexIsMissing) {
  fake_connection db;
  db.history = plain_history_begun("1");
  strata::upgrade<plain_app>(db);
  const auto t = texts_after(db.texts(), protocol::index_exists_sql());
  ASSERT_FALSE(t.empty());
  EXPECT_THAT(t, Contains("CREATE INDEX CONCURRENTLY a ON users (id)"));
  EXPECT_THAT(t, Contains("CREATE INDEX CONCURRENTLY b ON users (name)"));
  EXPECT_FALSE(db.sent("CREATE TABLE audit"));
  // only the first statement it runs is looked up: the later ones were never begun
  const auto all = db.texts();
  EXPECT_EQ(std::count(all.begin(), all.end(), protocol::index_exists_sql()), 1);
}

TEST(Downgrade, AnInterruptedUpgradeIsRevertedWithEveryIndexStatementLookedUp) {
  fake_connection db;
  db.history = plain_history_begun("2");  // of its up: the down runs from its first statement
  db.indexes_exist = true;
  strata::downgrade<plain_app>(db, {.target = "0003_backfill"});
  const auto all = db.texts();
  EXPECT_EQ(std::count(all.begin(), all.end(), protocol::index_gone_sql()), 2);
  EXPECT_TRUE(db.sent("DROP TABLE audit"));
  EXPECT_EQ(db.history->size(), 3u);
}

// The body's own BEGIN ... COMMIT outside a strata transaction: its statements and their progress
// records share it (strata opens none inside), and a statement in it that gave up waiting for a
// lock runs again from that BEGIN, after a ROLLBACK.
struct own_transaction : strata::migration<"0004_index", "0003_backfill"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON users (id); BEGIN; CREATE TABLE x (id int); INSERT INTO x VALUES (1); COMMIT"};
  static constexpr strata::sql down{"DROP TABLE x; DROP INDEX CONCURRENTLY IF EXISTS a"};
};
using own_transaction_app = registry<own_transaction, backfill, add_name, create_users>;

TEST(Upgrade, TheBodysOwnTransactionHoldsItsStatementsProgressAndIsRetriedWhole) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
                            history_row("0003_backfill", checksum_of("0003_backfill"))};
  db.fail_on = "INSERT INTO x VALUES (1)";
  db.fail_state = "55P03";  // lock_not_available
  db.fail_once = true;
  using std::chrono::milliseconds;
  const strata::report r = strata::upgrade<own_transaction_app>(
      db, {.lock_retry_for = milliseconds(5000), .lock_retry_base = milliseconds(1), .lock_retry_cap = milliseconds(2)});
  ASSERT_EQ(r.applied.size(), 1u);
  const std::string progress = public_tables().progress_sql();
  std::vector<std::string> seen;
  for (const auto& t : db.texts())
    if (t == progress || t == begin_text || t == commit_text || t == rollback_text || t == "BEGIN" || t == "COMMIT" ||
        t.starts_with("CREATE TABLE x") || t.starts_with("INSERT INTO x") || t.starts_with("CREATE INDEX CONCURRENTLY"))
      seen.push_back(t == progress ? "progress" : t);
  EXPECT_THAT(seen, ElementsAre("CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON users (id)", "progress",  //
                                "BEGIN", "progress", "CREATE TABLE x (id int)", "progress", "INSERT INTO x VALUES (1)",
                                rollback_text,  // the lock wait ran out: the body's transaction is rolled back
                                "BEGIN", "progress", "CREATE TABLE x (id int)", "progress", "INSERT INTO x VALUES (1)",
                                "progress", "COMMIT", "progress"));
}

TEST(Upgrade, AnInterruptedNonTransactionalRevisionIsResumedFromItsFirstStatement) {
  fake_connection db;
  db.history = full_history();
  db.history->back() = history_row("0004_index", checksum_of("0004_index"), "started");
  const strata::report r = strata::upgrade<app>(db);
  ASSERT_EQ(r.applied.size(), 1u);
  EXPECT_THAT(r.resumed, ElementsAre("0004_index"));
  const auto t = db.texts();
  const auto resume = std::find_if(t.begin(), t.end(), [](const std::string& s) { return s.find("'resume'") != std::string::npos; });
  const auto first = std::find(t.begin(), t.end(), "CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON users (id)");
  const auto finish = std::find_if(t.begin(), t.end(), [](const std::string& s) { return s.starts_with("WITH h AS (UPDATE"); });
  ASSERT_NE(resume, t.end());
  ASSERT_NE(first, t.end());
  ASSERT_NE(finish, t.end());
  EXPECT_LT(resume, first);
  EXPECT_LT(first, finish);
  EXPECT_EQ(db.history->back()[6], strata::value("applied"));
  EXPECT_THAT(strata::to_string(r), HasSubstr("resumed  0004_index"));
}

TEST(Downgrade, TargetMustBeApplied) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users"))};
  const auto e = strata::testing::thrown<strata::target_error>(
      [&] { strata::downgrade<app>(db, {.target = "0003_backfill"}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0003_backfill is not applied"));
  EXPECT_FALSE(db.sent("DROP TABLE"));
  EXPECT_FALSE(db.sent("advisory"));
}

TEST(Upgrade, NextNPendingInApplyOrder) {
  fake_connection db;
  const strata::report r = strata::upgrade_next<app>(db, 2);
  ASSERT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(r.applied[0].revision, "0001_users");
  EXPECT_EQ(r.applied[1].revision, "0002_name");
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::upgrade_next<app>(db, 3); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("cannot apply 3 revisions: only 2 are pending"));
}

TEST(Validation, TamperedHistoriesAreRefused) {
  struct tampering {
    const char* what;
    strata::rows history;
    const char* says;
  };
  auto with = [](std::size_t k, strata::row r) {
    strata::rows h = full_history();
    h[k] = std::move(r);
    return h;
  };
  strata::row unknown_version = history_row("0003_backfill", "deadbeef");
  unknown_version[2] = strata::value("7");
  strata::rows middle_deleted = full_history();
  middle_deleted.erase(middle_deleted.begin() + 1);
  strata::row strange_state = history_row("0001_users", checksum_of("0001_users"), "weird");
  for (const auto& t : std::vector<tampering>{
           {"checksum NULL", with(0, history_row("0001_users", "")), "0001_users (history none, build "},
           {"unknown checksum version", with(2, unknown_version), "checksum version 7"},
           {"middle row deleted", middle_deleted, "0003_backfill is recorded as applied but its parent 0002_name is not"},
           {"unknown state", with(0, strange_state), "state 'weird'"},
       }) {
    fake_connection db;
    db.history = t.history;
    const auto e = strata::testing::thrown<strata::validation_error>([&] { strata::upgrade<app>(db); });
    ASSERT_TRUE(e) << t.what;
    EXPECT_THAT(e->what(), HasSubstr(t.says)) << t.what;
    EXPECT_FALSE(db.sent("advisory")) << t.what;
    EXPECT_EQ(db.round_trips(), 3u) << t.what;  // the digest differs, so the rows and the log's account are read; nothing else
  }
}

TEST(Validation, AnEditedRevisionPointsAtRepair) {
  fake_connection db;
  db.history = full_history();
  (*db.history)[0][1] = strata::value("0123456789abcdef");
  const auto e = strata::testing::thrown<strata::validation_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("`repair`"));
  const strata::report r = strata::repair<app>(db);
  EXPECT_THAT(r.repaired, ElementsAre("0001_users"));
  EXPECT_TRUE(db.sent("'repair'"));
}

TEST(Stamp, RefusesToRemoveUnknownRevisionsUnlessAsked) {
  fake_connection db;
  db.history = full_history();
  db.history->push_back(history_row("0009_newer", "aa"));
  const auto e = strata::testing::thrown<strata::validation_error>([&] { strata::stamp<app>(db, "0004_index"); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0009_newer"));
  EXPECT_FALSE(db.sent("DELETE"));
  const strata::report r = strata::stamp<app>(db, "0004_index", {.remove_unknown_revisions = true});
  EXPECT_THAT(r.unstamped, ElementsAre("0009_newer"));
}

struct noexcept_body : strata::migration<"0001_n"> {
  static void up(strata::transaction& tx) noexcept { tx.execute("SELECT 'noexcept up'"); }
  static void down(strata::transaction& tx) noexcept { tx.execute("SELECT 'noexcept down'"); }
};
struct side_a : strata::migration<"0002_a", "0001_n"> {
  static constexpr strata::sql up{"SELECT 'a'"};
  static constexpr strata::sql down{"SELECT 'undo a'"};
};
struct side_b : strata::migration<"0002_b", "0001_n"> {
  static constexpr strata::sql up{"SELECT 'b'"};
  static constexpr strata::sql down{"SELECT 'undo b'"};
};
struct merge_without_bodies : strata::migration<"0003_merge", "0002_a", "0002_b"> {};
using noexcept_app = registry<noexcept_body, side_a, side_b, merge_without_bodies>;

TEST(CodeBodies, NoexceptBodiesRunAndABodilessMergeRunsNothing) {
  fake_connection db;
  const strata::report r = strata::upgrade<noexcept_app>(db);
  EXPECT_EQ(r.applied.size(), 4u);
  EXPECT_TRUE(db.sent("SELECT 'noexcept up'"));
  strata::downgrade<noexcept_app>(db, {.target = "base"});
  EXPECT_TRUE(db.sent("SELECT 'noexcept down'"));
}

TEST(Registry, UnknownIdsAtRunTimeThrowAStrataError) {
  EXPECT_THROW((void)app::index_of(std::string("0009_nope")), strata::target_error);
  EXPECT_THROW((void)app::checksum(std::string("0009_nope")), strata::target_error);
}

TEST(SqlScript, RefusesWhatSingleTransactionModeRefuses) {
  fake_connection db;
  EXPECT_THROW(strata::sql_script<app>(db, true, {.mode = strata::mode::single_transaction}), strata::target_error);
}

TEST(Upgrade, SingleTransactionIsAllOrNothing) {
  fake_connection db;
  db.fail_on = "UPDATE users SET name = 'x'";
  EXPECT_THROW(strata::upgrade<app>(db, {.target = "0003_backfill", .mode = strata::mode::single_transaction}),
               strata::migration_error);
  const auto t = db.texts();
  EXPECT_EQ(std::count(t.begin(), t.end(), begin_text), 1);
  EXPECT_EQ(std::count(t.begin(), t.end(), commit_text), 0);
  EXPECT_EQ(std::count(t.begin(), t.end(), rollback_text), 1);
}

TEST(Upgrade, SingleTransactionRefusesNonTransactionalBeforeRunningAnything) {
  fake_connection db;
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::upgrade<app>(db, {.mode = strata::mode::single_transaction}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0004_index"));
  EXPECT_FALSE(db.sent(begin_text));
}

TEST(Validation, EditedMigrationStopsTheRunBeforeAnyLock) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", "0123456789abcdef")};
  const auto e = strata::testing::thrown<strata::validation_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0001_users"));
  EXPECT_THAT(e->what(), HasSubstr("edited"));
  EXPECT_EQ(db.round_trips(), 3u);  // the digest, the rows, the log's account; no lock
}

TEST(Validation, UnknownRevisionStopsOrWarns) {
  fake_connection db;
  auto h = full_history();
  h.push_back(history_row("0005_from_a_newer_build", ""));
  db.history = h;
  EXPECT_THROW(strata::upgrade<app>(db), strata::validation_error);
  const auto r = strata::upgrade<app>(db, {.allow_unknown_revisions = true});
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("0005_from_a_newer_build"));
}

TEST(Lock, TimeoutNamesTheError) {
  fake_connection db;
  db.lock_available = false;
  EXPECT_THROW(strata::upgrade<app>(db, {.lock_timeout = std::chrono::milliseconds(30)}), strata::lock_timeout_error);
  EXPECT_FALSE(db.sent(begin_text));
}

TEST(Commit, LostConnectionDuringCommitIsStateUnknown) {
  fake_connection db;
  db.lose_connection_on_commit = true;
  EXPECT_THROW(strata::upgrade<app>(db), strata::state_unknown_error);
}

TEST(Downgrade, RevertsChildrenFirstAndRefusesIrreversible) {
  fake_connection db;
  db.history = full_history();
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::downgrade<app>(db, {.target = "base"}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0003_backfill"));
  EXPECT_FALSE(db.sent("DROP INDEX"));  // refused before anything ran
  const auto r = strata::downgrade<app>(db, {.target = "0003_backfill"});
  ASSERT_EQ(r.reverted.size(), 1u);
  EXPECT_EQ(r.reverted[0].revision, "0004_index");
  const auto t = db.texts();
  const auto b = std::find(t.begin(), t.end(), "DROP INDEX CONCURRENTLY IF EXISTS b");
  const auto a = std::find(t.begin(), t.end(), "DROP INDEX CONCURRENTLY IF EXISTS a");
  EXPECT_LT(b, a);
}

TEST(Downgrade, LastN) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", "")};
  const auto r = strata::downgrade_last<app>(db, 2);
  ASSERT_EQ(r.reverted.size(), 2u);
  EXPECT_EQ(r.reverted[0].revision, "0002_name");
  EXPECT_EQ(r.reverted[1].revision, "0001_users");
  EXPECT_THROW(strata::downgrade_last<app>(db, 1), strata::target_error);  // nothing left
}

TEST(Stamp, RecordsAncestorsWithoutRunningThem) {
  fake_connection db;
  const auto r = strata::stamp<app>(db, "0002_name");
  EXPECT_THAT(r.stamped, ElementsAre("0001_users", "0002_name"));
  EXPECT_FALSE(db.sent("CREATE TABLE users"));
  EXPECT_EQ(db.history->size(), 2u);
}

TEST(SqlScript, PrintsWhatWouldRunAndChangesNothing) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", "")};
  const std::string script = strata::sql_script<app>(db, true);
  EXPECT_THAT(script, HasSubstr("UPDATE users SET name = 'x';"));
  EXPECT_THAT(script, HasSubstr("-- upgrade 0004_index (not transactional)"));
  EXPECT_EQ(db.round_trips(), 3u);  // the history read (its rows, the log's account), and the current schema
  EXPECT_FALSE(db.sent("advisory"));
}

TEST(SqlScript, CreatesTheSchemaAndTablesAsTheRunDoes) {
  using script_app = registry<backfill, add_name, create_users>;
  fake_connection printed;
  printed.schema_exists = false;
  const std::string script = strata::sql_script<script_app>(printed, true, {.target = "0001_users", .schema = "audit"});
  fake_connection ran;
  ran.schema_exists = false;
  strata::upgrade<script_app>(ran, {.target = "0001_users", .schema = "audit"});
  // each statement the run sent to create them is in the script, before the first revision
  std::vector<std::string> created;
  for (const auto& text : ran.texts())
    if (text.starts_with("CREATE SCHEMA") || text.starts_with("CREATE TABLE IF NOT EXISTS")) created.push_back(text);
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0], "CREATE SCHEMA \"audit\"");
  const std::size_t first_revision = script.find("CREATE TABLE users");
  for (const auto& text : created) EXPECT_LT(script.find(text + ";\n"), first_revision) << text;
  // an existing schema is not created, by either
  fake_connection existing;
  const std::string again = strata::sql_script<script_app>(existing, true, {.schema = "audit"});
  EXPECT_THAT(again, Not(HasSubstr("CREATE SCHEMA")));
  EXPECT_THAT(again, HasSubstr("CREATE TABLE IF NOT EXISTS \"audit\".\"strata_history\""));
}

TEST(SqlScript, StopsBeforeACodeBodyRatherThanRecordWhatItDoesNotRun) {
  fake_connection db;
  const std::string script = strata::sql_script<app>(db, true);
  EXPECT_THAT(script, HasSubstr("CREATE TABLE users (id int);"));
  EXPECT_THAT(script, HasSubstr("-- STOP: revision 0002_name has a code body"));
  EXPECT_THAT(script, Not(HasSubstr("VALUES ('0002_name'")));
  EXPECT_THAT(script, Not(HasSubstr("UPDATE users")));  // nothing after it either
  EXPECT_THAT(script, HasSubstr("VALUES ('0001_users'"));
}

struct collected_log {
  std::vector<std::pair<strata::log_level, std::string>> lines;
  strata::log_sink sink() {
    return [this](strata::log_level l, std::string_view m) { lines.emplace_back(l, std::string(m)); };
  }
  std::size_t at_least(strata::log_level level) const {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) { return l.first >= level; }));
  }
  bool has(strata::log_level level, std::string_view text) const {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const auto& l) { return l.first == level && l.second.find(text) != std::string::npos; });
  }
};

TEST(Messages, DebugShowsThePlanAndEachStatementBeyondInfo) {
  collected_log log;
  fake_connection db;
  strata::upgrade<app>(db, {.log = log.sink()});
  EXPECT_TRUE(log.has(strata::log_level::debug, "plan: apply 0001_users, 0002_name, 0003_backfill, 0004_index"));
  EXPECT_TRUE(log.has(strata::log_level::debug, "0001_users: statement 2: CREATE INDEX users_id ON users (id)"));
  EXPECT_TRUE(log.has(strata::log_level::debug, "took the migration lock"));
  EXPECT_TRUE(log.has(strata::log_level::info, "applied 0001_users in"));
  EXPECT_GT(log.lines.size(), log.at_least(strata::log_level::info));
}

TEST(Messages, AFailingMigrationIsLoggedAsAnError) {
  collected_log log;
  fake_connection db;
  db.fail_on = "UPDATE users SET name = 'x'";
  EXPECT_THROW(strata::upgrade<app>(db, {.log = log.sink()}), strata::migration_error);
  EXPECT_TRUE(log.has(strata::log_level::error, "strata.migration_failed: revision 0003_backfill failed"));
}

TEST(Messages, ReportsHaveNoEmptyHeading) {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", "")};
  const std::string text = strata::to_string(strata::downgrade_last<app>(db, 2));
  EXPECT_THAT(text, ::testing::StartsWith("strata downgrade: 2 reverted\n  reverted 0002_name"));
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::downgrade_last<app>(db, 2); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("cannot revert 2 revisions: only 0 are applied"));
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users"))};
  const auto one = strata::testing::thrown<strata::target_error>([&] { strata::downgrade_last<app>(db, 2); });
  ASSERT_TRUE(one);
  EXPECT_THAT(one->what(), HasSubstr("only 1 is applied"));
}

TEST(Messages, AnIrreversibleRevisionPointsAtStamp) {
  fake_connection db;
  db.history = full_history();
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::downgrade<app>(db, {.target = "0002_name"}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0003_backfill is irreversible"));
  EXPECT_THAT(e->what(), HasSubstr("`stamp` its parent"));
}

TEST(Messages, StatusShowsADatabaseAheadOfTheBuildAndDescriptions) {
  fake_connection db;
  db.history = full_history();
  db.history->push_back(history_row("0009_newer", "aa"));
  const strata::state s = strata::status<app>(db);
  EXPECT_TRUE(s.ahead());
  EXPECT_THAT(strata::to_string(s), HasSubstr("the database is ahead of this build"));
}

// The README's code body, compiled and run.
struct backfill_names : strata::migration<"0005_backfill_names", "0004_index"> {
  static void up(strata::transaction& tx) {
    tx.execute("UPDATE users SET name = '' WHERE name IS NULL; ANALYZE users");
    strata::rows r = tx.query("SELECT id, email FROM users WHERE id > $1", {"100"});
    for (const strata::row& row : r)
      if (row[1]) tx.query("UPDATE users SET name = $1 WHERE id = $2", {*row[1], *row[0]});
  }
  static void down(strata::transaction& tx) { tx.execute("UPDATE users SET name = NULL"); }
  static constexpr std::string_view description = "names from emails";
};
using readme_app = registry<create_users, add_name, backfill, email_index, backfill_names>;

TEST(CodeBodies, TheReadmeExampleRuns) {
  fake_connection db;
  db.history = full_history();
  EXPECT_EQ(strata::upgrade<readme_app>(db).applied.size(), 1u);
  EXPECT_TRUE(db.sent("SELECT id, email FROM users WHERE id > $1"));
  EXPECT_EQ(strata::status<readme_app>(db).applied.back().description, "names from emails");
}

TEST(Digest, IsTheHistorysLinesInByteOrderAsTheServerAggregatesThem) {
  // string_agg(revision || ' ' || checksum || ' ' || checksum_version || ' ' || state, E'\n' ORDER BY revision COLLATE "C")
  EXPECT_EQ(strata::postgresql::protocol::expected_digest({{"c", ""}, {"a", "b"}, {"B", "x"}}),
            "B x 1 applied\na b 1 applied\nc  1 applied");
}

TEST(Upgrade, AtHeadTheDigestAloneDecides) {
  fake_connection db;
  db.history = full_history();
  EXPECT_TRUE(strata::upgrade<app>(db).applied.empty());
  EXPECT_FALSE(db.sent("SELECT revision,"));  // the count and digest matched: no rows read
  db.history->back()[6] = strata::value("started");  // not as built: the rows are read, and it resumes
  EXPECT_THAT(strata::upgrade<app>(db).resumed, ElementsAre("0004_index"));
  EXPECT_TRUE(db.sent("SELECT revision,"));
}

TEST(Program, KnowsWhichStatementsMayChangeASessionSetting) {
  using strata::postgresql::may_change_settings;
  for (const char* yes : {"SET search_path = x", "set\nwork_mem = '8MB'", "RESET ALL", "SELECT set_config('a.b', 'c', false)",
                          "SET SESSION search_path = x"})
    EXPECT_TRUE(may_change_settings(yes)) << yes;
  for (const char* no : {"SET LOCAL lock_timeout = '1s'", "SET CONSTRAINTS ALL DEFERRED", "SET TRANSACTION READ ONLY",
                         "CREATE TABLE settings (x int)", "UPDATE t SET x = 1", "SELECT 1"})
    EXPECT_FALSE(may_change_settings(no)) << no;
}

struct own_timeout : strata::migration<"0005_own", "0004_index"> {
  static constexpr bool transactional = false;
  static constexpr auto lock_timeout = std::chrono::seconds(3);
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS c ON users (id)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS c"};
};
using with_own = registry<create_users, add_name, backfill, email_index, own_timeout>;

TEST(Program, TheRunWideLockTimeoutIsNotForConcurrentWork) {
  static_assert(strata::postgresql::runs_concurrently("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c)"));
  static_assert(strata::postgresql::runs_concurrently("REINDEX (VERBOSE) TABLE CONCURRENTLY t"));
  static_assert(!strata::postgresql::runs_concurrently("VACUUM t"));
  static_assert(!strata::postgresql::runs_concurrently("CREATE INDEX i ON t (c)"));
  fake_connection db;
  db.history = full_history();
  strata::upgrade<with_own>(db);
  EXPECT_TRUE(db.sent("SET lock_timeout = '3000ms'"));  // its own member still applies
}

// --- through a pooler in transaction mode ------------------------------------------------------
using transactional_app = registry<backfill, add_name, create_users>;

struct sets_search_path : strata::migration<"0004_path", "0003_backfill"> {
  static constexpr strata::sql up{"SET search_path = elsewhere"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app_that_sets = registry<backfill, add_name, create_users, sets_search_path>;

std::size_t position_of(const std::vector<std::string>& texts, std::string_view needle, std::size_t from = 0) {
  for (std::size_t i = from; i < texts.size(); ++i)
    if (texts[i].find(needle) != std::string::npos) return i;
  return texts.size();
}

TEST(Pooled, EachTransactionTakesTheLockRightAfterBeginAndNoSessionLockIsTaken) {
  pooled_fake_connection db;
  const strata::report r = strata::upgrade<transactional_app>(db);
  EXPECT_EQ(r.applied.size(), 3u);
  EXPECT_FALSE(db.sent(protocol::try_lock_sql()));
  EXPECT_FALSE(db.sent(protocol::unlock_sql()));
  const auto texts = db.texts();
  std::size_t locks = 0;
  for (std::size_t i = 0; i < texts.size(); ++i)
    if (texts[i] == protocol::try_transaction_lock_sql()) {
      ++locks;
      ASSERT_GT(i, 0u);
      EXPECT_EQ(texts[i - 1], begin_text);
    }
  EXPECT_EQ(locks, 4u);  // the history tables' creation, then each revision
}

TEST(Pooled, ARevisionAnotherRunnerAppliedMeanwhileIsSkipped) {
  pooled_fake_connection db;
  db.history = strata::rows{};
  db.applied_meanwhile = {"0001_users"};
  const strata::report r = strata::upgrade<transactional_app>(db);
  ASSERT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(r.applied[0].revision, "0002_name");
  EXPECT_FALSE(db.sent("CREATE TABLE users"));
  EXPECT_TRUE(db.sent(rollback_text));
}

TEST(Pooled, AParentRemovedMeanwhileStopsTheRunBeforeItsChild) {
  pooled_fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", "")};
  db.removed_meanwhile = {"0002_name"};  // a downgrade by another runner, after this run planned
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::upgrade<transactional_app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("revision 0002_name is no longer applied"));
  EXPECT_FALSE(db.sent("UPDATE users SET name = 'x'"));
  EXPECT_TRUE(db.sent(rollback_text));
}

TEST(Pooled, ASettingAMigrationChangesIsPutBackBeforeItsCommit) {
  pooled_fake_connection db;
  db.history = strata::rows{history_row("0001_users", checksum_of("0001_users")), history_row("0002_name", ""),
                            history_row("0003_backfill", checksum_of("0003_backfill"))};
  strata::upgrade<app_that_sets>(db);
  const auto texts = db.texts();
  const std::size_t set = position_of(texts, "SET search_path = elsewhere");
  const std::size_t reset = position_of(texts, "RESET search_path", set);
  const std::size_t commit = static_cast<std::size_t>(std::find(texts.begin() + static_cast<std::ptrdiff_t>(std::min(set, texts.size())), texts.end(), commit_text) - texts.begin());
  EXPECT_LT(set, texts.size());
  EXPECT_LT(reset, commit);  // inside the transaction: after COMMIT the server session may be another client's
  EXPECT_TRUE(db.session.empty());
}

TEST(Pooled, ANonTransactionalRevisionIsRefusedBeforeAnythingIsWritten) {
  pooled_fake_connection db;
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("revision 0004_index is not transactional"));
  EXPECT_THAT(e->what(), HasSubstr("connection pooler"));
  EXPECT_FALSE(db.sent("CREATE TABLE"));
  EXPECT_FALSE(db.sent(begin_text));
}

TEST(Pooled, ADirectConnectionKeepsTheSessionLock) {
  fake_connection db;  // cannot tell the server process it was given: direct
  strata::upgrade<transactional_app>(db);
  EXPECT_TRUE(db.sent(protocol::try_lock_sql()));
  EXPECT_FALSE(db.sent(protocol::try_transaction_lock_sql()));
}

}  // namespace

namespace {

struct users_index : strata::migration<"0002_users_index", "0001_users"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS u ON users (id)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS u"};
};

// A tenant schema (fleets): first on search_path inside each transaction, and at session level
// around a non-transactional revision only, put back after it; the history in that schema.
TEST(TenantSchema, IsFirstOnSearchPathWhereItCannotLeak) {
  fake_connection db;
  strata::options o;
  o.schema = o.search_path_schema = "tenant_7";
  const auto r = strata::upgrade<app>(db, o);
  EXPECT_EQ(r.applied.size(), 4u);
  const auto texts = db.texts();
  const std::string local = protocol::search_path_first_sql("tenant_7", true);
  const std::string session = protocol::search_path_first_sql("tenant_7", false);
  EXPECT_THAT(local, HasSubstr("\"tenant_7\""));
  std::size_t locals = 0, sessions = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (texts[i] == local) {
      ++locals;
      ASSERT_GT(i, 0u);
      EXPECT_EQ(texts[i - 1], begin_text);  // the transaction's first statement
    }
    if (texts[i] == session) {
      ++sessions;
      EXPECT_THAT(texts[i + 1], Not(HasSubstr("strata_history")));  // set after the 'started' row, before the body
    }
  }
  EXPECT_EQ(locals, 3u);    // 0001, 0002, 0003
  EXPECT_EQ(sessions, 1u);  // 0004, outside a transaction
  EXPECT_FALSE(db.session.contains("search_path")) << "the session's search_path was not put back";
  EXPECT_TRUE(db.sent("\"tenant_7\".\"strata_history\""));
  // and the script prints what runs (up to the code body of 0002; 0004's in a registry without one)
  fake_connection printed;
  EXPECT_THAT(strata::sql_script<app>(printed, true, o), HasSubstr(local + ";"));
  fake_connection printed_index;
  const std::string script = strata::sql_script<registry<create_users, users_index>>(printed_index, true, o);
  const std::size_t set = script.find(session + ";"), build = script.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS u");
  ASSERT_NE(set, std::string::npos) << script;
  EXPECT_LT(set, build);
  EXPECT_LT(build, script.find("RESET search_path;"));
}

TEST(TenantSchema, LeftOutWithoutOne) {
  fake_connection db;
  strata::upgrade<app>(db);
  EXPECT_FALSE(db.sent("set_config('search_path'"));
}

// A stop requested before the run: the lock is taken, no revision starts, the report says so.
TEST(Stop, RequestedLeavesTheRestPending) {
  fake_connection db;
  std::stop_source stop;
  stop.request_stop();
  strata::options o;
  o.stop = stop.get_token();
  const auto r = strata::upgrade<app>(db, o);
  EXPECT_TRUE(r.stopped);
  EXPECT_TRUE(r.applied.empty());
  EXPECT_EQ(r.head_after, "");
  EXPECT_FALSE(db.sent("CREATE TABLE users"));
}

}  // namespace
