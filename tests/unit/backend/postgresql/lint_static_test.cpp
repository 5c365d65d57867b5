// The statement classifier and the safety lint, at compile time: each rule's unsafe and safe
// forms, words inside literals, comments, dollar quotes and quoted identifiers that never count,
// and the registry's exemptions and policies. Building this file is the test.
#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <strata/strata.hpp>

namespace {

using strata::postgresql::lint_rule;
using strata::postgresql::lint_rule_of;
using strata::refused_in_transaction;

constexpr bool atomic(std::string_view s) {
  return strata::postgresql::detail::classify_statement(s.data(), s.size()).kind == strata::postgresql::detail::statement_kind::atomic_routine;
}

// --- tokens, not raw text ----------------------------------------------------------------------
static_assert(atomic("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END"));
static_assert(atomic("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN /* c */ ATOMIC SELECT 1; END"));
static_assert(atomic("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN -- c\n ATOMIC SELECT 1; END"));
static_assert(!atomic("CREATE FUNCTION f() RETURNS void AS $$ BEGIN -- atomic update\n PERFORM 1; END $$ LANGUAGE plpgsql"));
static_assert(!refused_in_transaction("ALTER TABLE t ALTER COLUMN c SET DEFAULT 'begin atomic'"));
static_assert(!refused_in_transaction("ALTER TABLE t ALTER COLUMN c SET DEFAULT 'detach, then run concurrently'"));
static_assert(refused_in_transaction("ALTER TABLE p DETACH PARTITION c CONCURRENTLY"));
static_assert(refused_in_transaction("ALTER DATABASE \"d\" SET TABLESPACE fast"));
static_assert(!refused_in_transaction("REINDEX (CONCURRENTLY false) TABLE t"));
static_assert(refused_in_transaction("REINDEX (CONCURRENTLY) TABLE t"));
static_assert(refused_in_transaction("REINDEX (VERBOSE, CONCURRENTLY true) INDEX i"));
static_assert(refused_in_transaction("DROP SUBSCRIPTION s"));
static_assert(refused_in_transaction("ALTER SUBSCRIPTION s REFRESH PUBLICATION"));
static_assert(!refused_in_transaction("ALTER SUBSCRIPTION s DISABLE"));
static_assert(!refused_in_transaction("CREATE INDEX \"concurrently\" ON t (c)"));  // a quoted name

// --- each rule: the unsafe form and the safe alternative -----------------------------------------
static_assert(lint_rule_of("CREATE INDEX i ON t (c)") == lint_rule::require_concurrent_index_creation);
static_assert(lint_rule_of("create unique index i on t (c)") == lint_rule::require_concurrent_index_creation);
static_assert(lint_rule_of("DROP INDEX i") == lint_rule::require_concurrent_index_deletion);
static_assert(lint_rule_of("REINDEX INDEX i") == lint_rule::require_concurrent_reindex);
static_assert(lint_rule_of("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)") == lint_rule::constraint_missing_not_valid);
static_assert(lint_rule_of("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES u (id)") == lint_rule::adding_foreign_key_constraint);
static_assert(lint_rule_of("ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES u (id) NOT VALID") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN u bigint REFERENCES u (id)") == lint_rule::adding_foreign_key_constraint);
static_assert(lint_rule_of("ALTER TABLE t VALIDATE CONSTRAINT c") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t ALTER COLUMN c SET NOT NULL") == lint_rule::adding_not_nullable_field);
static_assert(lint_rule_of("ALTER TABLE t ALTER c DROP NOT NULL") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c int NOT NULL") == lint_rule::adding_required_field);
static_assert(lint_rule_of("ALTER TABLE t ADD c int NOT NULL DEFAULT 0") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t ALTER COLUMN c TYPE bigint") == lint_rule::changing_column_type);
static_assert(lint_rule_of("ALTER TABLE t ALTER COLUMN c SET DATA TYPE bigint") == lint_rule::changing_column_type);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid()") == lint_rule::adding_field_with_default);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c float DEFAULT random()") == lint_rule::adding_field_with_default);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp()") == lint_rule::adding_field_with_default);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c bigserial") == lint_rule::adding_field_with_default);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN c text DEFAULT 'random()'") == lint_rule::none);  // a literal
static_assert(lint_rule_of("ALTER TABLE t ADD CONSTRAINT k UNIQUE (c)") == lint_rule::disallowed_unique_constraint);
static_assert(lint_rule_of("ALTER TABLE t ADD PRIMARY KEY (id)") == lint_rule::disallowed_unique_constraint);
static_assert(lint_rule_of("ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX i") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t DROP COLUMN c") == lint_rule::ban_drop_column);
static_assert(lint_rule_of("ALTER TABLE t DROP CONSTRAINT k") == lint_rule::none);
static_assert(lint_rule_of("DROP TABLE t") == lint_rule::ban_drop_table);
static_assert(lint_rule_of("DROP DATABASE d") == lint_rule::ban_drop_database);
static_assert(lint_rule_of("TRUNCATE t CASCADE") == lint_rule::ban_truncate_cascade);
static_assert(lint_rule_of("TRUNCATE t") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t RENAME COLUMN a TO b") == lint_rule::renaming_column);
static_assert(lint_rule_of("ALTER TABLE t RENAME a TO b") == lint_rule::renaming_column);
static_assert(lint_rule_of("ALTER TABLE t RENAME TO u") == lint_rule::renaming_table);
static_assert(lint_rule_of("ALTER TABLE t RENAME CONSTRAINT a TO b") == lint_rule::none);
static_assert(lint_rule_of("CLUSTER t USING i") == lint_rule::prefer_repack);
static_assert(lint_rule_of("VACUUM FULL t") == lint_rule::prefer_repack);
static_assert(lint_rule_of("VACUUM (FULL, ANALYZE) t") == lint_rule::prefer_repack);
static_assert(lint_rule_of("VACUUM (FULL false) t") == lint_rule::none);
static_assert(lint_rule_of("BEGIN") == lint_rule::transaction_nesting);
static_assert(lint_rule_of("commit") == lint_rule::transaction_nesting);
static_assert(lint_rule_of("ROLLBACK") == lint_rule::transaction_nesting);
static_assert(lint_rule_of("START TRANSACTION") == lint_rule::transaction_nesting);

// --- words that never count -----------------------------------------------------------------
static_assert(lint_rule_of("INSERT INTO t VALUES ('ALTER TABLE t DROP COLUMN c')") == lint_rule::none);
static_assert(lint_rule_of("SELECT $$DROP TABLE t$$") == lint_rule::none);
static_assert(lint_rule_of("COMMENT ON TABLE t IS 'rename to u'") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE \"drop\" ADD COLUMN c int") == lint_rule::none);
static_assert(lint_rule_of("ALTER TABLE t /* DROP COLUMN x */ ADD COLUMN c int") == lint_rule::none);
// One lexer for the splitter, the classifier and the lint: a line comment ends at a lone CR in each,
// as in PostgreSQL's scanner, so what follows it is read as a statement's words.
static_assert(refused_in_transaction("CREATE -- x\rINDEX CONCURRENTLY i ON t (c)"));
static_assert(lint_rule_of("ALTER TABLE t -- x\rDROP COLUMN c") == lint_rule::ban_drop_column);
static_assert(lint_rule_of("ALTER TABLE t -- x DROP COLUMN c\n ADD COLUMN d int") == lint_rule::none);

// --- in a body: created tables, down bodies, allowances -----------------------------------------
constexpr lint_rule rule_in(const strata::sql_analysis& a) { return static_cast<lint_rule>(a.first_rule); }
constexpr strata::sql_analysis body(std::string_view text, bool down = false, strata::lint_rules_mask allowed = 0) {
  std::uint64_t ignored = 0;
  return strata::postgresql::detail::analyse_sql(text, ignored, false, allowed, down);
}
static_assert(rule_in(body("CREATE TABLE x (id int); CREATE INDEX x_id ON x (id); ALTER TABLE x ADD COLUMN c int NOT NULL"))
                  == lint_rule::none);  // squawk users' most common complaint
static_assert(rule_in(body("CREATE TABLE \"X\" (id int); CREATE INDEX i ON x (id)")) ==
              lint_rule::require_concurrent_index_creation);  // "X" is not x
// Every action of an ALTER TABLE has its rule, and an allowance covers only the rules it names.
constexpr strata::lint_rules_mask bit(lint_rule r) { return strata::rule_bit(strata::postgresql::rule_id(r)); }
static_assert(body("ALTER TABLE t DROP COLUMN \"a\", ADD COLUMN \"a\" uuid NOT NULL").lint_hits ==
              (bit(lint_rule::ban_drop_column) | bit(lint_rule::adding_required_field)));
static_assert(rule_in(body("-- strata:allow ban-drop-column: unused since 3.2\n"
                           "ALTER TABLE t DROP COLUMN a, ADD COLUMN a uuid NOT NULL")) == lint_rule::adding_required_field);
static_assert(body("-- strata:allow ban-drop-column, adding-required-field: both known\n"
                   "ALTER TABLE t DROP COLUMN a, ADD COLUMN a uuid NOT NULL").lint_hits == 0);
static_assert(body("CREATE TABLE t (a int); ALTER TABLE t DROP COLUMN a, ADD COLUMN b int NOT NULL").lint_hits == 0);
// A stored generated column rewrites the table: adding-field-with-default, with NOT NULL too.
static_assert(lint_rule_of("ALTER TABLE t ADD COLUMN total bigint GENERATED ALWAYS AS (a + b) STORED") ==
              lint_rule::adding_field_with_default);
static_assert(body("ALTER TABLE t ADD COLUMN total bigint NOT NULL GENERATED ALWAYS AS (a + b) STORED").lint_hits ==
              bit(lint_rule::adding_field_with_default));
// An identity column is filled from its sequence, as a serial one: the same rule, never adding-required-field.
static_assert(body("ALTER TABLE t ADD COLUMN id bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL").lint_hits ==
              bit(lint_rule::adding_field_with_default));
static_assert(lint_rule_of("CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, total int GENERATED ALWAYS AS (id) STORED)") ==
              lint_rule::none);

// NOT VALID, then VALIDATE in the same transaction: the ADD's lock is held through the scan.
static_assert(rule_in(body("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;\n"
                           "ALTER TABLE t VALIDATE CONSTRAINT t_fk")) == lint_rule::constraint_missing_not_valid);
static_assert(body("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (u) REFERENCES u (id) NOT VALID;\n"
                   "ALTER TABLE t VALIDATE CONSTRAINT t_fk").first_lint.begin > 0);  // the VALIDATE is named
static_assert(rule_in(body("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID")) == lint_rule::none);
static_assert(rule_in(body("ALTER TABLE t VALIDATE CONSTRAINT c")) == lint_rule::none);  // added in an earlier migration
static_assert(rule_in(body("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT other")) ==
              lint_rule::none);

// Outside a transaction every rule applies but transaction-nesting: an autocommit CREATE INDEX
// blocks writers for its whole build, an ADD CHECK takes ACCESS EXCLUSIVE and scans.
constexpr strata::lint_rules_mask outside = ~strata::rules_outside_transactions<strata::postgresql::language>();
static_assert(rule_in(body("CREATE INDEX i ON t (c)", false, outside)) == lint_rule::require_concurrent_index_creation);
static_assert(rule_in(body("ALTER TABLE t ADD CHECK (c > 0)", false, outside)) == lint_rule::constraint_missing_not_valid);
static_assert(rule_in(body("ALTER TABLE t ADD COLUMN c int NOT NULL", false, outside)) == lint_rule::adding_required_field);
static_assert(rule_in(body("COMMIT", false, outside)) == lint_rule::none);

// Every table a body creates is remembered, however many: 50 created, then a change to each of
// the first and the last, and to one it did not create.
constexpr std::string_view live_change = "ALTER TABLE live ADD COLUMN c int NOT NULL;\n";
template <bool Live>
constexpr std::size_t fifty_tables_size = 50 * 27 + 2 * 43 + (Live ? live_change.size() : 0);  // the statements below, written out
template <bool Live>
constexpr std::array<char, fifty_tables_size<Live>> fifty_tables = [] {
  std::array<char, fifty_tables_size<Live>> out{};
  std::size_t n = 0;
  auto put = [&](std::string_view s) {
    for (char c : s) out[n++] = c;
  };
  for (int t = 1; t <= 50; ++t) {
    const char digits[] = {static_cast<char>('0' + t / 10), static_cast<char>('0' + t % 10), '\0'};
    put("CREATE TABLE t");
    put(digits);
    put(" (id int);\n");
  }
  put("ALTER TABLE t01 ADD COLUMN c int NOT NULL;\n");
  put("ALTER TABLE t50 ADD COLUMN c int NOT NULL;\n");
  if (Live) put(live_change);
  if (n != out.size()) throw "fifty_tables_size is not the length of the statements";
  return out;
}();
constexpr std::string_view fifty_created{fifty_tables<false>.data(), fifty_tables<false>.size()};
constexpr std::string_view fifty_and_a_live_one{fifty_tables<true>.data(), fifty_tables<true>.size()};
static_assert(body(fifty_created).statement_count == 52);
static_assert(rule_in(body(fifty_created)) == lint_rule::none);
static_assert(rule_in(body(fifty_and_a_live_one)) == lint_rule::adding_required_field);
static_assert(rule_in(body("ALTER TABLE t DROP COLUMN c", true)) == lint_rule::none);  // a revert
static_assert(rule_in(body("DROP INDEX t_c", true)) == lint_rule::none);
static_assert(rule_in(body("ALTER TABLE t ADD COLUMN c int NOT NULL", true)) == lint_rule::adding_required_field);
static_assert(rule_in(body("-- strata:allow ban-drop-column: unused since 3.2\nALTER TABLE t DROP COLUMN c")) == lint_rule::none);
static_assert(rule_in(body("-- strata:allow ban-drop-column, renaming-table: both\nALTER TABLE t DROP COLUMN c; ALTER TABLE t RENAME TO u"))
                  == lint_rule::renaming_table);  // an allowance covers the statement after it only
static_assert(body("-- strata:allow ban-drop-column\nALTER TABLE t DROP COLUMN c").bad_allowance);
static_assert(body("-- strata:allow no-such-rule: why\nALTER TABLE t DROP COLUMN c").bad_allowance);
static_assert(rule_in(body("ALTER TABLE t DROP COLUMN c", false, strata::rule_bit(strata::postgresql::rule_id(lint_rule::ban_drop_column)))) ==
              lint_rule::none);

// --- the registry: per-migration allowances and the registry-wide policy ---------------------------
struct legacy_drop : strata::migration<"0001_legacy"> {
  static constexpr strata::sql up{"ALTER TABLE old_users DROP COLUMN legacy"};
  static constexpr strata::sql down{"ALTER TABLE old_users ADD COLUMN legacy text"};
};
struct newer : strata::migration<"0002_newer", "0001_legacy"> {
  static constexpr strata::sql up{"CREATE TABLE n (id int)"};
  static constexpr strata::sql down{"DROP TABLE n"};
};
struct renames : strata::migration<"0003_renames", "0002_newer"> {
  static constexpr std::string_view allow = "renaming-column: the old name was never read";
  static constexpr strata::sql up{"ALTER TABLE n RENAME COLUMN id TO n_id"};  // n created in an earlier migration
  static constexpr strata::sql down{"ALTER TABLE n RENAME COLUMN n_id TO id"};
};
// One line for a history older than strata: lint from the revision after it.
using adopted = strata::registry<strata::lint_policy<strata::lint_from<"0001_legacy">>, legacy_drop, newer, renames>;
static_assert(adopted::size == 3);
using relaxed = strata::registry<strata::lint_policy<strata::lint_off<"ban-drop-column">>, legacy_drop, newer, renames>;
static_assert(relaxed::head == "0003_renames");

// --- changing-column-type: a widening the earlier migrations show needs no rewrite ---------------
constexpr bool only_widens(std::string_view body, std::initializer_list<std::string_view> earlier) {
  return strata::postgresql::detail::type_changes_only_widen(body, std::span<const std::string_view>(earlier.begin(), earlier.size()));
}
constexpr std::string_view products =
    "CREATE TABLE products (id bigint PRIMARY KEY, name varchar(50) NOT NULL, price numeric(10, 2), note text, "
    "code character varying(8), qty int, CONSTRAINT p_name CHECK (name <> ''))";
static_assert(only_widens("ALTER TABLE products ALTER COLUMN name TYPE text", {products}));
static_assert(only_widens("ALTER TABLE products ALTER name TYPE varchar(80)", {products}));
static_assert(only_widens("ALTER TABLE products ALTER COLUMN name SET DATA TYPE character varying", {products}));
static_assert(only_widens("ALTER TABLE products ALTER COLUMN price TYPE numeric(12,2)", {products}));
static_assert(only_widens("ALTER TABLE products ALTER COLUMN price TYPE numeric", {products}));
static_assert(only_widens("ALTER TABLE products ALTER COLUMN code TYPE varchar(8)", {products}));
static_assert(only_widens("ALTER TABLE public.products ALTER COLUMN name TYPE text, ALTER COLUMN price TYPE decimal(11,2)", {products}));
// rewrites (or scans): narrower, another scale, another family, USING, a column never declared
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE varchar(20)", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN price TYPE numeric(12,3)", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN note TYPE varchar(10)", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN qty TYPE bigint", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE text USING lower(name)", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE text COLLATE \"C\"", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE text, ALTER COLUMN qty TYPE bigint", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE text[]", {products}));
static_assert(!only_widens("ALTER TABLE other ALTER COLUMN name TYPE text", {products}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE text", {}));
static_assert(!only_widens("ALTER TABLE \"Products\" ALTER COLUMN name TYPE text", {products}));  // another table
// the latest declaration counts: an earlier widening, then this body's own ADD COLUMN
static_assert(only_widens("ALTER TABLE products ALTER COLUMN name TYPE varchar(100)",
                          {products, "ALTER TABLE products ALTER COLUMN name TYPE varchar(90)"}));
static_assert(!only_widens("ALTER TABLE products ALTER COLUMN name TYPE varchar(60)",
                           {products, "ALTER TABLE products ALTER COLUMN name TYPE varchar(90)"}));
static_assert(only_widens("ALTER TABLE products ADD COLUMN tag varchar(4); ALTER TABLE products ALTER COLUMN tag TYPE text",
                          {products}));

// In a registry: the widening compiles; its rule still holds for a change that rewrites
// (compile_fail/lint_changing_column_type.cpp).
struct create_products : strata::migration<"0001_products"> {
  static constexpr strata::sql up{products};
  static constexpr strata::sql down{"DROP TABLE products"};
};
struct widen_products : strata::migration<"0002_widen", "0001_products"> {
  static constexpr strata::sql up{"ALTER TABLE products ALTER COLUMN name TYPE text, ALTER COLUMN price TYPE numeric(14,2)"};
  static constexpr strata::sql down{"SELECT 1"};
};
using widened = strata::registry<widen_products, create_products>;
static_assert(widened::size == 2);
static_assert(strata::detail::facts<strata::default_dialect, widen_products>.lint_hits != 0);  // cleared by the registry

}  // namespace

int main() {}
