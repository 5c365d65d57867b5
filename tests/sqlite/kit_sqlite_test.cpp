// The testing kit on SQLite registries: STRATA_MIGRATION_TESTS on the notes example's folder
// (passes), and on registries with a defect each (check_kit.py checks that exactly those fail, with
// the words of the defect). A temporary file per case; no server.
#include <gtest/gtest.h>

#include <filesystem>

#include <notes_migrations.hpp>
#include <strata/testing.hpp>

namespace index_left_behind {
struct notes : strata::migration<"0001_notes"> {
  static constexpr strata::sql up{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE notes"};
};
struct by_body : strata::migration<"0002_by_body", "0001_notes"> {
  static constexpr strata::sql up{"CREATE INDEX notes_by_body ON notes (body)"};
  static constexpr strata::sql down{"SELECT 1"};  // forgets the index
};
using migrations = strata::registry<strata::sqlite::dialect, notes, by_body>;
}  // namespace index_left_behind

namespace contraction_before_deploy {
struct notes : strata::migration<"0001_notes"> {
  static constexpr strata::sql up{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, legacy TEXT)"};
  static constexpr strata::sql down{"DROP TABLE notes"};
};
struct drop_legacy : strata::migration<"0002_drop_legacy", "0001_notes"> {
  static constexpr strata::sql up{"-- strata:allow ban-drop-column: the kit is the one to catch it here\n"
                                  "ALTER TABLE notes DROP COLUMN legacy"};
  static constexpr strata::sql down{"ALTER TABLE notes ADD COLUMN legacy TEXT"};
};
using migrations = strata::registry<strata::sqlite::dialect, notes, drop_legacy>;
}  // namespace contraction_before_deploy

namespace rebuild_changes_type {
struct notes : strata::migration<"0001_notes"> {
  static constexpr strata::sql up{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE notes"};
};
struct checked : strata::migration<"0002_checked", "0001_notes"> {
  static constexpr strata::sql up{"CREATE TABLE notes_new (id INTEGER PRIMARY KEY, body TEXT NOT NULL CHECK (body <> ''));\n"
                                  "INSERT INTO notes_new SELECT id, body FROM notes;\nDROP TABLE notes;\n"
                                  "ALTER TABLE notes_new RENAME TO notes"};
  static constexpr strata::sql down{"CREATE TABLE notes_old (id INTEGER PRIMARY KEY, body BLOB);\n"  // not what it was
                                    "INSERT INTO notes_old SELECT id, body FROM notes;\nDROP TABLE notes;\n"
                                    "ALTER TABLE notes_old RENAME TO notes"};
};
using migrations = strata::registry<strata::sqlite::dialect, notes, checked>;
}  // namespace rebuild_changes_type

STRATA_MIGRATION_TESTS(notes_migrations);
STRATA_MIGRATION_TESTS(index_left_behind::migrations);
STRATA_MIGRATION_TESTS(contraction_before_deploy::migrations);
STRATA_MIGRATION_TESTS(rebuild_changes_type::migrations);

TEST(SqliteKit, ADatabaseIsAFreshFileRemovedAfterwards) {
  std::string path;
  {
    strata::testing::sqlite_database db;
    path = db.path();
    db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (7)");
    EXPECT_EQ(db.value("SELECT x FROM t"), "7");
    EXPECT_TRUE(strata::testing::schema_of(db.url()).objects().contains("table t"));
    db.recreate();
    EXPECT_EQ(db.value("SELECT count(*) FROM sqlite_schema"), "0");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}
