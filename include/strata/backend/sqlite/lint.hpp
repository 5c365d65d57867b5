#pragma once
// SQLite's lint rules: what SQLite cannot do (its ALTER TABLE has no ALTER COLUMN, no ADD
// CONSTRAINT, nothing concurrent), what it does dangerously (a column that the populated table
// refuses while the empty one in CI takes it; PRAGMA foreign_keys inside a transaction, which does
// nothing), and the contractions of the PostgreSQL rules with the same names. README "SQLite".

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../core/dialect.hpp"
#include "../common/rules.hpp"

namespace strata::sqlite {

enum class lint_rule : std::uint8_t {
  unsupported_alter_column,
  unsupported_add_constraint,
  unsupported_concurrently,
  adding_not_nullable_field,
  disallowed_unique_constraint,
  adding_field_with_default,
  ban_foreign_keys_pragma,
  ban_drop_column,
  ban_drop_table,
  renaming_column,
  renaming_table,
  transaction_nesting,
  none = no_lint_rule,
};

namespace detail {
inline constexpr std::string_view rebuild =
    "rebuild the table in one migration: CREATE TABLE new_t (...); INSERT INTO new_t SELECT ... FROM t; DROP TABLE t; "
    "ALTER TABLE new_t RENAME TO t (strata turns foreign keys off outside the transaction and checks them before COMMIT)";
inline constexpr std::string_view after_deploy_advice =
    "make the migration after_deploy (`static constexpr auto phase = strata::after_deploy;`, or `-- strata:after-deploy` "
    "in a .sql file): it runs once no live instance runs a release that lacks it";

using lint_rule_entry = backend::rule_entry<lint_rule>;
// A new rule: a name in the enum above and its row here; the checks below keep them in step.
inline constexpr lint_rule_entry lint_table[] = {
    {lint_rule::unsupported_alter_column, {"unsupported-alter-column", rebuild, false, true}},
    {lint_rule::unsupported_add_constraint, {"unsupported-add-constraint", rebuild, false, true}},
    {lint_rule::unsupported_concurrently, {"unsupported-concurrently", "leave out CONCURRENTLY: SQLite has one writer at a time, and CREATE INDEX in the migration's transaction is what it offers", false, true}},
    {lint_rule::adding_not_nullable_field, {"adding-not-nullable-field", "give the column a constant DEFAULT (ADD COLUMN c ... NOT NULL DEFAULT 0), or add it nullable and backfill it: SQLite refuses NOT NULL without a default on a table that holds rows", false, true}},
    {lint_rule::disallowed_unique_constraint, {"disallowed-unique-constraint", "add the column without UNIQUE, then CREATE UNIQUE INDEX on it (SQLite refuses ADD COLUMN ... UNIQUE)", false, true}},
    {lint_rule::adding_field_with_default, {"adding-field-with-default", "add the column with a constant default (or none) and backfill it with UPDATE: SQLite refuses a non-constant default in ADD COLUMN on a table that holds rows", false, true}},
    {lint_rule::ban_foreign_keys_pragma, {"ban-foreign-keys-pragma", "leave PRAGMA foreign_keys out of migrations: inside a transaction it does nothing; strata turns foreign keys off outside each migration's transaction and checks them (foreign_key_check) before its COMMIT", false, true}},
    {lint_rule::ban_drop_column, {"ban-drop-column", after_deploy_advice, true, true, true}},
    {lint_rule::ban_drop_table, {"ban-drop-table", after_deploy_advice, true, true, true}},
    {lint_rule::renaming_column, {"renaming-column", after_deploy_advice, true, true, true}},
    {lint_rule::renaming_table, {"renaming-table", after_deploy_advice, true, true, true}},
    {lint_rule::transaction_nesting, {"transaction-nesting", "the migration runs in its own transaction: leave out BEGIN, COMMIT, ROLLBACK, SAVEPOINT and RELEASE", false, false}},
};
}  // namespace detail

inline constexpr std::size_t lint_rule_count = std::size(detail::lint_table);
static_assert(backend::rule_table_is_whole(detail::lint_table),
              "each lint rule has its row, in the enum's order, with a name and a safe alternative; at most 64");
inline constexpr std::array<lint_rule_row, lint_rule_count> lint_rules = backend::rule_rows(detail::lint_table);

constexpr std::uint8_t rule_id(lint_rule r) noexcept { return static_cast<std::uint8_t>(r); }

}  // namespace strata::sqlite
