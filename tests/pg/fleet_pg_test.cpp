// Fleets against a real PostgreSQL: many databases, many tenant schemas (README "Fleets").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <strata/pq.hpp>

#include "pg_support.hpp"

namespace {

using namespace strata::testing;
using ::testing::HasSubstr;

// Unqualified SQL that serves every tenant: tables, a column, a non-transactional index build.
struct items : strata::migration<"f1_items"> {
  static constexpr strata::sql up{"CREATE TABLE fleet_items (id bigint PRIMARY KEY, name text)"};
  static constexpr strata::sql down{"DROP TABLE fleet_items"};
};
struct tags : strata::migration<"f2_tags", "f1_items"> {
  static constexpr strata::sql up{"CREATE TABLE fleet_tags (id bigint PRIMARY KEY, label text NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE fleet_tags"};
};
struct note : strata::migration<"f3_note", "f2_tags"> {
  static constexpr strata::sql up{"ALTER TABLE fleet_items ADD COLUMN note text"};
  static constexpr strata::sql down{"ALTER TABLE fleet_items DROP COLUMN note"};
};
struct name_index : strata::migration<"f4_name_index", "f3_note"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY fleet_items_name_idx ON fleet_items (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY fleet_items_name_idx"};
};
struct seed : strata::migration<"f5_seed", "f4_name_index"> {
  static constexpr strata::sql up{"INSERT INTO fleet_items (id, name) VALUES (1, current_schema())"};
  static constexpr strata::sql down{"DELETE FROM fleet_items WHERE id = 1"};
};
using fleet_migrations = strata::registry<items, tags, note, name_index, seed>;

// A migration that takes a while, to see how many run at once.
struct slow : strata::migration<"s1_slow"> {
  static constexpr strata::sql up{"SELECT pg_sleep(0.3)"};
  static constexpr strata::sql down{""};
};
using slow_migrations = strata::registry<slow>;

// The URL with the application name its sessions show in pg_stat_activity.
std::string named(const std::string& url, const std::string& application) {
  if (url.find("://") == std::string::npos) return url + " application_name=" + application;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=" + application;
}

std::vector<std::string> urls_of(const std::vector<std::unique_ptr<scratch_database>>& dbs, const std::string& application = "") {
  std::vector<std::string> urls;
  for (const auto& d : dbs) urls.push_back(application.empty() ? d->url() : named(d->url(), application));
  return urls;
}

std::vector<std::unique_ptr<scratch_database>> make_databases(std::size_t n) {
  std::vector<std::unique_ptr<scratch_database>> dbs;
  for (std::size_t i = 0; i < n; ++i) dbs.push_back(std::make_unique<scratch_database>("fleet"));
  return dbs;
}

long long log_rows(const scratch_database& d, const std::string& schema = "") {
  return std::stoll(d.scalar("SELECT count(*) FROM " + (schema.empty() ? std::string() : schema + ".") + "strata_log"));
}

TEST(FleetPg, FortyDatabasesWithThreeFailingThenARerunFinishesThemOnly) {
  auto dbs = make_databases(40);
  const std::set<std::size_t> broken{3, 17, 38};
  for (std::size_t i : broken) dbs[i]->run("CREATE TABLE fleet_items (already_here int)");  // f1 fails there
  const auto urls = urls_of(dbs);

  const strata::fleet_report first = strata::upgrade_fleet<fleet_migrations>(strata::databases(urls), {.jobs = 4});
  ASSERT_EQ(first.targets.size(), 40u);
  EXPECT_EQ(first.count(strata::fleet_outcome::applied), 37u);
  EXPECT_EQ(first.failures(), 3u);
  for (std::size_t i = 0; i < 40; ++i) {
    const strata::fleet_result& t = first.targets[i];
    EXPECT_EQ(t.name, strata::redact_url(urls[i]));
    EXPECT_THAT(t.name, Not(HasSubstr("strata-test-password")));
    if (broken.contains(i)) {
      EXPECT_EQ(t.outcome, strata::fleet_outcome::failed) << t.name;
      EXPECT_EQ(t.error_code, "strata.migration_failed");
      EXPECT_THAT(t.message, HasSubstr("f1_items"));
      EXPECT_THAT(t.message, HasSubstr("42P07"));
      EXPECT_TRUE(t.applied.empty());
      EXPECT_EQ(t.head_after, "");
    } else {
      EXPECT_EQ(t.outcome, strata::fleet_outcome::applied) << t.name << ": " << t.message;
      EXPECT_EQ(t.applied.size(), 5u);
      EXPECT_EQ(t.head_before, "");
      EXPECT_EQ(t.head_after, "f5_seed");
      EXPECT_EQ(dbs[i]->scalar("SELECT name FROM fleet_items WHERE id = 1"), "public");
    }
  }
  std::vector<long long> logged;
  for (const auto& d : dbs) logged.push_back(log_rows(*d));

  for (std::size_t i : broken) dbs[i]->run("DROP TABLE fleet_items");
  const strata::fleet_report rerun = strata::upgrade_fleet<fleet_migrations>(strata::databases(urls), {.jobs = 4});
  EXPECT_TRUE(rerun.ok());
  EXPECT_EQ(rerun.count(strata::fleet_outcome::up_to_date), 37u);
  EXPECT_EQ(rerun.count(strata::fleet_outcome::applied), 3u);
  for (std::size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(rerun.targets[i].outcome, broken.contains(i) ? strata::fleet_outcome::applied : strata::fleet_outcome::up_to_date);
    EXPECT_EQ(rerun.targets[i].head_after, "f5_seed");
    // the 37 saw no write at all; the 3 logged what the others did on the first run
    EXPECT_EQ(log_rows(*dbs[i]), broken.contains(i) ? logged[0] : logged[i]) << i;
  }
}

TEST(FleetPg, AFailedCanaryTouchesNoOtherTarget) {
  auto dbs = make_databases(5);
  dbs[0]->run("CREATE TABLE fleet_items (already_here int)");
  const strata::fleet_report r =
      strata::upgrade_fleet<fleet_migrations>(strata::databases(urls_of(dbs)), {.jobs = 4, .canary = 1});
  EXPECT_EQ(r.targets[0].outcome, strata::fleet_outcome::failed);
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(r.targets[i].outcome, strata::fleet_outcome::not_started);
    EXPECT_EQ(r.targets[i].error_code, "strata.not_started");
    EXPECT_THAT(r.targets[i].message, HasSubstr("canary"));
    EXPECT_EQ(dbs[i]->scalar("SELECT coalesce(to_regclass('strata_history')::text, 'none')"), "none");
    EXPECT_EQ(dbs[i]->scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"), "1");
  }
  EXPECT_FALSE(r.ok());
}

// A database with `n` tenant schemas tenant_000, tenant_001, ...
struct tenants : scratch_database {
  explicit tenants(std::size_t n) : scratch_database("tenants") {
    std::string sql;
    for (std::size_t i = 0; i < n; ++i) sql += "CREATE SCHEMA " + schema(i) + ";";
    run(sql);
  }
  static std::string schema(std::size_t i) {
    std::string s = std::to_string(i);
    return "tenant_" + std::string(3 - std::min<std::size_t>(3, s.size()), '0') + s;
  }
  static constexpr const char* query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY nspname";
};

TEST(FleetPg, TwoHundredSchemasEachWithItsOwnTablesAndHistory) {
  tenants db(200);
  const strata::fleet_report r = strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query), {.jobs = 4});
  ASSERT_EQ(r.targets.size(), 200u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.count(strata::fleet_outcome::applied), 200u);
  for (std::size_t i = 0; i < 200; ++i) {
    const std::string s = tenants::schema(i);
    EXPECT_EQ(r.targets[i].name, s);
    EXPECT_EQ(r.targets[i].applied.size(), 5u) << s << ": " << r.targets[i].message;
    EXPECT_EQ(db.scalar("SELECT count(*) FROM " + s + ".strata_history WHERE state = 'applied'"), "5");
    EXPECT_EQ(db.scalar("SELECT name FROM " + s + ".fleet_items WHERE id = 1"), s);  // ran with its schema first
    EXPECT_EQ(db.scalar("SELECT to_regclass('" + s + ".fleet_items_name_idx') IS NOT NULL"), "t");  // outside a transaction too
  }
  // nothing landed in public
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pg_class WHERE relname IN ('fleet_items', 'fleet_tags', 'strata_history') "
                      "AND relnamespace = 'public'::regnamespace"),
            "0");
  const strata::fleet_report again = strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query), {.jobs = 4});
  EXPECT_EQ(again.count(strata::fleet_outcome::up_to_date), 200u);
  const strata::fleet_report checked = strata::check_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query));
  EXPECT_TRUE(checked.up_to_date());
}

TEST(FleetPg, ANewTenantAmongUpToDateOnesIsMigratedAlone) {
  tenants db(20);
  ASSERT_TRUE(strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query)).ok());
  db.run("CREATE SCHEMA tenant_new");
  const auto checked = strata::check_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query));
  EXPECT_EQ(checked.count(strata::fleet_outcome::pending), 1u);
  EXPECT_FALSE(checked.up_to_date());
  const auto r = strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query));
  EXPECT_EQ(r.count(strata::fleet_outcome::up_to_date), 20u);
  ASSERT_EQ(r.count(strata::fleet_outcome::applied), 1u);
  EXPECT_EQ(r.targets.back().name, "tenant_new");
  const auto status = strata::status_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query));
  for (const auto& t : status.targets) EXPECT_EQ(t.head_after, "f5_seed") << t.name;
}

TEST(FleetPg, TwoFleetRunsAtOnceApplyEachRevisionOnce) {
  tenants db(30);
  auto dbs = make_databases(6);
  std::vector<strata::fleet_report> schema_runs(2), database_runs(2);
  {
    std::vector<std::jthread> runs;
    for (int k = 0; k < 2; ++k) {
      runs.emplace_back([&, k] {
        schema_runs[k] = strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query), {.jobs = 3});
      });
      runs.emplace_back([&, k] {
        database_runs[k] = strata::upgrade_fleet<fleet_migrations>(strata::databases(urls_of(dbs)), {.jobs = 3});
      });
    }
  }
  for (const auto& r : schema_runs) EXPECT_TRUE(r.ok());
  for (const auto& r : database_runs) EXPECT_TRUE(r.ok());
  std::size_t applied = 0;
  for (const auto& r : schema_runs)
    for (const auto& t : r.targets) applied += t.applied.size();
  EXPECT_EQ(applied, 30u * 5u);  // between the two runs, each revision of each tenant once
  for (std::size_t i = 0; i < 30; ++i)
    EXPECT_EQ(db.scalar("SELECT count(*) FROM " + tenants::schema(i) + ".strata_log WHERE action = 'upgrade'"), "5");
  for (const auto& d : dbs) EXPECT_EQ(d->scalar("SELECT count(*) FROM strata_log WHERE action = 'upgrade'"), "5");
}

// The most backends of this test at once while `run` goes, sampled from pg_stat_activity.
template <class Run>
long long most_connections_while(const std::string& server, const std::string& application, Run&& run) {
  std::atomic<bool> running{true};
  long long most = 0;
  std::jthread sampler([&] {
    strata::pq::connection look(server);
    while (running) {
      const auto r = look.query("SELECT count(*)::text FROM pg_stat_activity WHERE application_name = $1",
                                std::vector<strata::value>{application});
      most = std::max(most, std::stoll(r.at(0).at(0).value_or("0")));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  run();
  running = false;
  sampler.join();
  return most;
}

TEST(FleetPg, NoMoreConnectionsThanJobs) {
  auto dbs = make_databases(12);
  const std::string app = "strata_fleet_bound_databases";
  const long long most = most_connections_while(suite_server_url(), app, [&] {
    const auto r = strata::upgrade_fleet<slow_migrations>(strata::databases(urls_of(dbs, app)), {.jobs = 3});
    EXPECT_TRUE(r.ok()) << r.targets.front().message;
  });
  EXPECT_LE(most, 3);
  EXPECT_GE(most, 2);  // and they did run side by side

  tenants db(12);
  const std::string tenant_app = "strata_fleet_bound_schemas";
  const long long most_schemas = most_connections_while(suite_server_url(), tenant_app, [&] {
    const auto r = strata::upgrade_fleet<slow_migrations>(strata::schemas(named(db.url(), tenant_app), tenants::query),
                                                          {.jobs = 4});
    EXPECT_TRUE(r.ok());
  });
  EXPECT_LE(most_schemas, 4);
  EXPECT_GE(most_schemas, 2);
}

// The server log of the suite's own cluster (scripts/pg keeps it next to the URL file).
std::filesystem::path server_log() {
  const char* file = std::getenv("STRATA_TEST_DATABASE_URL_FILE");
  return file ? std::filesystem::path(file).parent_path() / "server.log" : std::filesystem::path();
}

TEST(FleetPg, ANoOpCheckOfManySchemasIsOneQueryAfterListingThem) {
  const std::filesystem::path log = server_log();
  ASSERT_TRUE(std::filesystem::exists(log)) << "needs the suite's own cluster (its server log): run through ctest";
  tenants db(100);
  ASSERT_TRUE(strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query)).ok());
  db.run("ALTER DATABASE " + db.name() + " SET log_statement = 'all'");
  strata::pq::connection mine(db.url());
  const std::string my_pid = mine.query("SELECT pg_backend_pid()::text", {}).at(0).at(0).value_or("");
  const std::string marker = "fleet-marker-" + db.name();
  mine.execute("SELECT '" + marker + "-start'");
  for (const auto& check : {strata::check_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query), {.jobs = 4}),
                            strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query), {.jobs = 4})})
    EXPECT_EQ(check.count(strata::fleet_outcome::up_to_date), 100u);
  mine.execute("SELECT '" + marker + "-end'");
  // Lines between the markers from other backends than this test's: the fleet runs' statements.
  std::ifstream in(log);
  std::vector<std::string> statements;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find(marker + "-start") != std::string::npos) inside = true;
    else if (line.find(marker + "-end") != std::string::npos) inside = false;
    else if (inside && line.find("[" + my_pid + "]") == std::string::npos &&
             (line.find("LOG:  statement: ") != std::string::npos || line.find("LOG:  execute ") != std::string::npos))
      statements.push_back(line);
  }
  std::ostringstream shown;
  for (const auto& s : statements) shown << s.substr(0, 160) << "\n";
  // per run: the schema listing and the one digest query for all 100 schemas
  EXPECT_EQ(statements.size(), 4u) << shown.str();
}

TEST(FleetPg, AStopRequestedStartsNoFurtherTarget) {
  tenants db(8);
  std::stop_source stop;
  std::atomic<int> seen{0};
  strata::fleet_options o{.jobs = 1};
  o.stop = stop.get_token();
  o.on_result = [&](const strata::fleet_result&, const strata::fleet_progress&) {
    if (++seen == 3) stop.request_stop();
  };
  const auto r = strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query), o);
  EXPECT_EQ(r.count(strata::fleet_outcome::applied), 3u);
  EXPECT_EQ(r.count(strata::fleet_outcome::not_started), 5u);
  for (std::size_t i = 3; i < 8; ++i) {
    EXPECT_THAT(r.targets[i].message, HasSubstr("stopped"));
    EXPECT_EQ(db.scalar("SELECT coalesce(to_regclass('" + tenants::schema(i) + ".strata_history')::text, 'none')"), "none");
  }
  const auto rest = strata::upgrade_fleet<fleet_migrations>(strata::schemas(db.url(), tenants::query));
  EXPECT_EQ(rest.count(strata::fleet_outcome::up_to_date), 3u);
  EXPECT_EQ(rest.count(strata::fleet_outcome::applied), 5u);
}

TEST(FleetPg, ATenantSchemaOnSearchPathDoesNotOutliveTheRun) {
  tenants db(1);
  strata::pq::connection conn(db.url());
  const std::string before = conn.query("SHOW search_path", {}).at(0).at(0).value_or("");
  strata::options o;
  o.schema = o.search_path_schema = tenants::schema(0);
  const strata::report r = strata::upgrade<fleet_migrations>(conn, o);  // f4 runs outside a transaction
  EXPECT_EQ(r.applied.size(), 5u);
  EXPECT_EQ(conn.query("SHOW search_path", {}).at(0).at(0).value_or(""), before);
  EXPECT_EQ(db.scalar("SELECT name FROM tenant_000.fleet_items"), "tenant_000");
  EXPECT_EQ(db.scalar("SELECT to_regclass('tenant_000.fleet_items_name_idx') IS NOT NULL"), "t");
}

struct duplicates : strata::migration<"d1_duplicates"> {
  static constexpr strata::sql up{"CREATE TABLE fleet_dups (v int); INSERT INTO fleet_dups VALUES (1), (1)"};
  static constexpr strata::sql down{"DROP TABLE fleet_dups"};
};
struct unique_v : strata::migration<"d2_unique_v", "d1_duplicates"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE UNIQUE INDEX CONCURRENTLY fleet_dups_v ON fleet_dups (v)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY fleet_dups_v"};
};
using failing_index_migrations = strata::registry<duplicates, unique_v>;

// What a failed concurrent build leaves is looked up in the tenant's schema, not in the one the
// connection's own search_path finds (public holds a table of the same name here).
TEST(FleetPg, AFailedIndexBuildOfATenantIsNamedInItsSchema) {
  tenants db(2);
  db.run("CREATE TABLE public.fleet_dups (v int)");
  const auto r = strata::upgrade_fleet<failing_index_migrations>(strata::schemas(db.url(), tenants::query), {.jobs = 2});
  ASSERT_EQ(r.failures(), 2u);
  for (const auto& t : r.targets) {
    EXPECT_EQ(t.error_code, "strata.migration_failed");
    EXPECT_THAT(t.message, HasSubstr("23505"));
    // named as its schema first on search_path shows it
    EXPECT_THAT(t.message, HasSubstr("INVALID index left behind by the failed concurrent build: fleet_dups_v (")) << t.message;
  }
  strata::pq::connection conn(db.url());
  strata::options o;
  o.schema = o.search_path_schema = tenants::schema(1);
  EXPECT_THAT(strata::status<failing_index_migrations>(conn, o).invalid_indexes, ::testing::ElementsAre("tenant_001.fleet_dups_v"));
}

}  // namespace
