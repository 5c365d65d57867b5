// DDL that cannot take production down, against a real PostgreSQL: a migration blocked by a long
// transaction queues nobody for long and is applied once the blocker ends; the retry budget runs
// out naming the blocker; a migration's settings stay its own; a per-migration statement_timeout
// stops a runaway statement; and the printed `--sql` script is what the server ran.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <strata/pq.hpp>

#include "../support/thrown.hpp"
#include "migrations.hpp"
#include "pg_support.hpp"

namespace {

using namespace std::chrono_literals;
using strata::testing::scratch_database;
using strata::testing::thrown;
using ::testing::HasSubstr;

struct create_t : strata::migration<"0001_t"> {
  static constexpr strata::sql up{"CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100)"};
  static constexpr strata::sql down{"DROP TABLE t"};
};
struct alter_t : strata::migration<"0002_alter_t", "0001_t"> {
  static constexpr strata::sql up{"ALTER TABLE t ADD COLUMN c int"};
  static constexpr strata::sql down{"ALTER TABLE t DROP COLUMN c"};
};
using alter_app = strata::registry<create_t, alter_t>;

// A session that holds a lock on t (an open transaction that read it) until released.
class blocker {
 public:
  explicit blocker(const std::string& url) : conn_(url), tx_(conn_) {
    tx_.exec("SELECT count(*) FROM t");
    pid_ = tx_.exec("SELECT pg_backend_pid()")[0][0].as<std::string>();
  }
  const std::string& pid() const { return pid_; }
  void end() { tx_.commit(); }

 private:
  pqxx::connection conn_;
  pqxx::work tx_;
  std::string pid_;
};

// Readers of t, each query timed; the worst wait.
class readers {
 public:
  readers(const std::string& url, int count) {
    for (int i = 0; i < count; ++i)
      threads_.emplace_back([this, url] {
        pqxx::connection c(url);
        while (!stop_) {
          const auto started = std::chrono::steady_clock::now();
          pqxx::nontransaction(c).exec("SELECT count(*) FROM t");
          const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
          long long seen = worst_ms_.load();
          while (took.count() > seen && !worst_ms_.compare_exchange_weak(seen, took.count())) {
          }
          std::this_thread::sleep_for(20ms);
        }
      });
  }
  long long stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
    return worst_ms_;
  }
  ~readers() {
    if (!threads_.empty()) stop();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long long> worst_ms_{0};
  std::vector<std::thread> threads_;
};

TEST(PgLockSafety, ABlockedMigrationQueuesNobodyLongAndIsAppliedOnceTheBlockerEnds) {
  scratch_database db("blocked");
  strata::pq::connection conn{db.url()};
  strata::upgrade<alter_app>(conn, {.target = "0001_t"});
  blocker b(db.url());
  readers r(db.url(), 4);
  std::thread release([&] {
    std::this_thread::sleep_for(10s);  // a long transaction: 10 s
    b.end();
  });
  strata::report report;
  EXPECT_NO_THROW(report = strata::upgrade<alter_app>(conn));  // defaults only
  release.join();
  const long long worst = r.stop();
  EXPECT_EQ(report.applied.size(), 1u);
  EXPECT_EQ(db.count("SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'"), 1);
  EXPECT_LT(worst, 1500) << "a reader waited " << worst << " ms behind the migration";
  EXPECT_GE(report.duration, 9s);  // it did wait for the blocker
}

TEST(PgLockSafety, TheRetryBudgetRunsOutNamingTheBlocker) {
  scratch_database db("budget");
  strata::pq::connection conn{db.url()};
  strata::upgrade<alter_app>(conn, {.target = "0001_t"});
  blocker b(db.url());
  const auto e = thrown<strata::lock_timeout_error>([&] {
    strata::upgrade<alter_app>(conn, {.pg_lock_timeout = 100ms, .lock_retry_for = 1500ms, .lock_retry_base = 50ms});
  });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("revision 0002_alter_t (statement 1) could not take the table locks it needs"));
  EXPECT_THAT(e->what(), HasSubstr("pid " + b.pid()));
  EXPECT_THAT(e->what(), HasSubstr("idle in transaction"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 1);  // rolled back, nothing recorded
  b.end();
  EXPECT_EQ(strata::upgrade<alter_app>(conn).applied.size(), 1u);
}

struct moves_search_path : strata::migration<"0001_moves"> {
  static constexpr strata::sql up{"CREATE SCHEMA elsewhere; SET search_path = elsewhere; CREATE TABLE here (x int)"};
  static constexpr strata::sql down{"DROP SCHEMA elsewhere CASCADE"};
};
struct code_sets_config : strata::migration<"0002_code", "0001_moves"> {
  static void up(strata::transaction& tx) { tx.execute("SELECT set_config('search_path', 'elsewhere', false)"); }
  static void down(strata::transaction&) {}
};
struct after_moves : strata::migration<"0003_after", "0002_code"> {
  static constexpr strata::sql up{"CREATE TABLE after_moves (x int)"};
  static constexpr strata::sql down{"DROP TABLE after_moves"};
};
using search_path_app = strata::registry<moves_search_path, code_sets_config, after_moves>;

TEST(PgLockSafety, AMigrationsOwnSettingsDoNotLeak) {
  scratch_database db("settings");
  pqxx::connection own(db.url());
  pqxx::nontransaction(own).exec("SET statement_timeout = '77s'");  // the service's own session setting
  strata::pq::connection conn{own};
  const auto r = strata::upgrade<search_path_app>(conn);
  EXPECT_EQ(r.applied.size(), 3u);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE schemaname = 'elsewhere' AND tablename = 'here'"), 1);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'after_moves'"), 1);
  EXPECT_EQ(db.count("SELECT 1 FROM public.strata_history"), 3);
  EXPECT_EQ(pqxx::nontransaction(own).exec("SHOW search_path")[0][0].as<std::string>(), "\"$user\", public");
  EXPECT_EQ(pqxx::nontransaction(own).exec("SHOW statement_timeout")[0][0].as<std::string>(), "77s");
  EXPECT_EQ(pqxx::nontransaction(own).exec("SHOW lock_timeout")[0][0].as<std::string>(), "0");
  // the lock was released under the same key it was taken with
  EXPECT_EQ(db.count("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = "
                     "(SELECT oid FROM pg_database WHERE datname = current_database())"),
            0);
}

struct runaway : strata::migration<"0001_runaway"> {
  static constexpr auto statement_timeout = 300ms;
  static constexpr strata::sql up{"CREATE TABLE r (x int); SELECT pg_sleep(5)"};
  static constexpr strata::sql down{"DROP TABLE r"};
};
using runaway_app = strata::registry<runaway>;

TEST(PgLockSafety, APerMigrationStatementTimeoutStopsARunawayStatement) {
  scratch_database db("runaway");
  strata::pq::connection conn{db.url()};
  const auto started = std::chrono::steady_clock::now();
  const auto e = thrown<strata::migration_error>([&] { strata::upgrade<runaway_app>(conn); });
  ASSERT_TRUE(e);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(e->revision(), "0001_runaway");
  EXPECT_EQ(e->sqlstate(), "57014");
  EXPECT_EQ(e->statement_number(), 2u);
  EXPECT_THAT(e->what(), HasSubstr("statement_timeout"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'r'"), 0);
}

// --- the printed script is what the server ran --------------------------------------------------

struct script_users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n"
                                  "COMMENT ON TABLE users IS 'it''s ours; all of it'"};
  static constexpr strata::sql down{"DROP TABLE users"};
  static constexpr std::string_view description = "users, with a quote";
};
struct script_index : strata::migration<"0002_email_index", "0001_users"> {
  static constexpr bool transactional = false;
  // CREATE TABLE runs in a transaction with its progress record; the concurrent build alone
  static constexpr strata::sql up{"CREATE TABLE email_audit (id bigint);\n"
                                  "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email; DROP TABLE email_audit"};
};
struct script_orders : strata::migration<"0003_orders", "0002_email_index"> {
  static constexpr auto lock_timeout = 2s;
  static constexpr auto statement_timeout = 30s;
  static constexpr strata::sql up{"CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
                                  "CREATE FUNCTION order_count() RETURNS bigint AS $$ SELECT count(*) FROM orders; $$ LANGUAGE sql"};
  static constexpr strata::sql down{"DROP FUNCTION order_count(); DROP TABLE orders"};
};
using script_app = strata::registry<script_users, script_index, script_orders>;

std::string server_log_path() {
  const char* file = std::getenv("STRATA_TEST_DATABASE_URL_FILE");
  if (!file) return "";
  return (std::filesystem::path(file).parent_path() / "server.log").string();
}

// The statements that change the database, in order: strata's splitter over each logged
// statement (a pipelined batch is logged as one), SELECTs and SHOWs left out.
std::vector<std::string> changing_statements(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const auto& text : texts)
    strata::split_statements(text, [&](std::string_view s, std::size_t) {
      const std::string statement(s);
      if (statement.starts_with("SELECT") || statement.starts_with("SHOW")) return;
      out.push_back(statement);
    });
  return out;
}

// The server log's statements of backend `pid`, with their parameters in place as literals.
std::vector<std::string> logged_statements(const std::string& log, const std::string& pid) {
  std::vector<std::string> entries;
  std::istringstream in(log);
  std::string line, current_pid;
  std::vector<std::pair<std::string, std::string>> raw;  // (kind + text), for our pid
  while (std::getline(in, line)) {
    strata::testing::server_log_entry e;
    if (strata::testing::parse_server_log_line(line, e)) {
      current_pid = e.pid;
      if (current_pid == pid) raw.emplace_back(e.kind, e.text);
    } else if (current_pid == pid && !raw.empty()) {
      raw.back().second += "\n" + line;  // a statement's next line
    }
  }
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto& [kind, text] = raw[i];
    if (kind == "LOG" && text.starts_with("statement: ")) {
      entries.push_back(text.substr(11));
    } else if (kind == "LOG" && text.starts_with("execute <unnamed>: ")) {
      std::string statement = text.substr(19);
      if (i + 1 < raw.size() && raw[i + 1].first == "DETAIL" && raw[i + 1].second.starts_with("parameters: ")) {
        // "$1 = 'a', $2 = NULL": substitute from the highest number down ($10 before $1)
        const std::regex param(R"(\$(\d+) = ('(?:[^']|'')*'|NULL))");
        const std::string details = raw[i + 1].second;
        std::vector<std::pair<int, std::string>> values;
        for (auto it = std::sregex_iterator(details.begin(), details.end(), param); it != std::sregex_iterator(); ++it)
          values.emplace_back(std::stoi((*it)[1]), (*it)[2]);
        std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [n, v] : values) {
          const std::string placeholder = "$" + std::to_string(n);
          for (auto at = statement.find(placeholder); at != std::string::npos; at = statement.find(placeholder, at + v.size()))
            statement.replace(at, placeholder.size(), v);
        }
      }
      entries.push_back(statement);
    }
  }
  return entries;
}

// Prints the upgrade of a fresh database, runs it, and compares the printed statements with the
// ones the server logged for the runner's backend; `schema`: the history tables' own schema.
void expect_printed_script_is_what_ran(const std::string& schema) {
  const std::string log_path = server_log_path();
  ASSERT_TRUE(!log_path.empty() && std::filesystem::exists(log_path))
      << "this test reads the server log of the throwaway cluster the test fixture starts; run it through ctest "
         "without STRATA_TEST_DATABASE_URL";
  scratch_database db("script");
  db.run("ALTER DATABASE " + db.name() + " SET log_statement = 'all'");
  pqxx::connection native(db.url());
  const std::string pid = pqxx::nontransaction(native).exec("SELECT pg_backend_pid()")[0][0].as<std::string>();
  strata::pq::connection conn{native};
  const strata::options o{.schema = schema};
  const std::string script = strata::sql_script<script_app>(conn, true, o);
  const auto log_start = std::filesystem::file_size(log_path);
  const auto r = strata::upgrade<script_app>(conn, o);
  ASSERT_EQ(r.applied.size(), 3u);
  std::this_thread::sleep_for(200ms);  // the server flushes its log
  std::ifstream in(log_path);
  in.seekg(static_cast<std::streamoff>(log_start));
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  std::vector<std::string> printed;
  {
    std::string without_comments;
    std::istringstream lines(script);
    for (std::string line; std::getline(lines, line);)
      if (!line.starts_with("--")) without_comments += line + "\n";
    printed = changing_statements({without_comments});
  }
  const std::vector<std::string> ran = changing_statements(logged_statements(log, pid));
  EXPECT_GT(printed.size(), 15u);
  EXPECT_EQ(printed, ran) << "script:\n" << script;
  EXPECT_THAT(script, HasSubstr("SET LOCAL lock_timeout = '2000ms'"));
  EXPECT_THAT(script, HasSubstr("SET LOCAL statement_timeout = '30000ms'"));
  EXPECT_THAT(script, HasSubstr("'users, with a quote'"));
  if (!schema.empty()) {
    EXPECT_THAT(script, HasSubstr("CREATE SCHEMA \"" + schema + "\";"));
  }
}

TEST(PgProgram, ThePrintedScriptIsWhatTheServerRan) { expect_printed_script_is_what_ran(""); }

TEST(PgProgram, ThePrintedScriptCreatesTheHistorySchemaAsTheRunDoes) {
  expect_printed_script_is_what_ran("strata_history");
}

// Counts what the executor sends through the real connection.
struct counting_connection {
  strata::pq::connection& inner;
  std::vector<std::string> sent;
  void execute(std::string_view text) {
    sent.emplace_back(text);
    inner.execute(text);
  }
  strata::rows query(std::string_view text, std::span<const strata::value> params) {
    sent.emplace_back(text);
    return inner.query(text, params);
  }
};

TEST(PgProgram, AtHeadAnUpgradeSendsOneStatementAndTakesNoLock) {
  scratch_database db("noop");
  strata::pq::connection conn{db.url()};
  strata::upgrade<script_app>(conn);
  counting_connection counting{conn, {}};
  const auto r = strata::upgrade<script_app>(counting);
  EXPECT_FALSE(r.took_lock);
  EXPECT_EQ(r.head_after, "0003_orders");
  ASSERT_EQ(counting.sent.size(), 1u);  // the server's digest matched the build's
  EXPECT_THAT(counting.sent[0], HasSubstr("string_agg("));  // the digest query
  db.run("UPDATE strata_history SET checksum = 'edited' WHERE revision = '0002_email_index'");
  counting.sent.clear();
  EXPECT_THROW(strata::upgrade<script_app>(counting), strata::validation_error);
  EXPECT_EQ(counting.sent.size(), 3u);  // the digest differed: the rows and the log's account were read, and refused
}

TEST(PgProgram, RefusesToRunWithStandardConformingStringsOff) {
  scratch_database db("scs");
  pqxx::connection own(db.url());
  pqxx::nontransaction(own).exec("SET standard_conforming_strings = off");
  strata::pq::connection conn{own};
  const auto e = thrown<strata::validation_error>([&] { strata::upgrade<script_app>(conn); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("standard_conforming_strings is off"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename IN ('users', 'strata_history')"), 0);
}

}  // namespace
