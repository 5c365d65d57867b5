// The command line without a database: parsing, usage errors, exit codes, help and version.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <strata/cli.hpp>
#include <fmt_adopted.hpp>
#include <fmt_widening.hpp>

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct first : strata::migration<"0001_first"> {
  static constexpr strata::sql up{"CREATE TABLE a (x int)"};
  static constexpr strata::sql down{"DROP TABLE a"};
};
struct second : strata::migration<"0002_second", "0001_first"> {
  static constexpr strata::sql up{"CREATE TABLE b (x int)"};
  static constexpr strata::sql down{"DROP TABLE b"};
};
using app = strata::registry<first, second>;

struct result {
  int code;
  std::string out, err;
};

result run(std::vector<const char*> args, std::map<std::string, std::string> vars = {}) {
  args.insert(args.begin(), "svc");
  std::ostringstream out, err;
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  strata::cli::io io{out, err, [shared](const char* n) -> const char* {
                       auto it = shared->find(n);
                       return it == shared->end() ? nullptr : it->second.c_str();
                     }};
  const int code = strata::cli::main<app>(static_cast<int>(args.size()), args.data(), io);
  return {code, out.str(), err.str()};
}

// A port nothing listens on: connecting is refused at once.
const char* refused = "postgresql://app:hunter2@127.0.0.1:1/app";

TEST(Cli, HelpListsCommandsOptionsAndExitCodes) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* word : {"upgrade", "downgrade", "status", "history", "check", "stamp", "verify", "--database-url",
                           "--sql", "--single-transaction", "--lock-timeout", "--retry-for", "--version",
                           "4 could not connect", "6 lock not acquired"})
    EXPECT_THAT(r.out, HasSubstr(word));
}

TEST(Cli, VersionPrintsTheRegistryHead) {
  const auto r = run({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr(strata::version));
  EXPECT_THAT(r.out, HasSubstr("0002_second"));
}

TEST(Cli, NewPrintsASkeletonForARegistryOfCppTypes) {
  auto r = run({"new", "add_notes"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("struct add_notes : strata::migration<\"0003_add_notes\", \"0002_second\"> {"));
  EXPECT_THAT(r.out, HasSubstr("strata::registry<..., add_notes>"));
  r = run({"new", "add notes"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("a migration's name is letters, digits and _"));
}

TEST(Cli, UsageErrorsExitTwoAndSayWhat) {
  EXPECT_EQ(run({}).code, 2);
  auto r = run({"upgrad"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'upgrad'"));
  r = run({"downgrade"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("strata.usage: this command needs a TARGET"));
  r = run({"--lock-timeout", "-5", "status"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--lock-timeout"));
  r = run({"--retry-for=abc", "status"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--retry-for"));
  r = run({"stamp", "0003_nope"}, {{"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown revision '0003_nope'"));
  r = run({"downgrade", "-x"}, {{"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  r = run({"upgrade", "base"}, {{"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  r = run({"status"}, {{"STRATA_MODE", "sometimes"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("STRATA_MODE"));
}

TEST(Cli, ConnectionProblemsExitFourWithoutThePassword) {
  auto r = run({"status"}, {{"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("refused"));
  EXPECT_THAT(r.err + r.out, Not(HasSubstr("hunter2")));
  r = run({"--database-url", "postgresql://app:hunter2@[::1/app", "status"});
  EXPECT_EQ(r.code, 4);
  EXPECT_THAT(r.err, HasSubstr("strata.bad_config: malformed database URL (not shown"));
  EXPECT_THAT(r.err + r.out, Not(HasSubstr("hunter2")));
}

TEST(Cli, AMissingDatabaseUrlIsAUsageErrorThatSaysHowToGiveOne) {
  const auto r = run({"status"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("strata.usage: no database to work on: set DATABASE_URL or pass --database-url URL"));
}

TEST(Cli, BothOptionSpellingsAreAccepted) {
  EXPECT_EQ(run({"--database-url", refused, "check"}).code, 4);
  EXPECT_EQ(run({(std::string("--database-url=") + refused).c_str(), "check"}).code, 4);
  EXPECT_EQ(run({"check", "--lock-timeout=3", "--database-url", refused}).code, 4);
}

TEST(Cli, TheArgumentParserNeverEchoesAUrl) {
  const std::string url = "postgresql://app:pa?ss@w0rdXYZ@127.0.0.1:1/app";
  const std::string flag = "--database-url=" + url;
  for (const std::vector<const char*>& args :
       {std::vector<const char*>{"--lock-timeout=", flag.c_str(), "status"},
        std::vector<const char*>{"--retry-for", "0", "--retry-for", "--database-url", url.c_str(), "status"},
        std::vector<const char*>{url.c_str()}, std::vector<const char*>{"status", url.c_str()},
        std::vector<const char*>{"--database-url", url.c_str(), "status"}}) {
    const auto r = run(args);
    EXPECT_TRUE(r.code == 2 || r.code == 4) << r.err;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("w0rdXYZ"))) << r.err;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("pa?ss"))) << r.err;
    EXPECT_THAT(r.err, HasSubstr("strata."));
  }
}

TEST(Cli, OptionValuesAreNotMaskedAsIfTheyWerePasswords) {
  // libpq's refusal names the host and port: "1" and "0" of the options must not hide them.
  for (const char* option : {"--lock-timeout=1", "--retry-for=0"}) {
    const auto r = run({option, "status"}, {{"DATABASE_URL", refused}});
    EXPECT_EQ(r.code, 4);
    EXPECT_THAT(r.err, HasSubstr("\"127.0.0.1\", port 1 failed")) << option << ": " << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("***"))) << option << ": " << r.err;
  }
}

TEST(Cli, PasswordsAreMaskedWhereverTheyAreGiven) {
  // A word shown back (an unknown revision) that happens to be a password: the one in
  // $PGPASSWORD, in a key=value string, in a URL given where no URL goes.
  const std::string url_elsewhere = "--check=postgresql://app:Zq8wordsecret@127.0.0.1:1/app";
  for (const auto& [args, vars] : std::vector<std::pair<std::vector<const char*>, std::map<std::string, std::string>>>{
           {{"stamp", "Zq8wordsecret"}, {{"DATABASE_URL", "postgresql://app@127.0.0.1:1/app"}, {"PGPASSWORD", "Zq8wordsecret"}}},
           {{"stamp", "Zq8wordsecret"}, {{"DATABASE_URL", "host=127.0.0.1 port=1 password=Zq8wordsecret"}}},
           {{"stamp", "Zq8wordsecret", "--database-url", "host=127.0.0.1 port=1 password='Zq8wordsecret'"}, {}},
           {{"schema", url_elsewhere.c_str()}, {{"DATABASE_URL", refused}}}}) {
    const auto r = run(args, vars);
    EXPECT_NE(r.code, 0);
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("Zq8wordsecret"))) << r.err;
    EXPECT_THAT(r.err, HasSubstr("***")) << r.err;
  }
}

TEST(Cli, TargetsAndLevelsComeFromTheEnvironmentToo) {
  auto r = run({"upgrade"}, {{"STRATA_TARGET", "0009_nope"}, {"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("strata.bad_target: unknown revision '0009_nope'"));
  r = run({"status"}, {{"STRATA_LOG_LEVEL", "loud"}, {"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("STRATA_LOG_LEVEL"));
  r = run({"status"}, {{"STRATA_RETRY_BASE_MS", "0"}, {"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("STRATA_RETRY_BASE_MS='0' is below 10 ms"));
  r = run({"upgrade", "+x"}, {{"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("strata.usage: upgrade target '+x' is not a revision, or +N"));
}

// A file for `schema --check`, removed again at the end of the test.
struct schema_file {
  std::string path;
  explicit schema_file(const std::string& name, const std::string& text) : path(::testing::TempDir() + "/" + name) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~schema_file() { std::remove(path.c_str()); }
};

TEST(Cli, ASnapshotWhoseTrailingBlanksAnEditorStrippedIsRead) {
  // As `schema` wrote it before, then saved by an editor that strips trailing blanks.
  const schema_file stripped("strata_stripped_schema.txt", std::string(strata::schema_snapshot::header) +
                                                               "column accounts.id: bigint not null\ntable accounts:\n");
  const auto r = run({"schema", "--check", stripped.path.c_str()}, {{"DATABASE_URL", refused}});
  EXPECT_EQ(r.code, 4) << r.err;  // read, then the database was tried
  EXPECT_THAT(r.err, HasSubstr("strata.connection_failed"));
}

TEST(Cli, AFileThatIsNotASnapshotIsAUsageError) {
  for (const std::string& text : {std::string(), std::string("name: app\nversion: 3\nowner: team\n")}) {
    const schema_file foreign("strata_foreign_schema.txt", text);
    const auto r = run({"schema", "--check", foreign.path.c_str()}, {{"DATABASE_URL", refused}});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("strata.usage: " + foreign.path + " is not a snapshot: `schema` writes one"));
    EXPECT_THAT(r.out, Not(HasSubstr("difference")));
  }
}

struct drops_column : strata::migration<"0003_drops", "0002_second"> {
  static constexpr strata::sql up{"-- strata:allow ban-drop-column: unused since release 3.2\nALTER TABLE a DROP COLUMN x"};
  static constexpr strata::sql down{"ALTER TABLE a ADD COLUMN x int"};
};
struct renames : strata::migration<"0004_renames", "0003_drops"> {
  static constexpr std::string_view allow = "renaming-table: readers moved to the view in 3.1";
  static constexpr strata::sql up{"ALTER TABLE b RENAME TO c"};
  static constexpr strata::sql down{"ALTER TABLE c RENAME TO b"};
};
using linted = strata::registry<first, second, drops_column, renames>;

TEST(Cli, LintListsEveryAllowanceWithItsReasonWithoutADatabase) {
  std::ostringstream out, err;
  const char* argv[] = {"svc", "lint"};
  strata::cli::io io{out, err, [](const char*) -> const char* { return nullptr; }};
  EXPECT_EQ(strata::cli::main<linted>(2, argv, io), 0);
  EXPECT_THAT(out.str(), HasSubstr("2 lint allowances:"));
  EXPECT_THAT(out.str(), HasSubstr("0003_drops (up): ban-drop-column: unused since release 3.2\n    on: ALTER TABLE a DROP COLUMN x"));
  EXPECT_THAT(out.str(), HasSubstr("0004_renames (whole migration): renaming-table: readers moved to the view in 3.1"));
}

// An adopted folder (its strata.conf lints only what follows 00003_drop_plan): `lint --all` lists
// the findings its policy exempts, each at its file, line and column, and does not fail.
TEST(Cli, LintAllListsEveryFindingOfAnAdoptedFolderAtItsLine) {
  std::ostringstream out, err;
  const char* argv[] = {"svc", "lint", "--all"};
  strata::cli::io io{out, err, [](const char*) -> const char* { return nullptr; }};
  EXPECT_EQ(strata::cli::main<fmt_adopted>(3, argv, io), 0) << err.str();
  const std::string dir(strata::migration_source<fmt_adopted>::directory);
  EXPECT_THAT(out.str(), HasSubstr("3 lint findings in 5 revisions"));
  EXPECT_THAT(out.str(), HasSubstr(dir + "/00002_email_index.sql:3:1: warning: require-concurrent-index-creation: "
                                         "CREATE INDEX users_email ON users (email); CREATE INDEX CONCURRENTLY in a file run "
                                         "outside a transaction (`-- +goose NO TRANSACTION`)\n"));
  EXPECT_THAT(out.str(), HasSubstr(dir + "/00002_email_index.sql:4:1: warning: adding-required-field: "));
  EXPECT_THAT(out.str(), HasSubstr(dir + "/00003_drop_plan.sql:2:1: warning: ban-drop-column: ALTER TABLE users DROP COLUMN plan; "));
  EXPECT_THAT(out.str(), Not(HasSubstr("00004_note")));
}

// A widening the earlier file's declarations show needs no rewrite is no finding for `lint --all`
// either (tests/formats/widening: its down, which narrows back, allows the rule with a reason).
TEST(Cli, LintAllListsNoWideningThatNeedsNoRewrite) {
  std::ostringstream out, err;
  const char* argv[] = {"svc", "lint", "--all"};
  strata::cli::io io{out, err, [](const char*) -> const char* { return nullptr; }};
  EXPECT_EQ(strata::cli::main<fmt_widening>(3, argv, io), 0) << err.str();
  EXPECT_EQ(out.str(), "0 lint findings in 2 revisions\n");
}

TEST(Cli, LintAllOfACppRegistryNamesRevisionsAndLeavesOutWhatTheyAllow) {
  std::ostringstream out, err;
  const char* argv[] = {"svc", "lint", "--all"};
  strata::cli::io io{out, err, [](const char*) -> const char* { return nullptr; }};
  EXPECT_EQ(strata::cli::main<linted>(3, argv, io), 0) << err.str();
  EXPECT_EQ(out.str(), "0 lint findings in 4 revisions\n");
}

}  // namespace

namespace {

// `fleet`: what it refuses before connecting, and what it says of unreachable targets.
TEST(CliFleet, UsageErrorsBeforeConnecting) {
  EXPECT_EQ(run({"fleet"}).code, 2);
  EXPECT_THAT(run({"fleet"}).err, HasSubstr("fleet needs an action"));
  EXPECT_EQ(run({"fleet", "migrate", "--schemas", "SELECT 1"}).code, 2);
  EXPECT_THAT(run({"fleet", "upgrade"}).err, HasSubstr("--databases FILE or --schemas QUERY"));
  EXPECT_EQ(run({"fleet", "upgrade", "--databases", "a", "--schemas", "SELECT 1"}).code, 2);
  EXPECT_EQ(run({"fleet", "upgrade", "--schemas", "SELECT 1", "--jobs", "0"}).code, 2);
  EXPECT_THAT(run({"fleet", "upgrade", "--schemas", "SELECT 1", "--jobs", "0"}).err, HasSubstr("--jobs"));
  EXPECT_THAT(run({"fleet", "check", "--databases", "/nonexistent/urls"}).err, HasSubstr("cannot read"));
  EXPECT_EQ(run({"fleet", "upgrade", "--schemas", "SELECT 1", "--sql"}).code, 2);
  const auto no_url = run({"fleet", "check", "--schemas", "SELECT 1"});
  EXPECT_EQ(no_url.code, 2);
  EXPECT_THAT(no_url.err, HasSubstr("DATABASE_URL"));
}

TEST(CliFleet, UnreachableDatabasesFailOneByOneWithTheirPasswordsMasked) {
  char name[] = "/tmp/strata-cli-fleet-XXXXXX";
  ::close(mkstemp(name));
  {
    std::ofstream file(name);
    file << "# two shards, both unreachable\n" << refused << "\n\n" << "postgresql://app:s3cr3t-two@127.0.0.1:1/two\n";
  }
  const auto r = run({"fleet", "upgrade", "--databases", name, "--json"});
  std::remove(name);
  EXPECT_EQ(r.code, 1);
  std::istringstream lines(r.out);
  std::vector<nlohmann::json> targets;
  for (std::string line; std::getline(lines, line);) targets.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(targets.size(), 2u);
  for (const auto& t : targets) {
    EXPECT_EQ(t["outcome"], "failed");
    EXPECT_EQ(t["error"]["code"], "strata.connection_failed");
  }
  EXPECT_THAT(targets[1]["target"].get<std::string>(), HasSubstr("/two"));
  for (const char* secret : {"hunter2", "s3cr3t-two"}) EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)));
}

}  // namespace
