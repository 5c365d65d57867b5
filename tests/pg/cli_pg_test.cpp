// The command line and the example service against a real PostgreSQL: every command and exit
// code, --sql changing nothing, retries while the database comes up, and no password in any output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <csignal>
#include <memory>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "../support/process.hpp"
#include "pg_support.hpp"

namespace {

using namespace strata::testing;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string service = STRATA_EXAMPLE_SERVICE;
const std::string password = "strata-test-password";  // scripts/pg's

process_result cli(const scratch_database& db, std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  env.emplace("DATABASE_URL", db.url());
  process_result r = run_process(service, args, env);
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(password))) << "a password reached the output of " << args[0];
  return r;
}

TEST(PgCli, EveryCommandAndExitCode) {
  scratch_database db("cli");
  EXPECT_EQ(cli(db, {"check"}).code, 3);
  auto r = cli(db, {"status"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("pending: 7"));
  EXPECT_THAT(r.out, HasSubstr("postgres:***@"));

  r = cli(db, {"upgrade", "--sql"});  // prints, changes nothing; stops before a code body
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("CREATE TABLE users"));
  EXPECT_THAT(r.out, HasSubstr("-- STOP: revision 20240102_add_display_name has a code body"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE schemaname = 'public'"), 0);

  EXPECT_EQ(cli(db, {"upgrade", "+2"}).code, 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 2);
  r = cli(db, {"upgrade", "--sql"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_created_at_idx"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 2);
  r = cli(db, {"history"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("* 20240101_create_users"));
  EXPECT_THAT(r.out, HasSubstr("20240106_merge"));
  EXPECT_THAT(r.out, HasSubstr("PENDING"));

  r = cli(db, {"upgrade", "--single-transaction", "20240103_backfill_display_name"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(cli(db, {"upgrade"}).code, 0);
  EXPECT_EQ(cli(db, {"check"}).code, 0);
  r = cli(db, {"status", "--json"});
  EXPECT_EQ(r.code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["up_to_date"].get<bool>());
  EXPECT_EQ(j["heads"], nlohmann::json::array({"20240106_merge"}));
  EXPECT_EQ(j["applied"].size(), 7u);
  EXPECT_EQ(cli(db, {"verify"}).code, 0);

  r = cli(db, {"downgrade", "-1", "--sql"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("DELETE FROM \"public\".\"strata_history\" WHERE revision = '20240106_merge'"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 7);
  EXPECT_EQ(cli(db, {"downgrade", "-1"}).code, 0);
  EXPECT_EQ(cli(db, {"downgrade", "20240104_users_by_created_at"}).code, 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);
  r = cli(db, {"downgrade", "base"});  // past an irreversible migration: refused, nothing reverted
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("20240103_backfill_display_name"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);

  EXPECT_EQ(cli(db, {"stamp", "base"}).code, 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'users'"), 1);  // stamp ran nothing
  EXPECT_EQ(cli(db, {"stamp", "20240104_users_by_created_at"}).code, 0);
  EXPECT_EQ(cli(db, {"check"}).code, 3);
  EXPECT_EQ(cli(db, {"upgrade", "nope"}).code, 2);
}

TEST(PgCli, OptionValuesAreNotMaskedInTheOutput) {
  scratch_database db("climask");
  auto r = cli(db, {"upgrade", "+3", "--lock-timeout=3"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("strata upgrade: 3 applied"));
  EXPECT_THAT(r.out, Not(HasSubstr("***")));
  r = cli(db, {"status", "--json", "--retry-for=9"});
  EXPECT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "not JSON:\n" << r.out;
  EXPECT_EQ(j["applied"].size(), 3u);
  for (const auto& a : j["applied"]) EXPECT_TRUE(a["execution_ms"].is_number()) << a;
}

TEST(PgCli, FailingMigrationExitsOneNamingIt) {
  scratch_database db("clifail");
  db.run("CREATE TABLE orders (id int)");
  const auto r = cli(db, {"upgrade"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("20240105_create_orders"));
  EXPECT_THAT(r.err, HasSubstr("42P07"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history"), 4);
}

TEST(PgCli, ValidationFailuresExitFive) {
  scratch_database db("clivalid");
  EXPECT_EQ(cli(db, {"upgrade"}).code, 0);
  db.run("INSERT INTO strata_history (revision) VALUES ('20250101_from_the_future')");
  EXPECT_EQ(cli(db, {"verify"}).code, 5);
  EXPECT_EQ(cli(db, {"check"}).code, 5);
  const auto r = cli(db, {"upgrade"});
  EXPECT_EQ(r.code, 5);
  EXPECT_THAT(r.err, HasSubstr("20250101_from_the_future"));
  EXPECT_EQ(cli(db, {"upgrade"}, {{"STRATA_ALLOW_UNKNOWN_REVISIONS", "true"}}).code, 0);
}

TEST(PgCli, SchemaDriftIsFoundAgainstTheFileSchemaWrote) {
  scratch_database db("drift");
  ASSERT_EQ(cli(db, {"upgrade"}).code, 0);
  auto r = cli(db, {"schema"});
  ASSERT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("column users.email: text not null\n"));
  EXPECT_THAT(r.out, HasSubstr("type user_status: enum ('active', 'suspended')\n"));
  EXPECT_THAT(r.out, HasSubstr("index users_created_at_idx: CREATE INDEX users_created_at_idx ON public.users"));
  EXPECT_THAT(r.out, Not(HasSubstr("strata_history")));
  const std::string file = ::testing::TempDir() + "/strata_schema_" + db.name() + ".txt";
  {
    std::ofstream(file) << r.out;
  }
  r = cli(db, {"schema", "--check", file});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("schema matches " + file));
  {  // the file as an editor that strips trailing blanks saves it: still a match
    std::ifstream in(file);
    std::ofstream stripped(file + ".stripped");
    for (std::string line; std::getline(in, line);) stripped << line.substr(0, line.find_last_not_of(" \t") + 1) << "\n";
  }
  r = cli(db, {"schema", "--check", file + ".stripped"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::remove((file + ".stripped").c_str());

  // By hand on the live database: a column added, an index dropped, a default changed.
  db.run("ALTER TABLE users ADD COLUMN nickname text; DROP INDEX users_created_at_idx;"
         "ALTER TABLE orders ALTER COLUMN total_cents SET DEFAULT 0");
  r = cli(db, {"schema", "--check", file});
  EXPECT_EQ(r.code, 5);
  EXPECT_THAT(r.out, HasSubstr("schema drifted from " + file + ": 3 differences"));
  EXPECT_THAT(r.out, HasSubstr("  column users.nickname is in the database, not in " + file));
  EXPECT_THAT(r.out, HasSubstr("  index users_created_at_idx is in " + file + ", not in the database"));
  EXPECT_THAT(r.out, HasSubstr("  column orders.total_cents: bigint not null in " + file +
                               ", bigint not null default 0 in the database"));

  r = cli(db, {"schema", "--check", file + ".missing"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot read schema file"));
  {
    std::ofstream(file) << "";
  }
  r = cli(db, {"schema", "--check", file});  // emptied by mistake: no list of every object as missing
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(file + " is not a snapshot"));
  std::remove(file.c_str());
}

TEST(PgCli, HeldLockExitsSix) {
  scratch_database db("clilock");
  pqxx::connection holder(db.url());
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(1398034993, hashtext(current_schema() || '.strata_history'))");
  const auto r = cli(db, {"--lock-timeout", "1", "upgrade"});
  EXPECT_EQ(r.code, 6);
  EXPECT_THAT(r.err, HasSubstr("pid " + std::to_string(holder.backendpid())));
}

TEST(PgCli, WrongPasswordExitsFourAtOnce) {
  scratch_database db("clipw");
  std::string url = db.url();
  url.replace(url.find(password), password.size(), "not-the-password");
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_process(service, {"--retry-for", "30", "status"}, {{"DATABASE_URL", url}});
  EXPECT_EQ(r.code, 4);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));  // not retried for 30 s
  EXPECT_THAT(r.err, HasSubstr("password authentication failed"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("not-the-password")));
}

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

TEST(PgService, StartUpFailuresExitWithTheCommandLinesCodes) {
  auto r = run_process(service, {}, {{"STRATA_MODE", "sometimes"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("STRATA_MODE"));
  r = run_process(service, {}, {{"DATABASE_URL", ""}});  // none: the variable is named, not a command-line option
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("set DATABASE_URL"));
  EXPECT_THAT(r.err, Not(HasSubstr("--database-url")));
  r = run_process(service, {}, {{"DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/app"}, {"STRATA_RETRY_FOR", "0"}});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("strata.connection_failed"));

  scratch_database db("svcvalid");
  ASSERT_EQ(cli(db, {"upgrade"}).code, 0);
  db.run("INSERT INTO strata_history (revision) VALUES ('20250101_from_the_future')");
  r = run_process(service, {}, {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(r.code, 5) << r.err;
  EXPECT_THAT(r.err, HasSubstr("20250101_from_the_future"));
}

TEST(PgService, StartsBeforeItsDatabaseRetriesThenServesHealth) {
  char dir_template[] = "/tmp/strata-late-db-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  ::chmod(dir.c_str(), 0755);  // the server runs as `postgres` when the tests run as root
  const int db_port = free_port();
  const int http_port = free_port();
  const std::string url = "postgresql://postgres:" + password + "@127.0.0.1:" + std::to_string(db_port) + "/postgres";
  const pid_t svc = start_process(service, {}, {{"DATABASE_URL", url}, {"STRATA_RETRY_FOR", "60"}, {"STRATA_RETRY_CAP_MS", "500"},
                                                {"PORT", std::to_string(http_port)}},
                                  dir + "/service.out", dir + "/service.err");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const auto pg = run_process(std::string(STRATA_SOURCE_DIR) + "/scripts/pg", {"start", dir + "/pg"},
                              {{"STRATA_PG_PORT", std::to_string(db_port)}});
  ASSERT_EQ(pg.code, 0) << pg.err;

  httplib::Client client("127.0.0.1", http_port);
  auto res = client.Get("/health");
  for (int i = 0; i < 200 && !res; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    res = client.Get("/health");
  }
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const auto health = nlohmann::json::parse(res->body);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["schema_head"], "20240106_merge");
  auto created = client.Post("/users", R"({"email":"ada@example.com"})", "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);

  kill(svc, SIGTERM);
  EXPECT_EQ(wait_for(svc), 0);
  const std::string log = slurp(dir + "/service.err");
  EXPECT_THAT(log, HasSubstr("retrying in"));  // it did wait for the database
  EXPECT_THAT(log, HasSubstr("applied 20240106_merge"));
  EXPECT_THAT(log, Not(HasSubstr(password)));
  run_process(std::string(STRATA_SOURCE_DIR) + "/scripts/pg", {"stop", dir + "/pg"});
  run_process("/bin/rm", {"-rf", dir});
}

}  // namespace

namespace {

// A file of database URLs, one a line, with a comment and a blank line.
std::string url_file(const std::vector<const scratch_database*>& dbs) {
  char name[] = "/tmp/strata-fleet-urls-XXXXXX";
  ::close(mkstemp(name));
  std::ofstream out(name);
  out << "# the shards\n\n";
  for (const auto* d : dbs) out << d->url() << "\n";
  return name;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(PgCli, FleetOfDatabasesNamesTheFailedOneAndARerunFinishesIt) {
  scratch_database a("fleet_a"), b("fleet_b"), c("fleet_c");
  b.run("CREATE TABLE users (taken int)");  // the first revision fails there
  const std::string file = url_file({&a, &b, &c});
  auto r = cli(a, {"fleet", "upgrade", "--databases", file, "--jobs", "2", "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0]["outcome"], "applied");
  EXPECT_EQ(lines[0]["applied"].size(), 7u);
  EXPECT_EQ(lines[1]["outcome"], "failed");
  EXPECT_EQ(lines[1]["error"]["code"], "strata.migration_failed");
  EXPECT_THAT(lines[1]["error"]["message"].get<std::string>(), HasSubstr("20240101_create_users"));
  EXPECT_THAT(lines[1]["target"].get<std::string>(), HasSubstr(b.name()));
  EXPECT_THAT(lines[1]["target"].get<std::string>(), HasSubstr("***"));
  EXPECT_EQ(lines[2]["head_after"], "20240106_merge");

  r = cli(a, {"fleet", "check", "--databases", file});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("pending     "));
  EXPECT_THAT(r.out, HasSubstr("3 targets, 2 up to date, 1 pending, 0 failed"));

  b.run("DROP TABLE users");
  r = cli(a, {"fleet", "upgrade", "--databases", file});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("3 targets, 2 up to date, 1 upgraded, 0 failed"));
  EXPECT_EQ(cli(a, {"fleet", "check", "--databases", file}).code, 0);
  std::remove(file.c_str());
}

TEST(PgCli, FleetOfTenantSchemas) {
  scratch_database db("fleet_schemas");
  db.run("CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b; CREATE SCHEMA other");
  const std::string query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1";
  auto r = cli(db, {"fleet", "upgrade", "--schemas", query, "--canary", "1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("applied     tenant_a: 7 revisions"));
  EXPECT_EQ(db.count("SELECT 1 FROM tenant_b.users"), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM tenant_b.strata_history"), 7);
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE schemaname IN ('public', 'other')"), 0);
  r = cli(db, {"fleet", "status", "--schemas", query});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("up to date  tenant_b at 20240106_merge"));
  EXPECT_EQ(cli(db, {"fleet", "check", "--schemas", query}).code, 0);
  EXPECT_EQ(cli(db, {"fleet", "check"}).code, 2);  // neither --databases nor --schemas
  EXPECT_EQ(cli(db, {"fleet", "check", "--databases", "/nonexistent/urls"}).code, 2);
}

TEST(PgCli, FleetStopsStartingTargetsOnSigterm) {
  std::vector<std::unique_ptr<scratch_database>> dbs;
  std::vector<const scratch_database*> listed;
  for (int i = 0; i < 30; ++i) {
    dbs.push_back(std::make_unique<scratch_database>("fleet_stop"));
    listed.push_back(dbs.back().get());
  }
  const std::string file = url_file(listed);
  const std::string out = file + ".out", err = file + ".err";
  const pid_t pid = start_process(service, {"fleet", "upgrade", "--databases", file, "--jobs", "1", "--json"},
                                  {{"DATABASE_URL", dbs[0]->url()}}, out, err);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_for(pid), 1) << slurp(err);
  const auto lines = json_lines(slurp(out));
  ASSERT_EQ(lines.size(), 30u);
  std::size_t applied = 0, not_started = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string outcome = lines[i]["outcome"];
    EXPECT_NE(outcome, "failed") << lines[i].dump();
    applied += outcome == "applied";
    not_started += outcome == "not_started";
    // what a target reports is what its database holds: all seven, or nothing
    EXPECT_EQ(dbs[i]->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'strata_history'"),
              outcome == "not_started" ? "0" : "1");
  }
  EXPECT_GE(applied, 1u);
  EXPECT_GE(not_started, 1u);
  EXPECT_EQ(cli(*dbs[0], {"fleet", "upgrade", "--databases", file}).code, 0);  // the rest, on the next run
  std::remove(file.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
}

}  // namespace
