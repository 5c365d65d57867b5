// Start-up against a real PostgreSQL: migrate_on_startup, migrate_async, and what they log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>

#include <strata/pq.hpp>

#include "../support/thrown.hpp"
#include "migrations.hpp"
#include "pg_support.hpp"

namespace {

using namespace strata::testing;
using ::testing::HasSubstr;
using ::testing::Not;

struct captured_log {
  std::mutex mutex;
  std::vector<std::string> lines;
  strata::log_sink sink() {
    return [this](strata::log_level, std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  std::string all() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

TEST(PgStartup, MigrateAsyncAppliesEverythingAndLogsEachRevision) {
  scratch_database db("async");
  captured_log log;
  strata::startup_config cfg;
  cfg.database_url = db.url();
  cfg.log = log.sink();
  std::future<strata::report> f = strata::migrate_async<sets::basic>(cfg);
  const strata::report r = f.get();
  EXPECT_EQ(r.applied.size(), 4u);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);
  const std::string text = log.all();
  EXPECT_THAT(text, HasSubstr("applied 0004_orders in"));
  EXPECT_THAT(text, HasSubstr("postgres:***@"));
  EXPECT_THAT(text, Not(HasSubstr("strata-test-password")));
  // and again: nothing to do
  EXPECT_FALSE(strata::migrate_on_startup<sets::basic>(cfg).changed());
}

TEST(PgStartup, WrongPasswordFailsAtOnceWithoutRetrying) {
  scratch_database db("startpw");
  std::string url = db.url();
  url.replace(url.find("strata-test-password"), 20, "p");  // a one-letter password
  captured_log log;
  strata::startup_config cfg;
  cfg.database_url = url;
  cfg.retry_for = std::chrono::seconds(30);
  cfg.log = log.sink();
  const auto started = std::chrono::steady_clock::now();
  const auto e = thrown<strata::connection_error>([&] { strata::migrate_on_startup<sets::basic>(cfg); });
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->retryable());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_THAT(log.all(), Not(HasSubstr("retrying")));
  EXPECT_THAT(log.all(), HasSubstr("postgres:***@"));  // masked by structure; the letter p stays elsewhere
  EXPECT_THAT(log.all() + e->what(), Not(HasSubstr(":p@")));
}

TEST(PgStartup, ValidationErrorsAreNeverRetried) {
  scratch_database db("startvalid");
  {
    strata::pq::connection conn{db.url()};
    strata::upgrade<sets::basic>(conn, {.target = "0001_users"});
  }
  db.run("UPDATE strata_history SET checksum = '00000000deadbeef' WHERE revision = '0001_users'");
  strata::startup_config cfg;
  cfg.database_url = db.url();
  cfg.log = [](strata::log_level, std::string_view) {};
  const auto e = thrown<strata::validation_error>([&] { strata::migrate_on_startup<sets::basic>(cfg); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("0001_users"));
}

}  // namespace
