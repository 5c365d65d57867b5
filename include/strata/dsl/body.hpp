#pragma once
// Per-type facts about a migration's bodies (SQL text, code, or irreversible), gathered by one
// function per type and read by the registry's dialect (its language: core/dialect.hpp): at
// thousands of migrations every instantiation per type counts.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <type_traits>

#include "../core/dialect.hpp"
#include "../core/transaction.hpp"
#include "sql.hpp"

namespace strata {

enum class body_kind : std::uint8_t { missing, sql, code, irreversible, wrong_signature };

namespace detail {

enum class body_defect : std::uint8_t {
  none,
  lacks_up,
  up_signature,
  lacks_down,
  down_signature,
  unterminated,             // in the body and at the text migration_facts::defect_at names
  unsplittable,             // likewise: a statement the cut would split (a routine body)
  refused_in_transaction,   // likewise
  not_idempotent,           // likewise: CREATE/DROP without IF [NOT] EXISTS outside a transaction
  bad_allowance,            // a `strata:allow` naming an unknown rule or giving no reason
};

using code_body = void (*)(transaction&);

constexpr body_kind kind_of(const sql*) noexcept { return body_kind::sql; }
constexpr body_kind kind_of(code_body) noexcept { return body_kind::code; }
constexpr body_kind kind_of(const irreversible_t*) noexcept { return body_kind::irreversible; }
constexpr body_kind kind_of(...) noexcept { return body_kind::wrong_signature; }

struct migration_facts {
  body_kind up = body_kind::missing, down = body_kind::missing;
  bool transactional = true;
  bool after_deploy = false;  // its `phase`: strata::after_deploy
  std::string_view description;
  std::string_view irreversible_words = "down = strata::irreversible";  // what made it so, in its folder's words
  std::string_view up_text, down_text;
  code_body up_code = nullptr, down_code = nullptr;
  // The database's lock wait and statement time limit for this migration alone (its `lock_timeout`
  // and `statement_timeout` members), in ms; -1: the run's defaults (options::pg_lock_timeout,
  // pg_statement_timeout).
  std::int64_t lock_timeout_ms = -1, statement_timeout_ms = -1;
  bool up_nul_terminated = false, down_nul_terminated = false;  // the texts are literals
  sql_analysis up_scan, down_scan;
  std::uint64_t checksum = 0;  // 0: no SQL body
  body_defect defect = body_defect::none;
  bool defect_in_up = true;   // which SQL body holds an SQL defect
  statement_span defect_at{}; // the text a diagnostic quotes
  // The safety lint (transactional migrations only): the rules broken after the migration's own
  // allowances; the registry applies its policy (lint_policy) and reports the first.
  std::string_view allow;        // the migration's `allow` member: "RULE[, RULE]: reason"
  lint_rules_mask allowed = 0;   // its rules
  lint_rules_mask lint_hits = 0;
  bool analysed_by_generator = false;  // trusted: the generator also applied what the earlier migrations clear
};

// The lint rules the earlier migrations (their up bodies, in apply order) show harmless in an up
// body whose analysis hit `up_hits` (its down's `down_hits`): a column type change that only
// widens. Only for a finding of the up alone: a down that changes the type back rewrites.
template <dialect_language L>
constexpr lint_rules_mask cleared_by_earlier(lint_rules_mask up_hits, lint_rules_mask down_hits, std::string_view up,
                                             std::span<const std::string_view> earlier) {
  if (!(up_hits & L::rules_history_may_clear) || (down_hits & L::rules_history_may_clear)) return 0;
  return L::cleared_by_history(up, earlier);
}
// The same for a migration's facts; none for the generator's, which it cleared already.
template <dialect_language L>
constexpr lint_rules_mask cleared_by_earlier(const migration_facts& f, std::span<const std::string_view> earlier) {
  if (f.analysed_by_generator) return 0;
  return cleared_by_earlier<L>(f.up_scan.lint_hits, f.down_scan.lint_hits, f.up_text, earlier);
}

// How each body of a migration is read: its allowances, where it runs, that a `down` is spared
// the destructive rules, and that an `after_deploy` migration may break the release before it.
// One place, for the registry's analysis and the generator's alike.
template <dialect_language L>
constexpr analysis_context context_of(const migration_facts& f, bool up) noexcept {
  const lint_rules_mask not_applicable = (f.transactional ? 0 : ~rules_outside_transactions<L>()) |
                                         (f.after_deploy ? rules_breaking_running_release<L>() : 0);
  return up ? analysis_context{f.allowed | not_applicable, false, true, f.up_nul_terminated}
            : analysis_context{f.allowed | not_applicable, true, f.transactional, f.down_nul_terminated};
}

// The checks on the bodies' kinds (present, right signature); false when one failed (f.defect).
constexpr bool kinds_are_sound(migration_facts& f) noexcept {
  if (f.up == body_kind::irreversible) f.up = body_kind::wrong_signature;
  if (f.up == body_kind::missing) { f.defect = body_defect::lacks_up; return false; }
  if (f.up == body_kind::wrong_signature) { f.defect = body_defect::up_signature; return false; }
  if (f.down == body_kind::missing) { f.defect = body_defect::lacks_down; return false; }
  if (f.down == body_kind::wrong_signature) { f.defect = body_defect::down_signature; return false; }
  return true;
}

// The per-language part: scanning and verdicts. Kept out of the per-type template so that each
// migration type instantiates only the few lines that read its members.
template <dialect_language L>
constexpr migration_facts analyse_bodies(migration_facts f) {
  bool bad_allow = false;
  if (!f.allow.empty()) f.allowed = L::parse_allowance(f.allow, bad_allow);
  if (!kinds_are_sound(f)) return f;

  std::uint64_t sum = L::checksum_start;
  f.up_scan = L::analyse(f.up_text, sum, context_of<L>(f, true));
  L::checksum_separator(sum);
  f.down_scan = L::analyse(f.down_text, sum, context_of<L>(f, false));
  f.lint_hits = f.up_scan.lint_hits | f.down_scan.lint_hits;
  if (f.up == body_kind::sql || f.down == body_kind::sql) f.checksum = sum;

  // The first SQL defect, up before down for each kind.
  auto flag = [&f](body_defect d, bool in_up, statement_span at) {
    f.defect = d;
    f.defect_in_up = in_up;
    f.defect_at = at;
  };
  for (const bool in_up : {true, false}) {
    const sql_analysis& a = in_up ? f.up_scan : f.down_scan;
    if (f.defect == body_defect::none && a.error != scan_error::none) {
      const std::size_t length = (in_up ? f.up_text : f.down_text).size();
      flag(body_defect::unterminated, in_up, {a.error_at, a.error_at + 40 < length ? a.error_at + 40 : length});
    }
  }
  for (const bool in_up : {true, false}) {
    const sql_analysis& a = in_up ? f.up_scan : f.down_scan;
    if (f.defect == body_defect::none && a.has_unsplittable)
      flag(body_defect::unsplittable, in_up, a.first_unsplittable);
  }
  for (const bool in_up : {true, false}) {
    const sql_analysis& a = in_up ? f.up_scan : f.down_scan;
    if (f.defect == body_defect::none && f.transactional && a.has_refused_statement)
      flag(body_defect::refused_in_transaction, in_up, a.first_refused);
  }
  for (const bool in_up : {true, false}) {
    const sql_analysis& a = in_up ? f.up_scan : f.down_scan;
    if (f.defect == body_defect::none && !f.transactional && a.has_non_idempotent)
      flag(body_defect::not_idempotent, in_up, a.first_non_idempotent);
  }
  if (f.defect == body_defect::none && bad_allow) flag(body_defect::bad_allowance, true, {});
  for (const bool in_up : {true, false}) {
    const sql_analysis& a = in_up ? f.up_scan : f.down_scan;
    if (f.defect == body_defect::none && a.bad_allowance) flag(body_defect::bad_allowance, in_up, a.bad_allowance_at);
  }
  return f;
}

template <class M>
constexpr migration_facts inspect() {
  migration_facts f;
  if constexpr (requires { &M::up; }) {
    f.up = kind_of(&M::up);
    if constexpr (std::is_same_v<decltype(&M::up), const sql*>) {
      f.up_text = M::up.text;
      f.up_nul_terminated = M::up.nul_terminated;
    } else if constexpr (std::is_convertible_v<decltype(&M::up), code_body>) {  // noexcept too
      f.up_code = &M::up;
    }
  }
  if constexpr (requires { &M::down; }) {
    f.down = kind_of(&M::down);
    if constexpr (std::is_same_v<decltype(&M::down), const sql*>) {
      f.down_text = M::down.text;
      f.down_nul_terminated = M::down.nul_terminated;
    } else if constexpr (std::is_convertible_v<decltype(&M::down), code_body>) {
      f.down_code = &M::down;
    }
  }
  // A merge may leave out both bodies: it runs nothing.
  if constexpr (requires { M::parents; })
    if (M::parents.size() >= 2 && f.up == body_kind::missing && f.down == body_kind::missing) {
      f.up = f.down = body_kind::sql;
    }
  if constexpr (requires { M::transactional; }) f.transactional = static_cast<bool>(M::transactional);
  if constexpr (requires { M::phase; }) f.after_deploy = M::phase == deploy_phase::after_deploy;
  if constexpr (requires { M::description; }) f.description = std::string_view(M::description);
  if constexpr (requires { M::irreversible_because; }) f.irreversible_words = std::string_view(M::irreversible_because);
  if constexpr (requires { M::allow; }) f.allow = std::string_view(M::allow);
  if constexpr (requires { std::chrono::duration_cast<std::chrono::milliseconds>(M::lock_timeout); })
    f.lock_timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(M::lock_timeout).count();
  if constexpr (requires { std::chrono::duration_cast<std::chrono::milliseconds>(M::statement_timeout); })
    f.statement_timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(M::statement_timeout).count();
  return f;
}

// A migration the generator analysed (strata_add_migrations): the facts it found, trusted instead
// of reading the text again, when the registry's dialect is the one that analysed it.
template <class D, class M>
constexpr migration_facts facts_of() {
  if constexpr (requires { M::analysed; }) {
    if (M::analysed.dialect == D::name) {
      migration_facts f = inspect<M>();
      if (!kinds_are_sound(f)) return f;
      f.checksum = M::analysed.checksum;
      f.lint_hits = M::analysed.lint_hits;
      f.analysed_by_generator = true;
      return f;
    }
  }
  return analyse_bodies<typename D::language>(inspect<M>());
}

// One constant evaluation per migration type (and dialect).
template <class D, class M>
inline constexpr migration_facts facts = facts_of<D, M>();

}  // namespace detail
}  // namespace strata
