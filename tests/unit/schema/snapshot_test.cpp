// The schema snapshot's text, parsing and differences, without a database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include <strata/schema/snapshot.hpp>

namespace {

using strata::schema_snapshot;
using ::testing::HasSubstr;

schema_snapshot snapshot(schema_snapshot::objects_type objects) { return schema_snapshot(std::move(objects)); }

schema_snapshot sample() {
  return snapshot({{"column users.email", "text not null"},
                          {"type order_status", "enum ('new', 'paid')"},
                          {"function f(integer)", "CREATE OR REPLACE FUNCTION public.f(integer)\n AS $$ a\\b $$"},
                          {"column \"odd: name\".x", "integer"},
                          {"schema billing", ""}});
}

TEST(SchemaSnapshot, TextIsOneSortedLinePerObjectAndParsesBack) {
  const schema_snapshot s = sample();
  const std::string text = s.text();
  EXPECT_THAT(text, HasSubstr("column users.email: text not null\n"));
  EXPECT_THAT(text, HasSubstr("function f(integer): CREATE OR REPLACE FUNCTION public.f(integer)\\n AS $$ a\\\\b $$\n"));
  EXPECT_LT(text.find("column \"odd: name\".x"), text.find("column users.email"));
  EXPECT_LT(text.find("column users.email"), text.find("function f("));
  EXPECT_EQ(schema_snapshot::parse(text), s);
}

TEST(SchemaSnapshot, ParsingToleratesCarriageReturnsAndCommentsAndNamesABadLine) {
  EXPECT_EQ(schema_snapshot::parse("-- a comment\r\n\r\ncolumn users.email: text not null\r\n"),
            snapshot({{"column users.email", "text not null"}}));
  try {
    (void)schema_snapshot::parse("column users.email: text\nthis line has no separator\n");
    FAIL() << "a line without ': ' parsed";
  } catch (const strata::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("line 2"));
  }
}

TEST(SchemaSnapshot, NoLineEndsInABlankSoAnEditorStrippingThemChangesNothing) {
  const schema_snapshot s = snapshot({{"table accounts", ""},
                                      {"column accounts.pad", "character(3) default 'a '::bpchar "},
                                      {"function f()", "SELECT 1\t"},
                                      {"column accounts.note", "text default '\\ '::text"}});
  const std::string text = s.text();
  EXPECT_THAT(text, HasSubstr("\ntable accounts:\n"));
  std::string stripped;  // what an editor saves: every line without its trailing blanks
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(line.ends_with(' ') || line.ends_with('\t')) << "'" << line << "'";
    stripped += line.substr(0, line.find_last_not_of(" \t") + 1) + "\n";
  }
  EXPECT_EQ(stripped, text);
  EXPECT_EQ(schema_snapshot::parse(text), s);
}

TEST(SchemaSnapshot, AnEmptyDefinitionReadsWithOrWithoutTheBlankAfterTheColon) {
  const schema_snapshot expected = snapshot({{"table accounts", ""}, {"schema billing", ""}});
  EXPECT_EQ(schema_snapshot::parse("table accounts: \nschema billing: \n"), expected);  // as written before
  EXPECT_EQ(schema_snapshot::parse("table accounts:\nschema billing:\n"), expected);
}

TEST(SchemaSnapshot, OnlyTextStartingWithTheHeaderIsASnapshot) {
  EXPECT_TRUE(schema_snapshot::is_snapshot_text(sample().text()));
  EXPECT_TRUE(schema_snapshot::is_snapshot_text(schema_snapshot().text()));  // an empty schema
  EXPECT_TRUE(schema_snapshot::is_snapshot_text("\xEF\xBB\xBF\r\n" + sample().text()));
  EXPECT_FALSE(schema_snapshot::is_snapshot_text(""));
  EXPECT_FALSE(schema_snapshot::is_snapshot_text("\n  \n"));
  EXPECT_FALSE(schema_snapshot::is_snapshot_text("name: app\nversion: 3\n"));
  EXPECT_FALSE(schema_snapshot::is_snapshot_text("-- a comment\ncolumn users.email: text\n"));
}

TEST(SchemaSnapshot, DifferencesAreNamedInWords) {
  const schema_snapshot before = snapshot({{"column users.email", "text"}, {"index users_email_idx", "CREATE INDEX ..."}});
  const schema_snapshot after = snapshot({{"column users.email", "character varying(200)"}, {"type order_status", "enum ('a')"}});
  const auto changes = strata::changes_between(before, after);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(strata::describe(changes[0]), "column users.email: text before, character varying(200) after");
  EXPECT_EQ(strata::describe(changes[1]), "index users_email_idx is missing");
  EXPECT_EQ(strata::describe(changes[2]), "type order_status is still there");
  EXPECT_EQ(strata::describe_changes(before, after, "after 0007 down: "),
            "after 0007 down: column users.email: text before, character varying(200) after\n"
            "after 0007 down: index users_email_idx is missing\n"
            "after 0007 down: type order_status is still there\n");
  EXPECT_EQ(strata::describe_changes(before, before), "");
  EXPECT_TRUE(before != after);
}

TEST(SchemaSnapshot, WordingIsTheCallers) {
  const schema_snapshot file = snapshot({{"index a", "x"}});
  const schema_snapshot live = snapshot({{"column t.c", "integer"}});
  const strata::change_wording w{"in the file", "live", "is not in the file", "is missing from the database"};
  EXPECT_EQ(strata::describe_changes(file, live, "", w),
            "column t.c is not in the file\nindex a is missing from the database\n");
}

}  // namespace
