// baseline --from: other tools' history tables, laid out as each tool creates them on PostgreSQL,
// read into strata's history; a dirty or failed state refused with nothing changed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <strata/exec/baseline.hpp>
#include <strata/pq.hpp>

#include <fmt_dbmate.hpp>
#include <fmt_flyway.hpp>
#include <fmt_golang_migrate.hpp>
#include <fmt_goose.hpp>
#include <fmt_sqlx.hpp>

#include "../support/process.hpp"
#include "pg_support.hpp"

namespace {

using namespace strata::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The tables as the tools create them (golang-migrate's postgres driver, goose's postgres dialect,
// dbmate's postgres driver, Flyway's PostgreSQL createMetaDataTable, sqlx's postgres migrator).
constexpr const char* golang_migrate_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)";
constexpr const char* goose_table =
    "CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, "
    "tstamp timestamp NULL default now(), PRIMARY KEY(id)); "
    "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)";
constexpr const char* dbmate_table = "create table if not exists schema_migrations (version varchar(128) primary key)";
constexpr const char* flyway_table =
    "CREATE TABLE \"public\".\"flyway_schema_history\" (\"installed_rank\" INT NOT NULL, \"version\" VARCHAR(50), "
    "\"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL, \"script\" VARCHAR(1000) NOT NULL, "
    "\"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT NULL, \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(), "
    "\"execution_time\" INTEGER NOT NULL, \"success\" BOOLEAN NOT NULL); "
    "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\"); "
    "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"public\".\"flyway_schema_history\" (\"success\")";
constexpr const char* sqlx_table =
    "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
    "installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, "
    "execution_time BIGINT NOT NULL)";

std::string flyway_row(int rank, const char* version, const char* type, bool success) {
  return "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
         "installed_by, execution_time, success) VALUES (" +
         std::to_string(rank) + ", '" + version + "', 'd', '" + type + "', 's.sql', 1, 'u', 1, " +
         (success ? "true" : "false") + ")";
}

template <class R>
std::vector<std::string> history(const scratch_database& db) {
  strata::pq::connection conn(db.url());
  std::vector<std::string> out;
  for (const auto& e : strata::status<R>(conn).applied) out.push_back(e.revision);
  return out;
}

template <class R>
std::string refusal(const scratch_database& db, const char* tool) {
  strata::pq::connection conn(db.url());
  try {
    strata::baseline<R>(conn, tool);
  } catch (const strata::validation_error& e) {
    return e.what();
  }
  return "(not refused)";
}

TEST(PgBaseline, GolangMigrateVersionReached) {
  scratch_database db("bl_gm");
  db.run(golang_migrate_table);
  db.run("INSERT INTO schema_migrations (version, dirty) VALUES (4, false)");
  strata::pq::connection conn(db.url());
  const strata::report r = strata::baseline<fmt_golang_migrate>(conn, "golang-migrate");
  EXPECT_EQ(r.action, "baseline");
  EXPECT_THAT(r.stamped, ElementsAre("000001_create_users", "000002_create_orders", "000003_order_total",
                                     "000004_orders_by_status"));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM strata_log WHERE action = 'baseline'"), "4");
  EXPECT_EQ(db.scalar("SELECT version || ' ' || dirty FROM schema_migrations"), "4 false");  // left as it was
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'users'"), 0);              // nothing ran
  // the next upgrade has what golang-migrate had not
  EXPECT_THAT(strata::status<fmt_golang_migrate>(conn).pending,
              ElementsAre("000005_paid_orders", "000006_users_display_name"));
}

TEST(PgBaseline, GolangMigrateDirtyIsRefusedNamingTheVersion) {
  scratch_database db("bl_gm_dirty");
  db.run(golang_migrate_table);
  db.run("INSERT INTO schema_migrations (version, dirty) VALUES (3, true)");
  EXPECT_THAT(refusal<fmt_golang_migrate>(db, "golang-migrate"), HasSubstr("golang-migrate left version 3 dirty"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'strata_history'"), 0)
      << "a refused baseline creates nothing";
}

TEST(PgBaseline, GooseAppliedAndRolledBackRows) {
  scratch_database db("bl_goose");
  db.run(goose_table);
  db.run("INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true), (2, true), (3, true), (3, false)");
  strata::pq::connection conn(db.url());
  EXPECT_THAT(strata::baseline<fmt_goose>(conn, "goose").stamped,
              ElementsAre("00001_create_users", "00002_create_orders"));
  EXPECT_THAT(history<fmt_goose>(db), ElementsAre("00001_create_users", "00002_create_orders"));
}

TEST(PgBaseline, GooseWithAHoleIsRefusedNamingTheMissingRevision) {
  scratch_database db("bl_goose_hole");
  db.run(goose_table);
  db.run("INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true), (3, true)");
  EXPECT_THAT(refusal<fmt_goose>(db, "goose"), HasSubstr("not 00002_create_orders, one of its ancestors"));
}

TEST(PgBaseline, DbmateVersions) {
  scratch_database db("bl_dbmate");
  db.run(dbmate_table);
  db.run("INSERT INTO schema_migrations (version) VALUES ('20240101120001'), ('20240101120002'), ('20240101120003')");
  strata::pq::connection conn(db.url());
  EXPECT_EQ(strata::baseline<fmt_dbmate>(conn, "dbmate").stamped.size(), 3u);
  EXPECT_EQ(strata::status<fmt_dbmate>(conn).pending.size(), 3u);
}

TEST(PgBaseline, DbmateVersionUnknownToTheBuildIsRefused) {
  scratch_database db("bl_dbmate_unknown");
  db.run(dbmate_table);
  db.run("INSERT INTO schema_migrations (version) VALUES ('20240101120001'), ('20991231000000')");
  EXPECT_THAT(refusal<fmt_dbmate>(db, "dbmate"),
              HasSubstr("dbmate applied version 20991231000000, which this build's registry does not have"));
}

TEST(PgBaseline, FlywayBaselineUndoAndDottedVersions) {
  scratch_database db("bl_flyway");
  db.run(flyway_table);
  db.run(flyway_row(1, "2", "BASELINE", true));      // 1 and 2 count as applied
  db.run(flyway_row(2, "2.1", "SQL", true));
  db.run(flyway_row(3, "3", "SQL", true));
  db.run(flyway_row(4, "3", "UNDO_SQL", true));      // 3 undone
  strata::pq::connection conn(db.url());
  EXPECT_THAT(strata::baseline<fmt_flyway>(conn, "flyway").stamped,
              ElementsAre("V1__Create_users", "V2__Create_orders", "V2.1__Order_total"));
}

// A version Flyway applied whose file the folder no longer has (Flyway was told to ignore it:
// ignoreMigrationPatterns = *:missing): refused, naming it; passed over with a warning when asked.
TEST(PgBaseline, FlywayVersionWhoseFileIsGoneIsRefusedOrPassedOverWhenAsked) {
  scratch_database db("bl_flyway_missing");
  db.run(flyway_table);
  db.run(flyway_row(1, "1", "SQL", true));
  db.run(flyway_row(2, "1.5", "SQL", true));  // its file deleted since
  db.run(flyway_row(3, "2", "SQL", true));
  EXPECT_THAT(refusal<fmt_flyway>(db, "flyway"),
              HasSubstr("flyway applied version 1.5, which this build's registry does not have"));
  EXPECT_EQ(db.count("SELECT 1 FROM pg_tables WHERE tablename = 'strata_history'"), 0);
  strata::pq::connection conn(db.url());
  std::vector<std::string> logged;
  const strata::options o{.log = [&](strata::log_level l, std::string_view m) {
    if (l == strata::log_level::warning) logged.emplace_back(m);
  }};
  const strata::report r = strata::baseline<fmt_flyway>(conn, "flyway", o, {}, strata::missing_versions::ignored);
  EXPECT_THAT(r.stamped, ElementsAre("V1__Create_users", "V2__Create_orders"));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("version 1.5"));
  EXPECT_THAT(logged, ElementsAre(HasSubstr("flyway applied version 1.5, which this build does not have: passed over")));
}

TEST(PgBaseline, FlywayFailedMigrationIsRefused) {
  scratch_database db("bl_flyway_failed");
  db.run(flyway_table);
  db.run(flyway_row(1, "1", "SQL", true));
  db.run(flyway_row(2, "2", "SQL", false));
  EXPECT_THAT(refusal<fmt_flyway>(db, "flyway"), HasSubstr("flyway recorded version 2 as failed"));
}

TEST(PgBaseline, SqlxSuccessAndFailure) {
  scratch_database db("bl_sqlx");
  db.run(sqlx_table);
  db.run("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES "
         "(20240101120001, 'create users', true, '\\x00', 1), (20240101120002, 'create orders', true, '\\x00', 1)");
  strata::pq::connection conn(db.url());
  EXPECT_EQ(strata::baseline<fmt_sqlx>(conn, "sqlx").stamped.size(), 2u);

  scratch_database failed("bl_sqlx_failed");
  failed.run(sqlx_table);
  failed.run("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES "
             "(20240101120001, 'create users', false, '\\x00', 1)");
  EXPECT_THAT(refusal<fmt_sqlx>(failed, "sqlx"), HasSubstr("sqlx recorded version 20240101120001 as failed"));
}

TEST(PgBaseline, MissingTableOtherLayoutAndAnExistingStrataHistoryAreRefused) {
  scratch_database db("bl_refused");
  EXPECT_THAT(refusal<fmt_goose>(db, "goose"), HasSubstr("goose's table goose_db_version is not in this database"));
  db.run(dbmate_table);  // dbmate's schema_migrations has no `dirty`
  db.run("INSERT INTO schema_migrations (version) VALUES ('1')");
  EXPECT_THAT(refusal<fmt_golang_migrate>(db, "golang-migrate"),
              HasSubstr("schema_migrations is not laid out as golang-migrate makes it"));

  scratch_database migrated("bl_twice");
  migrated.run(goose_table);
  migrated.run("INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true)");
  strata::pq::connection conn(migrated.url());
  strata::baseline<fmt_goose>(conn, "goose");
  EXPECT_THAT(refusal<fmt_goose>(migrated, "goose"), HasSubstr("strata's history already records 1 revision"));
}

// Teams rename the other tool's table (golang-migrate's -x-migrations-table, a schema of its own):
// --table names it; each part is quoted as an identifier, never spliced in as SQL.
TEST(PgBaseline, ARenamedTableIsNamedWithTable) {
  scratch_database db("bl_table");
  db.run("CREATE SCHEMA legacy; CREATE TABLE legacy.\"schema_OM\" (version bigint not null primary key, dirty boolean not null); "
         "INSERT INTO legacy.\"schema_OM\" (version, dirty) VALUES (2, false)");
  const auto r = run_process(STRATA_FORMATS_CLI, {"golang-migrate", "baseline", "--from", "golang-migrate", "--table", "legacy.schema_OM"},
                             {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("strata baseline: 2 stamped"));
  EXPECT_EQ(db.scalar("SELECT string_agg(revision, ',' ORDER BY revision) FROM strata_history"),
            "000001_create_users,000002_create_orders");

  scratch_database other("bl_table_missing");
  const auto missing = run_process(STRATA_FORMATS_CLI,
                                   {"golang-migrate", "baseline", "--from", "golang-migrate", "--table", "x; DROP TABLE y"},
                                   {{"DATABASE_URL", other.url()}});
  EXPECT_EQ(missing.code, 5) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("golang-migrate's table \"x; DROP TABLE y\" is not in this database"));
}

TEST(PgBaseline, TheCommandLine) {
  scratch_database db("bl_cli");
  db.run(goose_table);
  db.run("INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true), (2, true)");
  const auto r = run_process(STRATA_FORMATS_CLI, {"goose", "baseline", "--from", "goose"}, {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("strata baseline: 2 stamped"));
  const auto again = run_process(STRATA_FORMATS_CLI, {"goose", "baseline", "--from", "goose"}, {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(again.code, 5);
  const auto wrong = run_process(STRATA_FORMATS_CLI, {"goose", "baseline", "--from", "liquibase"}, {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(wrong.code, 2);
  EXPECT_THAT(wrong.err, HasSubstr("baseline --from takes golang-migrate, goose, dbmate, flyway or sqlx"));
}

TEST(PgBaseline, TheCommandLinePassesOverAMissingVersionWhenAsked) {
  scratch_database db("bl_cli_missing");
  db.run(flyway_table);
  db.run(flyway_row(1, "1", "SQL", true));
  db.run(flyway_row(2, "1.5", "SQL", true));
  const auto refused = run_process(STRATA_FORMATS_CLI, {"flyway", "baseline", "--from", "flyway"}, {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(refused.code, 5);
  EXPECT_THAT(refused.err, HasSubstr("--ignore-missing"));
  const auto r = run_process(STRATA_FORMATS_CLI, {"flyway", "baseline", "--from", "flyway", "--ignore-missing"},
                             {{"DATABASE_URL", db.url()}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 stamped"));
  EXPECT_THAT(r.out + r.err, HasSubstr("version 1.5"));
}

}  // namespace
