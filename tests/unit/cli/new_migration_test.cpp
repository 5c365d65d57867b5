// `new NAME` on registries generated from copies of the format corpora (in the build folder): the
// next file in the folder's format and numbering, the head as its parent; nothing overwritten.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include <strata/cli/new_migration.hpp>
#include <strata/exec/baseline.hpp>

#include <new_dbmate.hpp>
#include <new_flyway.hpp>
#include <new_flyway_underscored.hpp>
#include <new_golang_migrate.hpp>
#include <new_goose.hpp>
#include <new_sqlx_single.hpp>
#include <new_strata.hpp>

// A registry whose folder was moved away after the build.
struct moved_root : strata::migration<"0001_root"> {
  static constexpr strata::sql up{"CREATE TABLE t (x int)"};
  static constexpr strata::sql down{"DROP TABLE t"};
};
using moved_folder = strata::registry<moved_root>;
template <>
struct strata::migration_source<moved_folder> {
  static constexpr std::string_view directory = "/nonexistent/strata/moved_migrations";
  static constexpr std::string_view format = "goose";
  static constexpr std::array<strata::source_file, 1> files{{{"0001_root", "0001", "0001_root.sql"}}};
};

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using strata::cli::detail::new_migration;

// 2026-12-01 10:00:00 UTC
const auto december = std::chrono::system_clock::from_time_t(1796119200);

// Creates the next migration, returns {printed, {file name -> text}}, and removes the files again.
template <class R>
std::pair<std::string, std::map<std::string, std::string>> created(std::string_view name,
                                                                   std::chrono::system_clock::time_point now) {
  const fs::path dir(strata::migration_source<R>::directory);
  std::set<std::string> before;
  for (const auto& e : fs::directory_iterator(dir)) before.insert(e.path().filename().string());
  const std::string printed = new_migration<R>(name, now);
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (!before.count(e.path().filename().string())) {
      std::ifstream in(e.path());
      std::ostringstream text;
      text << in.rdbuf();
      files[e.path().filename().string()] = text.str();
    }
  for (const auto& [file, _] : files) fs::remove(dir / file);
  return {printed, files};
}

TEST(NewMigration, GooseNextNumberPadded) {
  const auto [printed, files] = created<new_goose>("add_notes", december);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "00007_add_notes.sql");
  EXPECT_EQ(files.begin()->second, "-- +goose Up\n\n-- +goose Down\n");
  EXPECT_THAT(printed, HasSubstr("00007_add_notes.sql\n"));
}

TEST(NewMigration, DbmateTimestampOrOneAfterTheLast) {
  auto [printed, files] = created<new_dbmate>("add_notes", december);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "20261201100000_add_notes.sql");
  EXPECT_EQ(files.begin()->second, "-- migrate:up\n\n-- migrate:down\n");
  // a clock behind the folder's last version: one after it
  std::tie(printed, files) = created<new_dbmate>("add_notes", std::chrono::system_clock::from_time_t(0));
  EXPECT_EQ(files.begin()->first, "20240101120007_add_notes.sql");
}

TEST(NewMigration, GolangMigratePair) {
  const auto [printed, files] = created<new_golang_migrate>("add_notes", december);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files.count("000007_add_notes.up.sql"));
  EXPECT_TRUE(files.count("000007_add_notes.down.sql"));
}

TEST(NewMigration, FlywayNextVersionInTheFoldersScheme) {
  const auto [printed, files] = created<new_flyway_underscored>("add_notes", december);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "V1_28__add_notes.sql");
  EXPECT_THAT(printed, HasSubstr("U1_28__add_notes.sql"));
}

TEST(NewMigration, SqlxSingleFilesWhereTheFolderHasThem) {
  const auto [printed, files] = created<new_sqlx_single>("add_notes", december);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "20261201100000_add_notes.sql");
}

TEST(NewMigration, FlywayNextMajorVersion) {
  const auto [printed, files] = created<new_flyway>("add_notes", december);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "V12__add_notes.sql");
  EXPECT_THAT(printed, HasSubstr("U12__add_notes.sql"));
}

TEST(NewMigration, StrataNamesTheHeadAsParent) {
  const auto [printed, files] = created<new_strata>("add_notes", december);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "0008_add_notes.sql");
  EXPECT_EQ(files.begin()->second,
            "-- strata:description add notes\n-- strata:parents 0007_merge\n-- strata:up\n\n-- strata:down\n");
}

TEST(NewMigration, AMissingFolderIsNamedWithWhatToDo) {
  try {
    (void)new_migration<moved_folder>("add_notes", december);
    ADD_FAILURE() << "a migration was written into a folder that does not exist";
  } catch (const strata::target_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the registry's folder /nonexistent/strata/moved_migrations does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("run `new` from a build of the sources that hold it, or create it again"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("cannot write")));
  }
}

TEST(NewMigration, NeverOverwritesAndRefusesABadName) {
  const fs::path dir(strata::migration_source<new_goose>::directory);
  std::ofstream(dir / "00007_add_notes.sql") << "-- mine\n";
  try {
    (void)new_migration<new_goose>("add_notes", december);
    ADD_FAILURE() << "an existing file was overwritten";
  } catch (const strata::target_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("exists already"));
  }
  std::ifstream in(dir / "00007_add_notes.sql");
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "-- mine");
  fs::remove(dir / "00007_add_notes.sql");
  EXPECT_THROW((void)new_migration<new_goose>("../escape", december), strata::target_error);
}

TEST(FolderFormats, OneRowEachAndTheOtherToolsAreWhatBaselineReads) {
  // (names unique and rows filled: a static_assert in dsl/formats.hpp)
  for (const strata::folder_format& f : strata::folder_formats) {
    EXPECT_EQ(strata::folder_format_named(f.name), &f);
    EXPECT_EQ(strata::baseline_reads(f.name), !f.history_table.empty()) << f.name;
  }
  EXPECT_EQ(strata::folder_format_named("liquibase"), nullptr);
  EXPECT_FALSE(strata::baseline_reads("strata"));  // strata's own history is no other tool's
  EXPECT_EQ(strata::folder_format_names(true, " or "), "golang-migrate, goose, dbmate, flyway or sqlx");
  EXPECT_EQ(strata::folder_format_names(), "strata, golang-migrate, goose, dbmate, flyway, sqlx");
}

}  // namespace
