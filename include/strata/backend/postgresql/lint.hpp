#pragma once
// PostgreSQL's lint rules (squawk's names): each rule's name, safe alternative and flags in one
// row. The classifier (statements.hpp) flags them by statement family; README "The safety lint".

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../core/dialect.hpp"
#include "../common/rules.hpp"

namespace strata::postgresql {

enum class lint_rule : std::uint8_t {
  require_concurrent_index_creation,
  require_concurrent_index_deletion,
  require_concurrent_reindex,
  constraint_missing_not_valid,
  adding_foreign_key_constraint,
  adding_not_nullable_field,
  adding_required_field,
  changing_column_type,
  adding_field_with_default,
  disallowed_unique_constraint,
  ban_drop_column,
  ban_drop_table,
  ban_drop_database,
  ban_truncate_cascade,
  renaming_column,
  renaming_table,
  prefer_repack,
  transaction_nesting,
  none = no_lint_rule,
};

namespace detail {
using lint_rule_entry = backend::rule_entry<lint_rule>;
// A new rule: a name in the enum above and its row here; the checks below keep them in step.
inline constexpr lint_rule_entry lint_table[] = {
    {lint_rule::require_concurrent_index_creation, {"require-concurrent-index-creation", "CREATE INDEX CONCURRENTLY in a migration with `transactional = false`", false, true}},
    {lint_rule::require_concurrent_index_deletion, {"require-concurrent-index-deletion", "DROP INDEX CONCURRENTLY in a migration with `transactional = false`", false, true}},
    {lint_rule::require_concurrent_reindex, {"require-concurrent-reindex", "REINDEX ... CONCURRENTLY in a migration with `transactional = false`", false, true}},
    {lint_rule::constraint_missing_not_valid, {"constraint-missing-not-valid", "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration", false, true}},
    {lint_rule::adding_foreign_key_constraint, {"adding-foreign-key-constraint", "add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later migration", false, true}},
    {lint_rule::adding_not_nullable_field, {"adding-not-nullable-field", "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (it then skips the scan)", false, true}},
    {lint_rule::adding_required_field, {"adding-required-field", "add the column with a constant DEFAULT, or nullable and backfilled", false, true}},
    {lint_rule::changing_column_type, {"changing-column-type", "add a new column, backfill it, switch readers, then drop the old one in an after_deploy migration", false, true, true}},
    {lint_rule::adding_field_with_default, {"adding-field-with-default", "add the column without the volatile default (or as a plain integer), set the default, backfill in batches", false, true}},
    {lint_rule::disallowed_unique_constraint, {"disallowed-unique-constraint", "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE|PRIMARY KEY USING INDEX", false, true}},
    {lint_rule::ban_drop_column, {"ban-drop-column", "make the migration after_deploy (`static constexpr auto phase = strata::after_deploy;`, or `-- strata:after-deploy` in a .sql file): it runs once no live instance runs a release that lacks it", true, true, true}},
    {lint_rule::ban_drop_table, {"ban-drop-table", "make the migration after_deploy (`static constexpr auto phase = strata::after_deploy;`, or `-- strata:after-deploy` in a .sql file): it runs once no live instance runs a release that lacks it", true, true, true}},
    {lint_rule::ban_drop_database, {"ban-drop-database", "drop databases outside migrations", true, true}},
    {lint_rule::ban_truncate_cascade, {"ban-truncate-cascade", "TRUNCATE the tables by name, without CASCADE", true, true}},
    {lint_rule::renaming_column, {"renaming-column", "add the new column before the deploy and drop the old one in an after_deploy migration; or make the migration after_deploy (`static constexpr auto phase = strata::after_deploy;`, or `-- strata:after-deploy` in a .sql file): it runs once no live instance runs a release that lacks it", true, true, true}},
    {lint_rule::renaming_table, {"renaming-table", "create a view under the new name before the deploy; or make the migration after_deploy (`static constexpr auto phase = strata::after_deploy;`, or `-- strata:after-deploy` in a .sql file): it runs once no live instance runs a release that lacks it", true, true, true}},
    {lint_rule::prefer_repack, {"prefer-repack", "pg_repack (or pg_squeeze) rewrites a table without holding an exclusive lock", false, true}},
    {lint_rule::transaction_nesting, {"transaction-nesting", "the migration runs in its own transaction: leave out BEGIN, COMMIT and ROLLBACK", false, false}},
};
}  // namespace detail

inline constexpr std::size_t lint_rule_count = std::size(detail::lint_table);
static_assert(backend::rule_table_is_whole(detail::lint_table),
              "each lint rule has its row, in the enum's order, with a name and a safe alternative; at most 64");
inline constexpr std::array<lint_rule_row, lint_rule_count> lint_rules = backend::rule_rows(detail::lint_table);

constexpr std::uint8_t rule_id(lint_rule r) noexcept { return static_cast<std::uint8_t>(r); }

// The rule named `name`, or lint_rule::none.
constexpr lint_rule lint_rule_named(std::string_view name) noexcept {
  for (std::size_t r = 0; r < lint_rule_count; ++r)
    if (lint_rules[r].name == name) return static_cast<lint_rule>(r);
  return lint_rule::none;
}

}  // namespace strata::postgresql
