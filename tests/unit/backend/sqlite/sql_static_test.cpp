// SQLite's lexer and lint at compile time: building this file is the test.
#include <strata/backend/sqlite/dialect.hpp>
#include <strata/strata.hpp>

namespace sq = strata::sqlite;
using rule = sq::lint_rule;

// --- the cut ---------------------------------------------------------------------------------
static_assert(sq::statement_count("") == 0);
static_assert(sq::statement_count(" ; ;\n-- only a comment\n/* and a block */") == 0);
static_assert(sq::statement_count("SELECT 1; SELECT 2") == 2);
static_assert(sq::statement_count("SELECT 1;") == 1);
// quotes of every kind hide a ';': '...' with '', "...", `...` and [...]
static_assert(sq::statement_count("SELECT 'a;b''c;'; SELECT \"x;\"\"y\", `p;q`, [r;s] FROM t") == 2);
// no backslash escapes: the string ends at the second quote
static_assert(sq::statement_count("SELECT 'a\\'; SELECT 2") == 2);
// no dollar quotes: $1 and $x are parameters, and a ';' after $$ ends the statement
static_assert(sq::statement_count("SELECT $1, $x; SELECT $$; SELECT 3") == 3);
// comments hide a ';', and block comments do not nest
static_assert(sq::statement_count("SELECT 1 -- ; not a cut\n; SELECT /* ; /* ; */ 2") == 2);
// a trigger's body keeps its ';'s, a CASE ... END inside it too; TEMP triggers as well
static_assert(sq::statement_count("CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN 1 THEN 2 ELSE 3 END; "
                                  "DELETE FROM c; END; SELECT 1") == 2);
static_assert(sq::statement_count("CREATE TEMP TRIGGER t BEFORE DELETE ON a BEGIN SELECT 1; SELECT 2; END; SELECT 3") == 2);
static_assert(sq::statement_count("create temporary trigger t after update on a begin select case 1 when 1 then 2 end; end") == 1);
// a column named end inside a trigger's body does not end it (new.end, or end followed by more)
static_assert(sq::statement_count("CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO l (s, e) VALUES (new.start, new.end); "
                                  "UPDATE l SET end = 1 WHERE end IS NULL; END; SELECT 1") == 2);
static_assert(sq::statement_count("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END /* done */ ; SELECT 2") == 2);
// a table named begin, or an END outside a trigger, is nothing special
static_assert(sq::statement_count("CREATE TABLE [begin] (x); SELECT 1; END; SELECT 2") == 4);

// --- unterminated text -------------------------------------------------------------------------
constexpr strata::scan_error error_of(std::string_view text) {
  std::uint64_t ignored = 1;
  return sq::detail::scan_sql(text, ignored, [](strata::statement_span) {}).error;
}
static_assert(error_of("SELECT 'open") == strata::scan_error::unterminated_single_quote);
static_assert(error_of("SELECT \"open") == strata::scan_error::unterminated_double_quote);
static_assert(error_of("SELECT [open") == strata::scan_error::unterminated_double_quote);
static_assert(error_of("SELECT 1 /* open") == strata::scan_error::unterminated_block_comment);
static_assert(error_of("SELECT 'closed', [closed], `closed` /* closed */") == strata::scan_error::none);

// --- the checksum: CR LF reads as LF; up and down are told apart --------------------------------
static_assert(sq::sql_checksum("SELECT 1;\r\nSELECT 2", "") == sq::sql_checksum("SELECT 1;\nSELECT 2", ""));
static_assert(sq::sql_checksum("SELECT 1", "") != sq::sql_checksum("", "SELECT 1"));
static_assert(sq::sql_checksum("SELECT 1", "") != sq::sql_checksum("SELECT 2", ""));

// --- what SQLite refuses in a transaction -------------------------------------------------------
static_assert(sq::refused_in_transaction("VACUUM"));
static_assert(sq::refused_in_transaction("SELECT 1; vacuum"));
static_assert(sq::refused_in_transaction("PRAGMA journal_mode = WAL"));
static_assert(!sq::refused_in_transaction("PRAGMA journal_mode"));
static_assert(!sq::refused_in_transaction("SELECT 'VACUUM'"));

// --- the lint ---------------------------------------------------------------------------------
static_assert(sq::lint_rule_of("ALTER TABLE t ALTER COLUMN x TYPE int") == rule::unsupported_alter_column);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)") == rule::unsupported_add_constraint);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD PRIMARY KEY (x)") == rule::unsupported_add_constraint);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD FOREIGN KEY (x) REFERENCES u (id)") == rule::unsupported_add_constraint);
static_assert(sq::lint_rule_of("ALTER TABLE t DROP CONSTRAINT c") == rule::unsupported_add_constraint);
static_assert(sq::lint_rule_of("CREATE INDEX CONCURRENTLY i ON t (x)") == rule::unsupported_concurrently);
static_assert(sq::lint_rule_of("DROP INDEX CONCURRENTLY i") == rule::unsupported_concurrently);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x TEXT NOT NULL") == rule::adding_not_nullable_field);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD x TEXT CHECK (x IS NOT NULL) NOT NULL") == rule::adding_not_nullable_field);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x TEXT NOT NULL DEFAULT ''") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x TEXT NOT NULL DEFAULT NULL") == rule::adding_not_nullable_field);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x TEXT DEFAULT 'a' NOT NULL") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x TEXT CHECK (x IS NOT NULL)") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x TEXT UNIQUE") == rule::disallowed_unique_constraint);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN x INTEGER PRIMARY KEY") == rule::disallowed_unique_constraint);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN at TEXT DEFAULT CURRENT_TIMESTAMP") == rule::adding_field_with_default);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN at TEXT DEFAULT (datetime('now'))") == rule::adding_field_with_default);
// SQLite takes a default only when it is a value as written: (1 + 1) and ('a' || 'b') it refuses
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (1 + 2 * 3)") == rule::adding_field_with_default);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n TEXT DEFAULT ('a' || 'b')") == rule::adding_field_with_default);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (abs(1))") == rule::adding_field_with_default);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (other_column)") == rule::adding_field_with_default);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT -1") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (-1)") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT (CAST(1 AS INTEGER))") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN n TEXT DEFAULT ('x') UNIQUE") == rule::disallowed_unique_constraint);
static_assert(sq::lint_rule_of("ALTER TABLE t ADD COLUMN b BLOB DEFAULT (x'00') NOT NULL") == rule::none);
static_assert(sq::lint_rule_of("PRAGMA foreign_keys = OFF") == rule::ban_foreign_keys_pragma);
static_assert(sq::lint_rule_of("PRAGMA main.foreign_keys=0") == rule::ban_foreign_keys_pragma);
static_assert(sq::lint_rule_of("PRAGMA foreign_key_check") == rule::none);
static_assert(sq::lint_rule_of("PRAGMA user_version = 3") == rule::none);
static_assert(sq::lint_rule_of("ALTER TABLE t DROP COLUMN x") == rule::ban_drop_column);
static_assert(sq::lint_rule_of("ALTER TABLE t DROP x") == rule::ban_drop_column);
static_assert(sq::lint_rule_of("DROP TABLE IF EXISTS t") == rule::ban_drop_table);
static_assert(sq::lint_rule_of("ALTER TABLE t RENAME COLUMN a TO b") == rule::renaming_column);
static_assert(sq::lint_rule_of("ALTER TABLE t RENAME a TO b") == rule::renaming_column);
static_assert(sq::lint_rule_of("ALTER TABLE t RENAME TO u") == rule::renaming_table);
static_assert(sq::lint_rule_of("BEGIN") == rule::transaction_nesting);
static_assert(sq::lint_rule_of("SAVEPOINT s") == rule::transaction_nesting);
static_assert(sq::lint_rule_of("END TRANSACTION") == rule::transaction_nesting);
// words in strings, quoted identifiers and comments never count
static_assert(sq::lint_rule_of("SELECT 'DROP TABLE t', \"ALTER COLUMN\", [PRAGMA foreign_keys] -- DROP TABLE t") == rule::none);
static_assert(sq::lint_rule_of("INSERT INTO notes (body) VALUES ('ALTER TABLE t ALTER COLUMN x')") == rule::none);

constexpr strata::lint_rules_mask hits_of(std::string_view body, bool down = false) {
  std::uint64_t ignored = 1;
  return sq::detail::analyse_sql(body, ignored, 0, down).lint_hits;
}
constexpr strata::lint_rules_mask bit(rule r) { return strata::rule_bit(sq::rule_id(r)); }
// a table created in the same body holds no rows: adding a NOT NULL column to it is safe...
static_assert(hits_of("CREATE TABLE t (id INTEGER); ALTER TABLE t ADD COLUMN x TEXT NOT NULL") == 0);
// ...but not UNIQUE, which SQLite refuses on any table
static_assert(hits_of("CREATE TABLE t (id INTEGER); ALTER TABLE t ADD COLUMN x TEXT UNIQUE") == bit(rule::disallowed_unique_constraint));
// the rebuild, in both of its orders, replaces the table: its DROP and RENAME are no contraction
static_assert(hits_of("CREATE TABLE t_new (id INTEGER); INSERT INTO t_new SELECT id FROM t; DROP TABLE t; "
                      "ALTER TABLE t_new RENAME TO t") == 0);
static_assert(hits_of("ALTER TABLE t RENAME TO t_old; CREATE TABLE t (id INTEGER); INSERT INTO t SELECT id FROM t_old; "
                      "DROP TABLE t_old") == 0);
static_assert(hits_of("CREATE TABLE \"T_New\" (id INTEGER); DROP TABLE [t]; ALTER TABLE t_new RENAME TO T") == 0);
// a drop that nothing replaces still is one, and so is a drop of a table created again empty
static_assert(hits_of("CREATE TABLE t_new (id INTEGER); DROP TABLE t") == bit(rule::ban_drop_table));
static_assert(hits_of("DROP TABLE t; CREATE TABLE t (id INTEGER)") == bit(rule::ban_drop_table));
// a column added to the old table before a rebuild replaces it still meets the old table's rows
static_assert(hits_of("ALTER TABLE t ADD COLUMN x TEXT NOT NULL; CREATE TABLE t_new (id INTEGER); DROP TABLE t; "
                      "ALTER TABLE t_new RENAME TO t") == bit(rule::adding_not_nullable_field));
// a down body may undo what its up made
static_assert(hits_of("DROP TABLE t; ALTER TABLE u DROP COLUMN x", true) == 0);
static_assert(hits_of("ALTER TABLE u ALTER COLUMN x TYPE int", true) == bit(rule::unsupported_alter_column));
// every rule of a body is found, each statement's
static_assert(hits_of("PRAGMA foreign_keys = OFF; ALTER TABLE t ADD COLUMN x TEXT NOT NULL") ==
              (bit(rule::ban_foreign_keys_pragma) | bit(rule::adding_not_nullable_field)));

// allowances name the rule and give a reason
constexpr strata::lint_rules_mask allowed(std::string_view text) {
  bool malformed = false;
  const auto bits = sq::detail::parse_allowance(text, malformed);
  return malformed ? ~strata::lint_rules_mask{0} : bits;
}
static_assert(allowed(" ban-drop-table: replaced by the archive") == bit(rule::ban_drop_table));
static_assert(allowed(" ban-drop-table, renaming-table: moved") == (bit(rule::ban_drop_table) | bit(rule::renaming_table)));
static_assert(allowed(" ban-drop-table:") == ~strata::lint_rules_mask{0});
static_assert(allowed(" require-concurrent-index-creation: PostgreSQL's") == ~strata::lint_rules_mask{0});
static_assert(hits_of("-- strata:allow ban-drop-table: archived in 0042\nDROP TABLE t") == 0);

// --- a registry on SQLite ------------------------------------------------------------------------
struct notes : strata::migration<"0001_notes"> {
  static constexpr strata::sql up{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE notes"};
};
struct tags : strata::migration<"0002_tags", "0001_notes"> {
  static constexpr strata::sql up{"CREATE TABLE tags (note_id INTEGER REFERENCES notes (id), tag TEXT);\n"
                                  "CREATE TRIGGER tags_lower AFTER INSERT ON tags BEGIN UPDATE tags SET tag = lower(tag); END"};
  static constexpr strata::sql down{"DROP TABLE tags"};
};
using app = strata::registry<sq::dialect, notes, tags>;
static_assert(std::is_same_v<app::dialect, sq::dialect>);
static_assert(app::size == 2 && app::head == "0002_tags");
static_assert(app::checksum("0002_tags") == sq::sql_checksum(tags::up.text, tags::down.text));
// the trigger's END would be transaction control to PostgreSQL's lexer: the dialect decides
static_assert(strata::statement_count(tags::up) == 3 && sq::statement_count(tags::up.text) == 2);

int main() {}
