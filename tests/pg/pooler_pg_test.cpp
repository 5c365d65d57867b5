// Through a real PgBouncer in transaction pooling mode (3 server connections), started by the
// `pgbouncer` fixture in front of the suite's server (README "Through a connection pooler").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>
#include <strata/pq.hpp>

#include "migrations.hpp"
#include "pg_support.hpp"
#include "runner_process.hpp"

#include "../support/thrown.hpp"

namespace {

using namespace strata::testing;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The suite's server as PgBouncer serves it.
std::string pooler_server_url() {
  std::ifstream in(STRATA_POOLER_URL_FILE);
  std::string url;
  if (!std::getline(in, url) || url.empty()) throw std::runtime_error("no PgBouncer: run through ctest (fixture pgbouncer)");
  return url;
}

// A database of the suite's server, reached directly (to look) and through PgBouncer (to migrate).
struct pooled_database : scratch_database {
  pooled_database() : scratch_database("pooled") {}
  std::string pooled_url() const { return strata::pq::with_database(pooler_server_url(), name()); }
};

// Forwards to a strata::pq::connection, counts round trips and keeps what strata sent on its own
// (batches are a migration's statements).
struct counting_connection {
  strata::pq::connection& inner;
  int round_trips = 0;
  std::vector<std::string> sent{};
  void execute(std::string_view text) {
    ++round_trips;
    sent.emplace_back(text);
    inner.execute(text);
  }
  strata::rows query(std::string_view text, std::span<const strata::value> params) {
    ++round_trips;
    sent.emplace_back(text);
    return inner.query(text, params);
  }
  void execute_batch(std::span<const std::string_view> statements) {
    ++round_trips;
    inner.execute_batch(statements);
  }
  long long backend_pid() const { return inner.backend_pid(); }
};

// Advisory locks held in the test's database (other tests run beside it on the same server).
long long advisory_locks(const scratch_database& db) {
  return db.count("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = "
                  "(SELECT oid FROM pg_database WHERE datname = current_database())");
}

// The session settings of every server connection PgBouncer holds for the database: as many
// clients as it has server connections, each in a transaction at once, so that each holds one.
std::vector<std::string> settings_left_on_server_connections(const std::string& pooled_url) {
  std::vector<std::unique_ptr<pqxx::connection>> clients;
  std::vector<std::unique_ptr<pqxx::work>> open;
  std::vector<std::string> found;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<pqxx::connection>(pooled_url));
    open.push_back(std::make_unique<pqxx::work>(*clients.back()));
    // what a client of PgBouncer may find that it did not set itself (PgBouncer's own tracked
    // parameters excepted)
    for (const auto& r : open.back()->exec(
             "SELECT name || '=' || setting FROM pg_settings WHERE source = 'session' AND name NOT IN "
             "('client_encoding', 'DateStyle', 'TimeZone', 'standard_conforming_strings', 'application_name')"))
      found.push_back(r[0].c_str());
  }
  return found;
}

TEST(PgPooler, EightReplicasApplyEveryRevisionOnceAndLeaveNothingBehind) {
  pooled_database db;
  std::vector<pid_t> runners;
  std::vector<std::string> outputs;
  for (int i = 0; i < 8; ++i) {
    outputs.push_back(::testing::TempDir() + "pooled_runner_" + db.name() + "_" + std::to_string(i));
    runners.push_back(spawn_runner("pooled", db.pooled_url(), outputs.back()));
  }
  std::vector<int> codes;
  for (pid_t pid : runners) codes.push_back(wait_exit(pid));
  EXPECT_EQ(codes, std::vector<int>(8, 0));
  for (const auto& path : outputs) {  // no runner saw anything amiss: no warning, no error
    std::ifstream in(path);
    const std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(printed, ::testing::StartsWith("strata upgrade:"));
    EXPECT_THAT(printed, ::testing::Not(HasSubstr("warning")));
    std::remove(path.c_str());
  }
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 5);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE action = 'upgrade'"), 5);
  EXPECT_EQ(db.count("SELECT revision FROM strata_log WHERE action = 'upgrade' GROUP BY revision HAVING count(*) = 1"), 5);
  EXPECT_EQ(db.count("SELECT 1 FROM users"), 2);  // the first revision's rows, inserted once
  // no advisory lock held by any session, and no setting left on a pooled server session
  EXPECT_EQ(advisory_locks(db), 0);
  EXPECT_THAT(settings_left_on_server_connections(db.pooled_url()), IsEmpty());
}

TEST(PgPooler, DetectsThePoolerAndTheNoOpStartUpIsOneRoundTrip) {
  pooled_database db;
  std::vector<std::string> logged;
  const strata::options o{.log = [&](strata::log_level, std::string_view m) { logged.emplace_back(m); }};
  {
    strata::pq::connection conn{db.pooled_url()};
    EXPECT_EQ(strata::upgrade<sets::pooled>(conn, o).applied.size(), 5u);
  }
  EXPECT_THAT(logged, ::testing::Contains(HasSubstr("goes through a connection pooler")));
  strata::pq::connection conn{db.pooled_url()};
  counting_connection counted{conn};
  const strata::report r = strata::upgrade<sets::pooled>(counted, o);
  EXPECT_TRUE(r.applied.empty());
  EXPECT_EQ(counted.round_trips, 1);
  EXPECT_THAT(settings_left_on_server_connections(db.pooled_url()), IsEmpty());
}

TEST(PgPooler, ADirectConnectionIsNotTakenForAPooler) {
  pooled_database db;
  std::vector<std::string> logged;
  const strata::options o{.log = [&](strata::log_level, std::string_view m) { logged.emplace_back(m); }};
  strata::pq::connection conn{db.url()};
  EXPECT_EQ(strata::upgrade<sets::pooled>(conn, o).applied.size(), 5u);
  for (const auto& line : logged) EXPECT_THAT(line, ::testing::Not(HasSubstr("pooler")));
}

TEST(PgPooler, ANonTransactionalRevisionIsRefusedBeforeAnythingRuns) {
  pooled_database db;
  strata::pq::connection conn{db.pooled_url()};
  const auto e = thrown<strata::target_error>([&] { strata::upgrade<sets::basic>(conn); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("revision 0003_email_index is not transactional"));
  EXPECT_THAT(e->what(), HasSubstr("connection pooler"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE schemaname = 'public'"), 0);  // not even strata's tables
}

TEST(PgPooler, StampDowngradeAndRepairTakeTheLockPerTransaction) {
  pooled_database db;
  strata::pq::connection pooled{db.pooled_url()};
  counting_connection conn{pooled};
  strata::stamp<sets::pooled>(conn, "0002_names");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 2);
  db.run("CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text)");
  EXPECT_EQ(strata::upgrade<sets::pooled>(conn).applied.size(), 3u);
  EXPECT_EQ(strata::downgrade<sets::pooled>(conn, {.target = "0002_names"}).reverted.size(), 3u);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename IN ('orders', 'audit', 'last_one')"), 0);
  db.run("UPDATE strata_history SET checksum = 'edited' WHERE revision = '0001_users'");
  EXPECT_EQ(strata::repair<sets::pooled>(conn).repaired, std::vector<std::string>{"0001_users"});
  // every lock strata took was a transaction's, taken right after its BEGIN; none of the session
  std::size_t transaction_locks = 0;
  for (std::size_t i = 0; i < conn.sent.size(); ++i) {
    EXPECT_THAT(conn.sent[i], ::testing::Not(HasSubstr("pg_try_advisory_lock(")));
    EXPECT_THAT(conn.sent[i], ::testing::Not(HasSubstr("pg_advisory_unlock")));
    if (conn.sent[i].find("pg_try_advisory_xact_lock") == std::string::npos) continue;
    ++transaction_locks;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(conn.sent[i - 1], "BEGIN");
  }
  EXPECT_EQ(transaction_locks, 9u);  // stamp: the tables, its write; 3 up; 3 down; repair
  EXPECT_EQ(advisory_locks(db), 0);
  EXPECT_THAT(settings_left_on_server_connections(db.pooled_url()), IsEmpty());
}

}  // namespace
