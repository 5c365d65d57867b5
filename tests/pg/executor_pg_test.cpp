// The executor against a real PostgreSQL: everything the database decides (transactions, locks,
// DDL, errors). Each test has a database of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/wait.h>

#include <strata/pq.hpp>

#include "migrations.hpp"
#include <fmt_resume.hpp>  // tests/formats/resume: a goose folder, no IF NOT EXISTS
#include <fmt_widening.hpp>  // tests/formats/widening: type changes that only widen
#include "pg_support.hpp"
#include "runner_process.hpp"

#include "../support/thrown.hpp"

namespace {

using namespace strata::testing;
using strata::testing::thrown;
using ::testing::HasSubstr;

long long user_tables(const scratch_database& db) {
  return db.count("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'strata_%'");
}

TEST(PgUpgrade, RoundTripToBaseLeavesAnEmptySchema) {
  scratch_database db("roundtrip");
  strata::pq::connection conn{db.url()};
  const auto up = strata::upgrade<sets::basic>(conn);
  EXPECT_EQ(up.applied.size(), 4u);
  EXPECT_EQ(user_tables(db), 2);
  EXPECT_EQ(db.scalar("SELECT name FROM users ORDER BY id LIMIT 1"), "a");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);
  EXPECT_EQ(db.scalar("SELECT applied_by FROM strata_history WHERE revision = '0001_users'"), "postgres");
  EXPECT_EQ(db.scalar("SELECT array_to_string(parents, ',') FROM strata_history WHERE revision = '0002_names'"), "0001_users");

  const auto down = strata::downgrade<sets::basic>(conn, {.target = "base"});
  EXPECT_EQ(down.reverted.size(), 4u);
  EXPECT_EQ(user_tables(db), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_proc WHERE proname = 'order_count'"), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE action = 'upgrade'"), 4);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE action = 'downgrade'"), 4);

  EXPECT_EQ(strata::upgrade<sets::basic>(conn).applied.size(), 4u);  // and back up again
}

TEST(PgUpgrade, ConcurrentIndexBuildInANonTransactionalMigration) {
  scratch_database db("cic");
  strata::pq::connection conn{db.url()};
  strata::upgrade<sets::basic>(conn, {.target = "0003_email_index"});
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"), "true");
}

struct boom : strata::migration<"0005_boom", "0004_orders"> {
  static constexpr strata::sql up{"CREATE TABLE boom (x int);\nINSERT INTO boom VALUES ('not a number')"};
  static constexpr strata::sql down{"DROP TABLE boom"};
};
using with_boom = strata::registry<sets::users, sets::names, sets::email_index, sets::orders, boom>;

TEST(PgUpgrade, FailingMigrationIsRolledBackAndNamed) {
  scratch_database db("fail");
  strata::pq::connection conn{db.url()};
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<with_boom>(conn); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0005_boom");
  EXPECT_EQ(e->sqlstate(), "22P02");  // invalid_text_representation
  EXPECT_EQ(e->statement(), "INSERT INTO boom VALUES ('not a number')");
  EXPECT_EQ(e->statement_number(), 2u);
  EXPECT_THAT(e->what(), HasSubstr("0005_boom"));
  EXPECT_THAT(e->what(), HasSubstr("its transaction was rolled back, nothing of it was applied"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'boom'"), 0);  // its CREATE TABLE rolled back
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);                      // the four before it stay
}

struct t1 : strata::migration<"t1"> {
  static constexpr strata::sql up{"CREATE TABLE t1 (x int)"};
  static constexpr strata::sql down{"DROP TABLE t1"};
};
struct t2 : strata::migration<"t2", "t1"> {
  static constexpr strata::sql up{"CREATE TABLE t2 (x int)"};
  static constexpr strata::sql down{"DROP TABLE t2"};
};
struct t3_fails : strata::migration<"t3", "t2"> {
  static constexpr strata::sql up{"CREATE TABLE t3 (x int); SELECT 1/0"};
  static constexpr strata::sql down{"DROP TABLE t3"};
};
using all_or_nothing = strata::registry<t1, t2, t3_fails>;

TEST(PgUpgrade, SingleTransactionLeavesNothingWhenTheLastMigrationFails) {
  scratch_database db("single");
  strata::pq::connection conn{db.url()};
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<all_or_nothing>(conn, {.mode = strata::mode::single_transaction}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "t3");
  EXPECT_EQ(e->sqlstate(), "22012");  // division_by_zero
  EXPECT_THAT(e->what(), HasSubstr("the run's single transaction was rolled back: none of its revisions was applied"));
  EXPECT_EQ(user_tables(db), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 0);
}

// The text the caret of PostgreSQL's "LINE n: ..." points at: the message's line that starts with
// `line`, read from the column of the caret on the line under it.
std::string under_the_caret(std::string_view message, std::string_view line) {
  std::istringstream in{std::string(message)};
  std::string previous, current;
  while (std::getline(in, current)) {
    const std::size_t caret = current.find('^');
    if (previous.starts_with(line) && caret != std::string::npos && current.find_first_not_of(' ') == caret)
      return previous.substr(caret);
    previous = current;
  }
  return "";
}

struct syntax_error_in_a_transaction : strata::migration<"0001_syntax"> {
  static constexpr strata::sql up{"CREATE TABLE before_it (x int);\nSELECT x\n  FROM FROM before_it"};
  static constexpr strata::sql down{"DROP TABLE before_it"};
};
struct syntax_error_outside_a_transaction : strata::migration<"0001_syntax"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"SELECT 1;\nSELECT x\n  FROM FROM nowhere"};
  static constexpr strata::sql down{"SELECT 1"};
};

// The server's "LINE 2: ..." and the caret line under it stay lines of the message (indented
// alike under the failure), the caret under the character the server points at.
TEST(PgErrors, ASyntaxErrorShowsTheServersLineWithTheCaretUnderItsPosition) {
  {
    scratch_database db("caret_tx");
    strata::pq::connection conn{db.url()};
    const auto e = thrown<strata::migration_error>([&] { strata::upgrade<strata::registry<syntax_error_in_a_transaction>>(conn); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate(), "42601");
    EXPECT_EQ(e->statement_number(), 2u);
    const std::string what = e->what();
    EXPECT_THAT(what.substr(0, what.find('\n')), ::testing::EndsWith("syntax error at or near \"FROM\" [SQLSTATE 42601]"));
    EXPECT_EQ(under_the_caret(what, "  LINE 2: "), "FROM before_it") << what;
  }
  {
    scratch_database db("caret_no_tx");
    strata::pq::connection conn{db.url()};
    const auto e = thrown<strata::migration_error>([&] { strata::upgrade<strata::registry<syntax_error_outside_a_transaction>>(conn); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->sqlstate(), "42601");
    EXPECT_EQ(e->statement(), "SELECT x\n  FROM FROM nowhere");
    EXPECT_EQ(e->position(), e->statement().find("FROM nowhere") + 1);  // 1-based, in the statement
    EXPECT_EQ(under_the_caret(e->what(), "  LINE 2: "), "FROM nowhere") << e->what();
  }
}

// A transactional revision's statements go in one round trip. The statement blamed for a failure is
// the one the server failed, with its SQLSTATE, also where the server reads the statements sent
// otherwise than they were cut (cut by hand here).
TEST(PgBatch, TheStatementBlamedIsTheOneTheServerFailedWhateverTheCut) {
  scratch_database db("batch_blame");
  strata::pq::connection conn{db.url()};
  auto failure = [&](std::vector<std::string_view> statements) {
    return thrown<strata::batch_error>([&] { conn.execute_batch(statements); });
  };
  {  // two statements in one, the second failing: more results than statements before the error
    const auto e = failure({"BEGIN", "CREATE TABLE t1 (x int)", "SELECT 1; SELECT 1/0", "CREATE TABLE t2 (x int)"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->index(), 2u);
    EXPECT_EQ(e->sqlstate(), "22012");
    EXPECT_EQ(e->statement(), "SELECT 1; SELECT 1/0");
    conn.execute("ROLLBACK");
  }
  {  // the same as the last statement: libpqxx gets more results than it sent statements
    const auto e = failure({"BEGIN", "CREATE TABLE t1 (x int)", "SELECT 1; SELECT 1/0"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->index(), 2u);
    EXPECT_EQ(e->sqlstate(), "22012");
    conn.execute("ROLLBACK");
  }
  {  // in a transaction begun before the batch (nothing to run again): a syntax error, two statements in one
    conn.execute("BEGIN");
    auto e = failure({"CREATE TABLE t1 (x int)", "SELECT 1 +", "CREATE TABLE t2 (x int)"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->index(), 1u);
    EXPECT_EQ(e->sqlstate(), "42601");
    EXPECT_EQ(e->position(), 11u);  // in the statement: the end of "SELECT 1 +"
    EXPECT_THAT(e->what(), HasSubstr("\n  LINE 1: SELECT 1 +\n"));
    conn.execute("ROLLBACK");
    conn.execute("BEGIN");
    e = failure({"CREATE TABLE t1 (x int)", "SELECT 1; SELECT 1/0", "CREATE TABLE t2 (x int)"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->index(), 1u);
    EXPECT_EQ(e->sqlstate(), "22012");
    conn.execute("ROLLBACK");
  }
  // a statement the server reads as none (fewer results than statements): nothing failed
  conn.execute_batch(std::vector<std::string_view>{"BEGIN", "CREATE TABLE t1 (x int)", "-- nothing", "CREATE TABLE t2 (x int)"});
  conn.execute("COMMIT");
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename IN ('t1', 't2')"), 2);
}

// An E'' string continued on a later line is one string, as the server reads it, and a failure
// after it is blamed on the statement that failed.
struct continued_strings : strata::migration<"0001_continued"> {
  static constexpr strata::sql up{
      "CREATE TABLE notes (body text);\nINSERT INTO notes SELECT E'it'\n'\\'s';\nINSERT INTO notes SELECT E'x'\n'\\''"};
  static constexpr strata::sql down{"DROP TABLE notes"};
};
struct continued_strings_then_a_failure : strata::migration<"0001_continued"> {
  static constexpr strata::sql up{
      "CREATE TABLE notes (body text);\nINSERT INTO notes SELECT E'it'\n'\\'s';\nSELECT 1/0;\nINSERT INTO notes SELECT E'x'\n'\\''"};
  static constexpr strata::sql down{"DROP TABLE notes"};
};
static_assert(strata::statement_count(continued_strings::up) == 3);

TEST(PgBatch, AnEscapeStringContinuedOnTheNextLineIsOneStringAndAFailureAfterItIsBlamedRight) {
  scratch_database db("continued");
  strata::pq::connection conn{db.url()};
  const auto e = thrown<strata::migration_error>([&] { strata::upgrade<strata::registry<continued_strings_then_a_failure>>(conn); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->statement_number(), 3u);
  EXPECT_EQ(e->statement(), "SELECT 1/0");
  EXPECT_EQ(e->sqlstate(), "22012");
  strata::upgrade<strata::registry<continued_strings>>(conn);
  EXPECT_EQ(db.scalar("SELECT string_agg(body, '|' ORDER BY body) FROM notes"), "it's|x'");
}

// In single-transaction mode a later revision's statements go in a transaction begun before them:
// its syntax error is blamed on its statement, the caret under the character in that statement.
struct first_of_two : strata::migration<"0001_first"> {
  static constexpr strata::sql up{"CREATE TABLE first_t (x int)"};
  static constexpr strata::sql down{"DROP TABLE first_t"};
};
struct second_with_a_syntax_error : strata::migration<"0002_second", "0001_first"> {
  static constexpr strata::sql up{"CREATE TABLE second_t (x int);\nSELECT x\n  FROM FROM second_t;\nCREATE TABLE third_t (x int)"};
  static constexpr strata::sql down{"DROP TABLE second_t"};
};

TEST(PgBatch, ASyntaxErrorInALaterRevisionOfASingleTransactionIsBlamedOnItsStatement) {
  scratch_database db("single_syntax");
  strata::pq::connection conn{db.url()};
  const auto e = thrown<strata::migration_error>([&] {
    strata::upgrade<strata::registry<first_of_two, second_with_a_syntax_error>>(conn, {.mode = strata::mode::single_transaction});
  });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0002_second");
  EXPECT_EQ(e->statement_number(), 2u);
  EXPECT_EQ(e->sqlstate(), "42601");
  EXPECT_EQ(e->position(), e->statement().find("FROM second_t") + 1);
  EXPECT_EQ(under_the_caret(e->what(), "  LINE 2: "), "FROM second_t") << e->what();
  EXPECT_EQ(user_tables(db), 0);
}

struct users_edited : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
using edited = strata::registry<users_edited>;
using first_only = strata::registry<sets::users>;

TEST(PgValidation, EditedMigrationIsRefusedAndNothingChanges) {
  scratch_database db("edited");
  strata::pq::connection conn{db.url()};
  strata::upgrade<first_only>(conn);
  const std::string log_before = db.scalar("SELECT count(*) FROM strata_log");
  const auto e = strata::testing::thrown<strata::validation_error>([&] { strata::upgrade<edited>(conn); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0001_users"));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM strata_log"), log_before);
}

// README "Rolling deploys": a newer release's before_deploy revisions only grew the schema; an
// after_deploy one, or one whose phase an earlier strata did not record, may have removed what
// this build uses.
TEST(PgValidation, DatabaseAheadOfTheBuildStartsWhenItOnlyGrewAndIsRefusedAfterAContraction) {
  scratch_database db("ahead");
  strata::pq::connection conn{db.url()};
  strata::upgrade<sets::basic>(conn);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history WHERE phase = 'before_deploy'"), 4);
  const strata::report grown = strata::upgrade<first_only>(conn);
  ASSERT_EQ(grown.warnings.size(), 3u);
  EXPECT_THAT(grown.warnings[0], HasSubstr("before_deploy"));
  EXPECT_TRUE(grown.applied.empty());

  db.run("UPDATE strata_history SET phase = 'after_deploy' WHERE revision = '0004_orders'");
  auto e = strata::testing::thrown<strata::validation_error>([&] { strata::upgrade<first_only>(conn); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0004_orders is applied in the database but unknown to this build, and it is after_deploy"));
  EXPECT_THAT(e->what(), Not(HasSubstr("0002")));  // the before_deploy ones are no problem

  db.run("UPDATE strata_history SET phase = NULL WHERE revision = '0004_orders'");
  e = strata::testing::thrown<strata::validation_error>([&] { strata::upgrade<first_only>(conn); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0004_orders is applied in the database but unknown to this build, and its phase is not recorded"));
  const auto r = strata::upgrade<first_only>(conn, {.allow_unknown_revisions = true});
  EXPECT_EQ(r.warnings.size(), 3u);
}

TEST(PgLock, HeldLockTimesOutNamingTheHolder) {
  scratch_database db("lock");
  pqxx::connection holder(db.url());
  pqxx::nontransaction(holder).exec("SET application_name = 'other-replica'");
  pqxx::nontransaction(holder).exec(
      "SELECT pg_advisory_lock(1398034993, hashtext(current_schema() || '.strata_history'))");
  strata::pq::connection conn{db.url()};
  const auto started = std::chrono::steady_clock::now();
  const auto e = strata::testing::thrown<strata::lock_timeout_error>([&] { strata::upgrade<sets::basic>(conn, {.lock_timeout = std::chrono::milliseconds(700)}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("other-replica"));
  EXPECT_THAT(e->what(), HasSubstr("pid " + std::to_string(holder.backendpid())));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(700));
  EXPECT_EQ(user_tables(db), 0);
}

TEST(PgLock, SchemasDoNotBlockEachOther) {
  scratch_database db("schemas");
  pqxx::connection holder(db.url());
  pqxx::nontransaction(holder).exec(
      "SELECT pg_advisory_lock(1398034993, hashtext(current_schema() || '.strata_history'))");
  strata::pq::connection conn{db.url()};
  const auto r = strata::upgrade<first_only>(conn, {.schema = "tenant_b", .lock_timeout = std::chrono::milliseconds(500)});
  EXPECT_EQ(r.applied.size(), 1u);
  EXPECT_EQ(db.count("SELECT 1 FROM tenant_b.strata_history"), 1);
}

struct half_done : strata::migration<"0005_half", "0004_orders"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{
      "INSERT INTO users (email) VALUES ('a@example.com');\n"
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_unique ON users (email)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email_unique"};
};
using with_half = strata::registry<sets::users, sets::names, sets::email_index, sets::orders, half_done>;

TEST(PgNonTransactional, PartialFailureSaysWhatRanAndNamesTheInvalidIndex) {
  scratch_database db("partial");
  strata::pq::connection conn{db.url()};
  const auto e = strata::testing::thrown<strata::migration_error>([&] { strata::upgrade<with_half>(conn); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->revision(), "0005_half");
  EXPECT_EQ(e->sqlstate(), "23505");
  EXPECT_EQ(e->statements_already_run(), 1u);
  EXPECT_THAT(e->what(), HasSubstr("users_email_unique"));
  EXPECT_THAT(e->what(), HasSubstr("statements 1 to 1 ran"));
  EXPECT_EQ(db.scalar("SELECT state FROM strata_history WHERE revision = '0005_half'"), "started");
  const strata::state s = strata::status<with_half>(conn);
  ASSERT_EQ(s.invalid_indexes.size(), 1u);
  EXPECT_EQ(s.invalid_indexes[0], "users_email_unique");
  EXPECT_EQ(s.pending, std::vector<std::string>{"0005_half"});
  EXPECT_EQ(s.interrupted, std::vector<std::string>{"0005_half"});

  EXPECT_THAT(e->what(), HasSubstr("the next run continues at statement 2"));
  EXPECT_EQ(db.scalar("SELECT statements_done::text FROM strata_history WHERE revision = '0005_half'"), "1");

  // Once the data is fixed (one of the two rows removed), the next run drops the INVALID index,
  // continues at the failed statement (the INSERT before it is not run again) and records it once.
  db.run("DELETE FROM users WHERE id = (SELECT min(id) FROM users WHERE email = 'a@example.com')");
  const strata::report r = strata::upgrade<with_half>(conn);
  EXPECT_EQ(db.count("SELECT 1 FROM users WHERE email = 'a@example.com'"), 1);
  EXPECT_THAT(r.resumed, ::testing::ElementsAre("0005_half"));
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_email_unique'::regclass"), "true");
  EXPECT_EQ(db.scalar("SELECT state FROM strata_history WHERE revision = '0005_half'"), "applied");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '0005_half' AND action = 'resume'"), 1);
  EXPECT_TRUE(strata::status<with_half>(conn).invalid_indexes.empty());
}

TEST(PgStamp, StampThenUpgradeRunsOnlyTheRest) {
  scratch_database db("stamp");
  strata::pq::connection conn{db.url()};
  db.run("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text)");
  strata::stamp<sets::basic>(conn, "0002_names");
  const auto r = strata::upgrade<sets::basic>(conn);
  ASSERT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(r.applied[0].revision, "0003_email_index");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE action = 'stamp'"), 2);
}

TEST(PgBorrowed, UsesTheServicesOwnConnection) {
  scratch_database db("borrowed");
  pqxx::connection mine(db.url());
  strata::pq::connection conn{mine};
  EXPECT_EQ(strata::upgrade<first_only>(conn).applied.size(), 1u);
  EXPECT_EQ(pqxx::nontransaction(mine).exec("SELECT count(*) FROM users")[0][0].as<int>(), 2);
}

TEST(PgErrors, BadPasswordIsAConnectionErrorWithoutThePassword) {
  std::string url = suite_server_url();
  const auto at = url.find('@');
  const auto colon = url.rfind(':', at);
  url = url.substr(0, colon + 1) + "wrong-secret-1234" + url.substr(at);
  const auto e = strata::testing::thrown<strata::connection_error>([&] { strata::pq::connection conn{url}; });
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->retryable());
  EXPECT_THAT(e->what(), HasSubstr("password authentication failed"));
  EXPECT_THAT(e->what(), ::testing::Not(HasSubstr("wrong-secret-1234")));
}

// --- processes -------------------------------------------------------------------------------

TEST(PgConcurrency, EightRunnersApplyEveryMigrationExactlyOnce) {
  scratch_database db("race");
  std::vector<pid_t> runners;
  for (int i = 0; i < 8; ++i) runners.push_back(spawn_runner("race", db.url()));
  for (pid_t pid : runners) EXPECT_EQ(wait_exit(pid), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 6);
  EXPECT_EQ(db.count("SELECT revision FROM strata_log WHERE action = 'upgrade' GROUP BY revision HAVING count(*) = 1"), 6);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE action = 'upgrade'"), 6);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE action = 'start'"), 2);  // the two non-transactional ones
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'audit_at_idx'::regclass"), "true");
}

TEST(PgConcurrency, RunnerKilledMidMigrationLeavesTheLastWholeRevision) {
  scratch_database db("kill");
  const pid_t victim = spawn_runner("killable", db.url());
  // wait until the slow migration is inside its pg_sleep
  bool sleeping = false;
  for (int i = 0; i < 300 && !sleeping; ++i) {
    sleeping = db.count("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND state = 'active' AND query LIKE '%pg_sleep(3)%'") > 0;
    if (!sleeping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(sleeping);
  kill(victim, SIGKILL);
  EXPECT_EQ(wait_exit(victim), 128 + SIGKILL);
  // the database stays at the last whole revision
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history WHERE revision = '0005_slow'"), 0);
  // the next run finishes the job (once the dead session's backend lets go of its lock)
  const pid_t next = spawn_runner("killable", db.url());
  EXPECT_EQ(wait_exit(next), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 6);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM slow_marker"), "1");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '0005_slow'"), 1);
}

// --- an interrupted run leaves a database the next run can finish ------------------------------

// Waits until a backend other than the test's runs a statement holding `needle`; its pid.
std::string wait_for_statement(const scratch_database& db, const std::string& needle) {
  for (int i = 0; i < 500; ++i) {
    const std::string pid = db.scalar(
        "SELECT pid::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND state = 'active' AND query LIKE '%" + needle + "%' AND query NOT LIKE '%pg_stat_activity%' LIMIT 1");
    if (!pid.empty()) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "";
}

void expect_resumed_once(const scratch_database& db) {
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_slow_idx'::regclass"), "true");
  EXPECT_EQ(db.count("SELECT 1 FROM pg_indexes WHERE indexname LIKE 'users_slow_idx%'"), 1);
  EXPECT_EQ(db.scalar("SELECT state FROM strata_history WHERE revision = '0006_slow_index'"), "applied");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 6);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '0006_slow_index' AND action = 'upgrade'"), 1);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '0006_slow_index' AND action = 'resume'"), 1);
}

// SIGKILLs a runner of `set` inside the concurrent build of users_slow_idx.
void kill_runner_inside_the_slow_build(const scratch_database& db, const char* set) {
  const pid_t victim = spawn_runner(set, db.url());
  ASSERT_FALSE(wait_for_statement(db, "users_slow_idx").empty());
  kill(victim, SIGKILL);
  EXPECT_EQ(wait_exit(victim), 128 + SIGKILL);
}
// Terminates the backend of a runner of `set` inside the concurrent build of users_slow_idx.
void terminate_backend_inside_the_slow_build(const scratch_database& db, const char* set) {
  const pid_t victim = spawn_runner(set, db.url());
  const std::string backend = wait_for_statement(db, "users_slow_idx");
  ASSERT_FALSE(backend.empty());
  db.run("SELECT pg_terminate_backend(" + backend + ")");
  EXPECT_NE(wait_exit(victim), 0);
}
// The next run (which waits for the killed runner's backend, which goes on building) finishes,
// and the run after it has nothing to do: `finished` holds after each.
template <class Finished>
void two_more_runs(const scratch_database& db, const char* set, Finished&& finished) {
  for (int run = 0; run < 2; ++run) {
    const pid_t next = spawn_runner(set, db.url());
    EXPECT_EQ(wait_exit(next), 0);
    finished(db);
  }
}

TEST(PgInterrupted, RunnerKilledDuringAConcurrentIndexBuildIsResumedByTheNextRun) {
  scratch_database db("cickill");
  ASSERT_NO_FATAL_FAILURE(kill_runner_inside_the_slow_build(db, "resumable"));
  EXPECT_EQ(db.scalar("SELECT state FROM strata_history WHERE revision = '0006_slow_index'"), "started");
  two_more_runs(db, "resumable", expect_resumed_once);
}

TEST(PgInterrupted, BackendKilledMidBuildLeavesAnInvalidIndexTheNextRunRebuilds) {
  scratch_database db("cicterm");
  ASSERT_NO_FATAL_FAILURE(terminate_backend_inside_the_slow_build(db, "resumable"));
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_slow_idx'::regclass"), "false");
  strata::pq::connection conn{db.url()};
  const strata::state s = strata::status<sets::resumable>(conn);
  EXPECT_EQ(s.interrupted, std::vector<std::string>{"0006_slow_index"});
  EXPECT_EQ(s.invalid_indexes, std::vector<std::string>{"users_slow_idx"});
  const strata::report r = strata::upgrade<sets::resumable>(conn);
  EXPECT_THAT(r.resumed, ::testing::ElementsAre("0006_slow_index"));
  expect_resumed_once(db);
}

// A goose folder as its users write it (tests/formats/resume): its non-transactional file builds
// two indexes concurrently without IF NOT EXISTS. Killed inside the second build, the next run
// continues at the second statement: the first is not run again (it would fail: the index exists).
void expect_goose_folder_finished(const scratch_database& db) {
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_slow_idx'::regclass"), "true");
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass"), "true");
  EXPECT_EQ(db.count("SELECT 1 FROM pg_indexes WHERE tablename = 'users'"), 3);  // and the primary key
  EXPECT_EQ(db.scalar("SELECT state FROM strata_history WHERE revision = '00002_indexes'"), "applied");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 3);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '00002_indexes' AND action = 'upgrade'"), 1);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '00002_indexes' AND action = 'resume'"), 1);
}

TEST(PgInterrupted, AGooseFileWithoutIfNotExistsContinuesAtTheStatementTheKilledRunnerWasRunning) {
  scratch_database db("goosekill");
  ASSERT_NO_FATAL_FAILURE(kill_runner_inside_the_slow_build(db, "goose_resumable"));
  EXPECT_EQ(db.scalar("SELECT state || ' ' || statements_done FROM strata_history WHERE revision = '00002_indexes'"),
            "started 1");
  // The next run finds the index the killed run's backend finished, and records the statement
  // without running it again.
  two_more_runs(db, "goose_resumable", [](const scratch_database& d) {
    expect_goose_folder_finished(d);
    EXPECT_EQ(d.count("SELECT 1 FROM audit"), 0);
  });
}

TEST(PgInterrupted, AGooseFileWithoutIfNotExistsIsFinishedAfterItsBackendIsTerminatedMidBuild) {
  scratch_database db("gooseterm");
  ASSERT_NO_FATAL_FAILURE(terminate_backend_inside_the_slow_build(db, "goose_resumable"));
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'users_slow_idx'::regclass"), "false");
  strata::pq::connection conn{db.url()};
  std::vector<std::string> logged;
  const strata::options o{.log = [&](strata::log_level, std::string_view m) { logged.emplace_back(m); }};
  const strata::report r = strata::upgrade<fmt_resume>(conn, o);
  EXPECT_THAT(r.resumed, ::testing::ElementsAre("00002_indexes"));
  EXPECT_THAT(logged, ::testing::Contains(HasSubstr("00002_indexes: an earlier run began it and was interrupted; it "
                                                     "continues at statement 2")));
  EXPECT_THAT(logged, ::testing::Contains(HasSubstr("dropping the INVALID index users_slow_idx")));
  expect_goose_folder_finished(db);
  // and back: the down, also without IF EXISTS, runs once
  strata::downgrade<fmt_resume>(conn, {.target = "00001_users"});
  EXPECT_EQ(db.count("SELECT 1 FROM pg_indexes WHERE tablename = 'users'"), 1);
}

// What the lint lets through as a widening, PostgreSQL makes without rewriting the table: the
// table keeps its file (relfilenode); a change the lint flags (integer to bigint) gets a new one.
TEST(PgLint, AWideningTheLintPassesLeavesTheTableUnrewritten) {
  scratch_database db("widening");
  strata::pq::connection conn{db.url()};
  strata::upgrade<fmt_widening>(conn, {.target = "000001_create_products"});
  db.run("INSERT INTO products (name, price, code) SELECT 'p' || g, g, 'c' FROM generate_series(1, 1000) g");
  const std::string before = db.scalar("SELECT relfilenode::text FROM pg_class WHERE relname = 'products'");
  strata::upgrade<fmt_widening>(conn);
  EXPECT_EQ(db.scalar("SELECT relfilenode::text FROM pg_class WHERE relname = 'products'"), before);
  EXPECT_EQ(db.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'products'::regclass "
                      "AND attname = 'price'"),
            "numeric(14,2)");
  db.run("ALTER TABLE products ALTER COLUMN stock TYPE bigint");
  EXPECT_NE(db.scalar("SELECT relfilenode::text FROM pg_class WHERE relname = 'products'"), before);
}

// A non-transactional file's CREATE TABLE without IF NOT EXISTS runs in a transaction with its
// progress record: after a later statement fails, the next run continues there and does not create
// the table again (which would fail).
struct tables_then_index : strata::migration<"0005_tables_then_index", "0004_orders"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE TABLE tags (id bigint, user_email text);\n"
                                  "INSERT INTO tags VALUES (1, 'x'), (1, 'y');\n"
                                  "CREATE UNIQUE INDEX CONCURRENTLY tags_id ON tags (id)"};
  static constexpr strata::sql down{"DROP TABLE tags"};
};
using with_tags = strata::registry<sets::users, sets::names, sets::email_index, sets::orders, tables_then_index>;

TEST(PgNonTransactional, ACreateTableWithoutIfNotExistsIsNotRunAgainWhenTheRunContinues) {
  scratch_database db("tags");
  strata::pq::connection conn{db.url()};
  const auto e = thrown<strata::migration_error>([&] { strata::upgrade<with_tags>(conn); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->statement_number(), 3u);
  EXPECT_EQ(db.scalar("SELECT statements_done::text FROM strata_history WHERE revision = '0005_tables_then_index'"), "2");
  db.run("DELETE FROM tags WHERE user_email = 'y'");
  const strata::report r = strata::upgrade<with_tags>(conn);
  EXPECT_THAT(r.resumed, ::testing::ElementsAre("0005_tables_then_index"));
  EXPECT_EQ(db.count("SELECT 1 FROM tags"), 1);  // neither the table nor its rows made again
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'tags_id'::regclass"), "true");
  EXPECT_EQ(db.scalar("SELECT state FROM strata_history WHERE revision = '0005_tables_then_index'"), "applied");
}

// An earlier strata's history (without the progress columns) is brought to this layout in place
// by the next run with work, and read as one without progress before that.
TEST(PgHistory, AnEarlierHistoryGainsTheProgressColumnsInPlace) {
  scratch_database db("oldhistory");
  strata::pq::connection conn{db.url()};
  strata::upgrade<fmt_resume>(conn, {.target = "00001_users"});
  db.run("ALTER TABLE strata_history DROP COLUMN statements_done, DROP COLUMN reverting");
  EXPECT_EQ(strata::status<fmt_resume>(conn).pending.size(), 2u);
  const strata::report r = strata::upgrade<fmt_resume>(conn);
  EXPECT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(db.count("SELECT 1 FROM information_schema.columns WHERE table_name = 'strata_history' AND column_name IN "
                     "('statements_done', 'reverting', 'phase')"), 3);
}

// A history of strata 0.3 (progress, but no phase and no instances table): the rows it had read
// as of no recorded phase, the next run with work adds both in place, and the revisions it
// applies record theirs.
TEST(PgHistory, AHistoryWithoutPhasesGainsThePhaseAndTheInstancesTableInPlace) {
  scratch_database db("nophase");
  strata::pq::connection conn{db.url()};
  strata::upgrade<fmt_resume>(conn, {.target = "00001_users"});
  db.run("ALTER TABLE strata_history DROP COLUMN phase; DROP TABLE strata_instances");
  EXPECT_EQ(strata::status<fmt_resume>(conn).pending.size(), 2u);
  EXPECT_TRUE(strata::instances<fmt_resume>(conn).empty());  // no table yet: no instance
  const std::string script = strata::sql_script<fmt_resume>(conn, true);
  EXPECT_THAT(script, HasSubstr("ADD COLUMN IF NOT EXISTS phase text"));
  EXPECT_THAT(script, HasSubstr("CREATE TABLE IF NOT EXISTS \"public\".\"strata_instances\""));
  EXPECT_EQ(strata::upgrade<fmt_resume>(conn).applied.size(), 2u);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history WHERE phase IS NULL"), 1);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history WHERE phase = 'before_deploy'"), 2);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'strata_instances'"), 1);
}

TEST(PgInterrupted, ConnectionLostInATransactionalMigrationNamesItAndSaysItWasRolledBack) {
  scratch_database db("lost");
  strata::pq::connection conn{db.url()};
  std::thread killer([&] {
    const std::string backend = wait_for_statement(db, "pg_sleep(3)");
    if (!backend.empty()) db.run("SELECT pg_terminate_backend(" + backend + ")");
  });
  const auto e = thrown<strata::connection_error>([&] { strata::upgrade<sets::killable>(conn); });
  killer.join();
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->retryable());
  EXPECT_THAT(e->what(), HasSubstr("revision 0005_slow"));
  EXPECT_THAT(e->what(), HasSubstr("rolled back"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'slow_marker'"), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);
}

// --- the history is evidence -----------------------------------------------------------------------

TEST(PgHistory, TamperingIsRefusedAndChangesNothing) {
  struct tampering {
    const char* name;
    const char* sql;
    const char* says;
  };
  for (const auto& t : std::vector<tampering>{
           {"null checksum", "UPDATE strata_history SET checksum = NULL WHERE revision = '0001_users'", "0001_users (history none"},
           {"unknown version", "UPDATE strata_history SET checksum_version = 9, checksum = 'x' WHERE revision = '0004_orders'",
            "checksum version 9"},
           {"middle row deleted", "DELETE FROM strata_history WHERE revision = '0002_names'",
            "0003_email_index is recorded as applied but its parent 0002_names is not"},
           {"history dropped", "DROP TABLE strata_history", "the history table \"strata_history\" is missing"},
           {"column dropped", "ALTER TABLE strata_history DROP COLUMN checksum", "lacks column(s) checksum"},
           // the log is evidence too: a history emptied or put back empty, or its last row removed
           {"history emptied", "DELETE FROM strata_history",
            "revision 0001_users is missing from the history table \"strata_history\", but the log table"},
           {"empty history put in its place",
            "CREATE TABLE fresh (LIKE strata_history INCLUDING ALL); DROP TABLE strata_history; "
            "ALTER TABLE fresh RENAME TO strata_history",
            "revision 0001_users is missing from the history table"},
           {"last row deleted", "DELETE FROM strata_history WHERE revision = '0004_orders'",
            "revision 0004_orders is missing from the history table"},
       }) {
    scratch_database db("tamper");
    strata::pq::connection conn{db.url()};
    strata::upgrade<sets::basic>(conn);
    db.run(t.sql);
    const long long log_rows = db.count("SELECT 1 FROM strata_log");
    const auto e = thrown<strata::validation_error>([&] { strata::upgrade<sets::killable>(conn); });
    ASSERT_TRUE(e) << t.name;
    EXPECT_THAT(e->what(), HasSubstr(t.says)) << t.name;
    EXPECT_EQ(db.count("SELECT 1 FROM strata_log"), log_rows) << t.name;  // nothing ran
    EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'slow_marker'"), 0) << t.name;
  }
}

TEST(PgHistory, AMissingLogTableIsCreatedAgainWithAWarning) {
  scratch_database db("nolog");
  strata::pq::connection conn{db.url()};
  strata::upgrade<sets::basic>(conn, {.target = "0002_names"});
  db.run("DROP TABLE strata_log");
  const strata::report r = strata::upgrade<sets::basic>(conn);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("the log table \"public\".\"strata_log\" was missing"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log"), 3);  // the two that ran now: start and upgrade of the index, and orders
}

TEST(PgHistory, ADroppedLogIsReportedWithNothingToDo) {
  scratch_database db("droppedlog");
  strata::pq::connection conn{db.url()};
  strata::upgrade<sets::basic>(conn);
  db.run("DROP TABLE strata_log");
  const strata::report r = strata::upgrade<sets::basic>(conn);
  EXPECT_TRUE(r.applied.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("the log table \"strata_log\" is missing beside the history"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'strata_log'"), 0);  // a run with nothing to do creates nothing
  const strata::state s = strata::status<sets::basic>(conn);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_THAT(s.warnings[0], HasSubstr("is missing beside the history"));
}

TEST(PgHistory, ASchemaNameIsAlwaysAQuotedIdentifier) {
  scratch_database db("schemaname");
  strata::pq::connection conn{db.url()};
  const std::string schema = "we$strata$ird \"'; name";
  EXPECT_EQ(strata::upgrade<sets::basic>(conn, {.schema = schema}).applied.size(), 4u);
  EXPECT_EQ(db.count("SELECT 1 FROM \"we$strata$ird \"\"'; name\".strata_history"), 4);
  EXPECT_TRUE(strata::upgrade<sets::basic>(conn, {.schema = schema}).applied.empty());
}

TEST(PgStatus, NamesOnlyTheInvalidIndexesOfItsOwnRevisions) {
  scratch_database db("otherinvalid");
  strata::pq::connection conn{db.url()};
  strata::upgrade<sets::basic>(conn);
  db.run("CREATE TABLE dupes (x int); INSERT INTO dupes VALUES (1), (1)");
  EXPECT_ANY_THROW(db.run("CREATE UNIQUE INDEX CONCURRENTLY dupes_x ON dupes (x)"));  // someone else's, INVALID
  EXPECT_EQ(db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'dupes_x'::regclass"), "false");
  EXPECT_TRUE(strata::status<sets::basic>(conn).invalid_indexes.empty());
}

TEST(PgTargets, DowngradeToARevisionThatIsNotAppliedChangesNothing) {
  scratch_database db("downnotapplied");
  strata::pq::connection conn{db.url()};
  strata::upgrade<sets::basic>(conn, {.target = "0002_names"});
  const auto e = thrown<strata::target_error>([&] { strata::downgrade<sets::basic>(conn, {.target = "0004_orders"}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0004_orders is not applied"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 2);
}

}  // namespace
