#pragma once
// Compile errors that name the culprit. Each helper is instantiated only on the failing branch;
// its name reads as a sentence and its template arguments carry the migration type and the
// revision id spelled as a char pack (which both g++ and clang print in full).

#include <cstddef>

namespace strata::diag {

template <class...>
inline constexpr bool always_false = false;

// Raised by migration<"id", ...> where the id is written.
template <class Id>
struct revision_id_is_invalid {
  static_assert(always_false<Id>,
                "strata::migration: a revision id is 1 to 128 characters of [A-Za-z0-9_.-]; "
                "the id spelled in the template arguments above is not");
};
template <class Id, class Parent>
struct parent_revision_is_invalid {
  static_assert(always_false<Id, Parent>,
                "strata::migration: a parent revision id is 1 to 128 characters of [A-Za-z0-9_.-]");
};
template <class Id>
struct revision_is_its_own_parent {
  static_assert(always_false<Id>, "strata::migration: a revision lists itself as its parent");
};
template <class Id, class Parent>
struct parent_revision_is_listed_twice {
  static_assert(always_false<Id, Parent>, "strata::migration: a revision lists the same parent twice");
};

// Raised where a run binds its connection: the connection names the dialect it speaks
// (`using dialect = ...;`) and it is not the registry's.
template <class ConnectionDialect, class RegistryDialect>
struct connection_speaks_another_dialect {
  static_assert(always_false<ConnectionDialect, RegistryDialect>,
                "strata: the connection speaks the first dialect above, the registry the second; give the run a "
                "connection of the registry's database, or name that dialect first in the registry");
};

// Raised by registry<...>.
template <class Migration, class Id, class OtherMigration>
struct revision_id_is_duplicated {
  static_assert(always_false<Migration, Id, OtherMigration>,
                "strata::registry: two migrations share revision id (spelled above); give one a new id");
};
template <class Migration, class Id>
struct migration_type_is_listed_twice {
  static_assert(always_false<Migration, Id>,
                "strata::registry: the same migration type is listed twice; remove one");
};
template <class Migration, class Id, class Parent>
struct parent_revision_is_unknown {
  static_assert(always_false<Migration, Id, Parent>,
                "strata::registry: parent (spelled above) of revision (spelled above) is not in the registry");
};
template <class Migration, class Id, class ParentInCycle>
struct revision_graph_has_cycle_through {
  static_assert(always_false<Migration, Id, ParentInCycle>,
                "strata::registry: revision graph has a cycle through the revision spelled above");
};
template <class Migration, class Id, class OtherMigration, class OtherId>
struct revision_graph_has_more_than_one_head {
  static_assert(always_false<Migration, Id, OtherMigration, OtherId>,
                "strata::registry: more than one head (both spelled above); add a merge migration "
                "whose parents are both heads");
};
template <class Migration>
struct migration_lacks_up {
  static_assert(always_false<Migration>,
                "strata::registry: migration type has no `up`: declare `static constexpr strata::sql up{...}` "
                "or `static void up(strata::transaction&)`");
};
template <class Migration>
struct migration_lacks_down {
  static_assert(always_false<Migration>,
                "strata::registry: migration type has no `down`: declare `static constexpr strata::sql down{...}`, "
                "`static void down(strata::transaction&)` or `static constexpr auto down = strata::irreversible`");
};
template <class Migration>
struct up_has_wrong_signature {
  static_assert(always_false<Migration>,
                "strata::registry: `up` must be `static constexpr strata::sql up{...}` or "
                "`static void up(strata::transaction&)`");
};
template <class Migration>
struct down_has_wrong_signature {
  static_assert(always_false<Migration>,
                "strata::registry: `down` must be `static constexpr strata::sql down{...}`, "
                "`static void down(strata::transaction&)` or `strata::irreversible`");
};
template <class Migration, class Id, class Where>
struct sql_body_is_unterminated {
  static_assert(always_false<Migration, Id, Where>,
                "strata::registry: an SQL body of the revision spelled above has an unterminated quote, "
                "comment or dollar quote (the text from there is spelled above)");
};
template <class Migration, class Id, class Statement>
struct statement_cannot_run_in_a_transaction {
  static_assert(always_false<Migration, Id, Statement>,
                "strata::registry: PostgreSQL refuses this statement inside a transaction block; "
                "declare `static constexpr bool transactional = false;` in the migration (a .sql file: its "
                "format's no-transaction annotation, README \"Migrations as .sql files\")");
};
template <class Migration, class Id, class Statement, class IdempotentForms>
struct statement_must_be_idempotent_outside_a_transaction {
  static_assert(always_false<Migration, Id, Statement, IdempotentForms>,
                "strata::registry: a non-transactional migration is resumed after an interruption at the statement "
                "it was running, and this statement can neither run in a transaction with its progress record nor "
                "be looked up to see whether it is done: write it in a form that can (the dialect's forms are "
                "spelled above)");
};

// The safety lint (README "The safety lint"): the rule and its safe alternative are spelled above.
template <class Migration, class Id, class Rule, class Statement, class SafeAlternative>
struct statement_is_unsafe_on_a_live_table {
  static_assert(always_false<Migration, Id, Rule, Statement, SafeAlternative>,
                "strata::registry: this statement would queue production behind a lock, rewrite or scan a table "
                "under one, or break the release still running (rule, statement and safe alternative spelled "
                "above); write the safe alternative, or allow it with `-- strata:allow RULE: reason` on the line "
                "before the statement");
};
// A contraction (a drop, a rename, a type change) in a `before_deploy` migration, which runs while
// the previous release still does (README "Rolling deploys").
template <class Migration, class Id, class Rule, class Statement>
struct statement_breaks_the_release_still_running_make_the_migration_after_deploy {
  static_assert(always_false<Migration, Id, Rule, Statement>,
                "strata::registry: this statement breaks the release still running during a rolling deploy (rule and "
                "statement spelled above): make the migration after_deploy with `static constexpr auto phase = "
                "strata::after_deploy;` (`-- strata:after-deploy` in a .sql file), so that it runs once no live instance "
                "runs a release that lacks it; or allow it with `-- strata:allow RULE: reason`");
};
template <class Migration, class Id, class Allowance>
struct lint_allowance_is_malformed {
  static_assert(always_false<Migration, Id, Allowance>,
                "strata::registry: an allowance names the lint's rules and gives a reason: "
                "`strata:allow RULE[, RULE]: reason` (the text spelled above names an unknown rule or gives no reason)");
};
template <class Rule>
struct lint_policy_names_an_unknown_rule {
  static_assert(always_false<Rule>, "strata::lint_off: no lint rule has the name spelled above");
};
template <class Id>
struct lint_from_names_an_unknown_revision {
  static_assert(always_false<Id>, "strata::lint_from: no revision of the registry has the id spelled above");
};

template <class Migration, class Id, class Statement, class Advice>
struct sql_standard_function_body_is_not_supported {
  static_assert(always_false<Migration, Id, Statement, Advice>,
                "strata::registry: the statement spelled above holds a body that the statement cut would split at "
                "its own separators; write it as the dialect's advice spelled above says");
};

}  // namespace strata::diag
