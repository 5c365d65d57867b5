#pragma once
// PostgreSQL as a dialect (core/dialect.hpp): its language (lexer.hpp, statements.hpp, lint.hpp)
// and its protocol (protocol.hpp). `strata::registry<Ms...>` uses it by default.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "../../core/dialect.hpp"
#include "column_types.hpp"
#include "lexer.hpp"
#include "lint.hpp"
#include "protocol.hpp"
#include "statements.hpp"

namespace strata::postgresql {

struct language {
  static constexpr std::span<const lint_rule_row> lint_rules = postgresql::lint_rules;
  static constexpr std::uint64_t checksum_start = detail::checksum_start;
  static constexpr void checksum_separator(std::uint64_t& state) noexcept { detail::checksum_separator(state); }
  static constexpr sql_analysis analyse(std::string_view text, std::uint64_t& checksum, analysis_context c) {
    return detail::analyse_sql(text, checksum, c.nul_terminated, c.allowed, c.down, c.transactional);
  }
  // Every finding of a body, in text order (analyse keeps the first of each kind).
  static constexpr std::vector<body_finding> findings(std::string_view text, analysis_context c) {
    std::vector<body_finding> out;
    std::uint64_t ignored = checksum_start;
    detail::analyse_sql(text, ignored, c.nul_terminated, c.allowed, c.down, c.transactional,
                        [&out](const body_finding& f) { out.push_back(f); });
    return out;
  }
  static constexpr lint_rules_mask parse_allowance(std::string_view text, bool& malformed) noexcept {
    return detail::parse_allowance(text, malformed);
  }
  static constexpr std::uint64_t checksum(std::string_view up, std::string_view down) { return sql_checksum(up, down); }
  static constexpr std::size_t statement_count(std::string_view text) { return postgresql::statement_count(text); }
  template <class Out>
  static constexpr scan_result split(std::string_view text, Out&& out) {
    return split_statements(text, static_cast<Out&&>(out));
  }
  static constexpr bool refused_in_transaction(std::string_view body) { return postgresql::refused_in_transaction(body); }
  static constexpr bool opens_transaction(std::string_view statement) { return postgresql::opens_transaction(statement); }
  static constexpr bool closes_transaction(std::string_view statement) { return postgresql::closes_transaction(statement); }
  static constexpr std::string_view transaction_wrapper = "BEGIN; ... COMMIT;";
  static constexpr bool runs_concurrently(std::string_view statement) { return postgresql::runs_concurrently(statement); }
  static constexpr bool may_change_settings(std::string_view statement) {
    return postgresql::may_change_settings(statement);
  }
  // The lint rules whose findings the earlier migrations can show harmless, and those they do for
  // an up body: a column type change that only widens (column_types.hpp).
  static constexpr lint_rules_mask rules_history_may_clear = rule_bit(rule_id(lint_rule::changing_column_type));
  static constexpr lint_rules_mask cleared_by_history(std::string_view up, std::span<const std::string_view> earlier) {
    return detail::type_changes_only_widen(up, earlier) ? rules_history_may_clear : 0;
  }
  static resume_form resume_form_of(std::string_view statement) { return postgresql::resume_form_of(statement); }
  static std::vector<created_index> indexes_built_by(std::string_view body) { return postgresql::indexes_built_by(body); }

  // What the registry's diagnostics add for PostgreSQL.
  // Forms of a statement refused in a transaction that a resumed run can repeat or look up.
  static constexpr std::string_view idempotent_forms =
      "CREATE INDEX CONCURRENTLY with an index name, or DROP ... IF EXISTS";
  static constexpr std::string_view unsplittable_advice =
      "a BEGIN ATOMIC function body would be split at its semicolons: write the body as a $$ string (AS $$ ... $$)";
};

struct dialect {
  static constexpr std::string_view name = "postgresql";
  using language = postgresql::language;
  using protocol = postgresql::protocol;
};

}  // namespace strata::postgresql
