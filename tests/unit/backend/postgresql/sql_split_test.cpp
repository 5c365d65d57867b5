// The SQL splitter on hostile inputs: quotes, comments and dollar quoting hide ';'.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <strata/strata.hpp>

namespace {

struct split_result {
  std::vector<std::string> statements;
  strata::scan_error error;
};

split_result split(std::string_view text) {
  split_result r;
  r.error = strata::split_statements(text, [&](std::string_view s, std::size_t) { r.statements.emplace_back(s); }).error;
  return r;
}

using strings = std::vector<std::string>;

TEST(SqlSplit, SplitsOnSemicolonsAndTrims) {
  EXPECT_EQ(split("SELECT 1; SELECT 2 ;\n  SELECT 3").statements, (strings{"SELECT 1", "SELECT 2", "SELECT 3"}));
}

TEST(SqlSplit, DropsEmptyStatementsAndCommentOnlyStatements) {
  EXPECT_EQ(split(";;  ; -- nothing\n ; /* nor here */ ;SELECT 1;;").statements, (strings{"SELECT 1"}));
  EXPECT_TRUE(split("").statements.empty());
  EXPECT_TRUE(split("   \n\t").statements.empty());
}

TEST(SqlSplit, SemicolonInsideSingleQuotesWithDoubledQuote) {
  EXPECT_EQ(split("INSERT INTO t VALUES ('a;b', 'it''s; fine'); SELECT 2").statements,
            (strings{"INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT 2"}));
}

TEST(SqlSplit, EscapeStringWithBackslashQuote) {
  EXPECT_EQ(split(R"(SELECT E'a\';b'; SELECT e'\\'; SELECT 3)").statements,
            (strings{R"(SELECT E'a\';b')", R"(SELECT e'\\')", "SELECT 3"}));
}

// PostgreSQL continues a string across a line break ('a' <newline> 'b' is 'ab'), and an E''
// string stays one in its later parts: there \' is a quote inside, not the end.
TEST(SqlSplit, EscapeStringContinuedOnTheNextLine) {
  EXPECT_EQ(split("SELECT E'a'\n'\\';b'; SELECT 2").statements, (strings{"SELECT E'a'\n'\\';b'", "SELECT 2"}));
  EXPECT_EQ(split("SELECT E'a' -- note; here\n  '\\;b'; SELECT 2").statements,
            (strings{"SELECT E'a' -- note; here\n  '\\;b'", "SELECT 2"}));
  EXPECT_EQ(split("SELECT E'a'\r'\\';b'\f\n\n-- c\n'\\';'; SELECT 2").statements,  // a lone CR, \f, comment lines
            (strings{"SELECT E'a'\r'\\';b'\f\n\n-- c\n'\\';'", "SELECT 2"}));
  // no line break, or a block comment between: two strings, the second a standard one
  EXPECT_EQ(split("SELECT E'a' '\\'; SELECT 2").statements, (strings{"SELECT E'a' '\\'", "SELECT 2"}));
  EXPECT_EQ(split("SELECT E'a'\n/* c */'\\'; SELECT 2").statements, (strings{"SELECT E'a'\n/* c */'\\'", "SELECT 2"}));
  EXPECT_EQ(split("SELECT E'a'\n-- c").statements, (strings{"SELECT E'a'"}));
  EXPECT_EQ(split("SELECT E'a'\n'\\'").error, strata::scan_error::unterminated_single_quote);
}

// The lint reads such a string as one literal too: the words inside it are not read.
TEST(SqlSplit, ContinuedEscapeStringHidesItsWordsFromTheLint) {
  EXPECT_EQ(strata::postgresql::lint_rule_of("SELECT E'a'\n'\\'; DROP TABLE users; '"), strata::postgresql::lint_rule::none);
  EXPECT_EQ(strata::postgresql::lint_rule_of("ALTER TABLE users ADD COLUMN c text DEFAULT E'a'\n'\\', DROP COLUMN email'"),
            strata::postgresql::lint_rule::none);
  EXPECT_EQ(strata::postgresql::lint_rule_of("ALTER TABLE users ADD COLUMN c text DEFAULT E'a' '\\', DROP COLUMN email"),
            strata::postgresql::lint_rule::ban_drop_column);  // no line break: the second string ends at its second quote
}

// PostgreSQL's whitespace is space, \t, \n, \r and \f: a vertical tab is a character of its own,
// which psql sends as a statement (and the server refuses), and a lone CR ends a line comment.
TEST(SqlSplit, WhitespaceIsPostgresqlsOwn) {
  EXPECT_EQ(split("SELECT 1;\v;SELECT 2").statements, (strings{"SELECT 1", "\v", "SELECT 2"}));
  EXPECT_EQ(split("SELECT 1\v;\vSELECT 2").statements, (strings{"SELECT 1\v", "\vSELECT 2"}));
  EXPECT_EQ(split("\f SELECT 1 \f;\f\r;\r SELECT 2\r").statements, (strings{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(split("SELECT 1 -- c;\rSELECT 2; SELECT 3").statements, (strings{"SELECT 1 -- c;\rSELECT 2", "SELECT 3"}));
  EXPECT_EQ(strata::postgresql::lint_rule_of("DROP -- c\rTABLE users"), strata::postgresql::lint_rule::ban_drop_table);
  const auto index = strata::postgresql::index_created_by("CREATE INDEX -- c\r i ON t (x)");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->name, "i");
}

TEST(SqlSplit, BackslashInStandardStringIsNotAnEscape) {
  EXPECT_EQ(split(R"(SELECT 'a\'; SELECT 2)").statements, (strings{R"(SELECT 'a\')", "SELECT 2"}));
}

TEST(SqlSplit, IdentifierEndingInEIsNotAnEscapeString) {
  // "some'..." : the E belongs to the word, so the quote is a standard string (backslash literal)
  EXPECT_EQ(split(R"(SELECT some'x\'; SELECT 2)").statements, (strings{R"(SELECT some'x\')", "SELECT 2"}));
}

TEST(SqlSplit, QuotedIdentifiers) {
  EXPECT_EQ(split(R"(CREATE TABLE "a;b" ("c""d;" int); SELECT 1)").statements,
            (strings{R"(CREATE TABLE "a;b" ("c""d;" int))", "SELECT 1"}));
}

// psql tracks parentheses: a ';' inside them does not end a statement.
TEST(SqlSplit, SemicolonInsideParenthesesDoesNotSplit) {
  EXPECT_EQ(split("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1")
                .statements,
            (strings{"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 1"}));
  EXPECT_EQ(split("SELECT (1)); SELECT 2").statements, (strings{"SELECT (1))", "SELECT 2"}));  // a stray ')' is not a '('
}

// Dollar quotes as scan.l reads them.
TEST(SqlSplit, DollarQuoteRightAfterAnotherNumberOrParameter) {
  EXPECT_EQ(split("SELECT $$a$$$$b;c$$; SELECT 2").statements, (strings{"SELECT $$a$$$$b;c$$", "SELECT 2"}));
  EXPECT_EQ(split("SELECT 1$$a;b$$; SELECT 2").statements, (strings{"SELECT 1$$a;b$$", "SELECT 2"}));
  EXPECT_EQ(split("SELECT $1$$x;y$$; SELECT 2").statements, (strings{"SELECT $1$$x;y$$", "SELECT 2"}));
  EXPECT_EQ(split("SELECT a$$; SELECT 2").statements, (strings{"SELECT a$$", "SELECT 2"}));  // an identifier a$$
  EXPECT_EQ(split(R"(SELECT $$x$$E'\';'; SELECT 2)").statements, (strings{R"(SELECT $$x$$E'\';')", "SELECT 2"}));
}

// Leading and trailing comments belong to no statement; comments inside one stay.
TEST(SqlSplit, LineAndNestedBlockComments) {
  EXPECT_EQ(split("SELECT 1 -- a; b\n; /* x; /* nested; */ still; */ SELECT 2").statements,
            (strings{"SELECT 1", "SELECT 2"}));
}

TEST(SqlSplit, DollarQuoting) {
  const char* fn =
      "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;"
      "CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'a;$$;b' $body$ LANGUAGE sql; SELECT $1";
  EXPECT_EQ(split(fn).statements,
            (strings{"CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql",
                     "CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'a;$$;b' $body$ LANGUAGE sql", "SELECT $1"}));
}

TEST(SqlSplit, DollarInsideIdentifierIsNotAQuote) {
  EXPECT_EQ(split("SELECT a$b$c; SELECT 2").statements, (strings{"SELECT a$b$c", "SELECT 2"}));
}

TEST(SqlSplit, CrLfLineEndings) {
  EXPECT_EQ(split("SELECT 1;\r\nSELECT 2\r\n;\r\n").statements, (strings{"SELECT 1", "SELECT 2"}));
}

TEST(SqlSplit, UnterminatedConstructsAreErrors) {
  using strata::scan_error;
  EXPECT_EQ(split("SELECT 'abc").error, scan_error::unterminated_single_quote);
  EXPECT_EQ(split("SELECT E'abc\\'").error, scan_error::unterminated_single_quote);
  EXPECT_EQ(split("SELECT \"abc").error, scan_error::unterminated_double_quote);
  EXPECT_EQ(split("SELECT 1 /* a /* b */").error, scan_error::unterminated_block_comment);
  EXPECT_EQ(split("SELECT $x$ abc $y$").error, scan_error::unterminated_dollar_quote);
  EXPECT_EQ(split("SELECT 1 -- comment to the end").error, scan_error::none);
}

TEST(SqlSplit, OffsetsPointIntoTheText) {
  std::vector<std::size_t> offsets;
  const std::string_view text = "  SELECT 1;\n-- c\nSELECT 2";
  strata::split_statements(text, [&](std::string_view s, std::size_t at) {
    EXPECT_EQ(text.substr(at, s.size()), s);
    offsets.push_back(at);
  });
  EXPECT_EQ(offsets, (std::vector<std::size_t>{2, 17}));
  EXPECT_EQ(split("SELECT /* inner; */ 1 -- trailing\n").statements, (strings{"SELECT /* inner; */ 1"}));
}

TEST(SqlLint, StatementsRefusedInATransactionBlock) {
  for (const char* s : {"CREATE INDEX CONCURRENTLY i ON t (x)", "create unique index concurrently i on t(x)",
                        "DROP INDEX CONCURRENTLY i", "REINDEX INDEX CONCURRENTLY i", "REINDEX (VERBOSE) TABLE CONCURRENTLY t",
                        "VACUUM t", "vacuum", "CREATE DATABASE d", "DROP DATABASE d", "CREATE TABLESPACE s LOCATION '/x'",
                        "ALTER SYSTEM SET work_mem = '8MB'", "/* lead */ -- c\n CREATE   INDEX\n CONCURRENTLY i ON t (x)",
                        "REINDEX (CONCURRENTLY) INDEX i", "REINDEX (VERBOSE, CONCURRENTLY true) TABLE t", "REINDEX SCHEMA s",
                        "reindex database d", "REINDEX SYSTEM d", "ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
                        "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "ALTER DATABASE d SET TABLESPACE t",
                        "DISCARD ALL", "CLUSTER", "CLUSTER VERBOSE"})
    EXPECT_TRUE(strata::refused_in_transaction(s)) << s;
  for (const char* s : {"CREATE INDEX i ON t (x)", "CREATE TABLE concurrently (x int)", "DROP TABLE t", "REINDEX INDEX i",
                        "ALTER TABLE t ADD COLUMN x int", "SELECT 'VACUUM'", "COMMENT ON TABLE t IS 'CREATE DATABASE'",
                        "CREATE INDEX concurrently_idx ON t (c)", "CREATE INDEX CONCURRENTLY_2 ON t (c)",
                        "REINDEX (VERBOSE) INDEX i", "ALTER TABLE p DETACH PARTITION c", "ALTER DATABASE d SET work_mem = 1",
                        "DISCARD PLANS", "CLUSTER t USING i", "ALTER TABLE concurrently ADD x int"})
    EXPECT_FALSE(strata::refused_in_transaction(s)) << s;
}

TEST(SqlChecksum, BlindToLineEndingsOnly) {
  EXPECT_EQ(strata::sql_checksum("SELECT 1;\nSELECT 2\n", "x"), strata::sql_checksum("SELECT 1;\r\nSELECT 2\r\n", "x"));
  EXPECT_EQ(strata::sql_checksum("a\nb", ""), strata::sql_checksum("a\rb", ""));
  EXPECT_NE(strata::sql_checksum("SELECT 1", "x"), strata::sql_checksum("SELECT 2", "x"));
  EXPECT_NE(strata::sql_checksum("SELECT 1 ", "x"), strata::sql_checksum("SELECT 1", "x"));
  EXPECT_NE(strata::sql_checksum("ab", "c"), strata::sql_checksum("a", "bc"));  // up/down boundary counts
}

TEST(SqlChecksum, SameAtRunTimeAndCompileTime) {
  constexpr std::uint64_t at_compile_time = strata::sql_checksum("CREATE TABLE t (x int);\r\n", "DROP TABLE t");
  const std::string up = "CREATE TABLE t (x int);\r\n", down = "DROP TABLE t";
  EXPECT_EQ(strata::sql_checksum(up, down), at_compile_time);
}

}  // namespace

// How a statement outside a transaction is made safe to run again on a resume.
TEST(ResumeForm, EachStatementIsRunSoThatAResumeCanRepeatIt) {
  using strata::resume_kind;
  const auto kind = [](std::string_view s) { return strata::postgresql::resume_form_of(s).kind; };
  EXPECT_EQ(kind("CREATE TABLE t (x int)"), resume_kind::with_its_progress);
  EXPECT_EQ(kind("CREATE INDEX i ON t (x)"), resume_kind::with_its_progress);
  EXPECT_EQ(kind("DROP TABLE t"), resume_kind::with_its_progress);
  EXPECT_EQ(kind("ALTER TYPE mood ADD VALUE 'meh'"), resume_kind::with_its_progress);
  EXPECT_EQ(kind("CREATE TABLE IF NOT EXISTS t (x int)"), resume_kind::as_written);
  EXPECT_EQ(kind("INSERT INTO t VALUES (1)"), resume_kind::as_written);
  EXPECT_EQ(kind("CREATE INDEX CONCURRENTLY ON t (x)"), resume_kind::as_written);  // no name to look up
  EXPECT_EQ(kind("BEGIN"), resume_kind::opens_transaction);
  EXPECT_EQ(kind("start transaction"), resume_kind::opens_transaction);
  EXPECT_EQ(kind("COMMIT"), resume_kind::closes_transaction);
  EXPECT_EQ(kind("END"), resume_kind::closes_transaction);
  EXPECT_EQ(kind("ROLLBACK"), resume_kind::closes_transaction);
  EXPECT_EQ(kind("COMMIT PREPARED 'x'"), resume_kind::as_written);

  const auto built = strata::postgresql::resume_form_of("CREATE UNIQUE INDEX CONCURRENTLY \"Users_Idx\" ON app.users (x)");
  EXPECT_EQ(built.kind, resume_kind::unless_index_exists);
  EXPECT_EQ(built.index, "Users_Idx");  // as PostgreSQL stores it
  EXPECT_EQ(built.table, "app.users");
  const auto dropped = strata::postgresql::resume_form_of("DROP INDEX CONCURRENTLY app.\"Users_Idx\" CASCADE");
  EXPECT_EQ(dropped.kind, resume_kind::unless_index_gone);
  EXPECT_EQ(dropped.index, "app.\"Users_Idx\"");  // as written: to_regclass reads it as the DROP does
  EXPECT_EQ(strata::postgresql::resume_form_of("DROP INDEX CONCURRENTLY IF EXISTS i").kind, resume_kind::as_written);
}
