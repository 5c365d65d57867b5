#pragma once
// SQLite as a dialect (core/dialect.hpp): its language (lexer.hpp, statements.hpp, lint.hpp)
// and its protocol (protocol.hpp). A registry uses it when it names it first:
// `strata::registry<strata::sqlite::dialect, Ms...>`.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "../../core/dialect.hpp"
#include "lexer.hpp"
#include "lint.hpp"
#include "protocol.hpp"
#include "statements.hpp"

namespace strata::sqlite {

struct language {
  static constexpr std::span<const lint_rule_row> lint_rules = sqlite::lint_rules;
  static constexpr std::uint64_t checksum_start = detail::checksum_start;
  static constexpr void checksum_separator(std::uint64_t& state) noexcept { detail::checksum_separator(state); }
  static constexpr sql_analysis analyse(std::string_view text, std::uint64_t& checksum, analysis_context c) {
    return detail::analyse_sql(text, checksum, c.allowed, c.down);
  }
  static constexpr std::vector<body_finding> findings(std::string_view text, analysis_context c) {
    std::vector<body_finding> out;
    std::uint64_t ignored = checksum_start;
    detail::analyse_sql(text, ignored, c.allowed, c.down, [&out](const body_finding& f) { out.push_back(f); });
    return out;
  }
  static constexpr lint_rules_mask parse_allowance(std::string_view text, bool& malformed) noexcept {
    return detail::parse_allowance(text, malformed);
  }
  static constexpr std::uint64_t checksum(std::string_view up, std::string_view down) { return sqlite::sql_checksum(up, down); }
  static constexpr std::size_t statement_count(std::string_view text) { return sqlite::statement_count(text); }
  template <class Out>
  static constexpr scan_result split(std::string_view text, Out&& out) {
    return sqlite::split_statements(text, static_cast<Out&&>(out));
  }
  static constexpr bool refused_in_transaction(std::string_view body) { return sqlite::refused_in_transaction(body); }
  static constexpr bool opens_transaction(std::string_view statement) { return sqlite::opens_transaction(statement); }
  static constexpr bool closes_transaction(std::string_view statement) { return sqlite::closes_transaction(statement); }
  static constexpr std::string_view transaction_wrapper = "BEGIN; ... COMMIT;";
  static constexpr bool runs_concurrently(std::string_view) { return false; }
  static constexpr bool may_change_settings(std::string_view) { return false; }
  static constexpr lint_rules_mask rules_history_may_clear = 0;
  static constexpr lint_rules_mask cleared_by_history(std::string_view, std::span<const std::string_view>) { return 0; }
  // A migration outside a transaction is refused when it runs (protocol::no_lock_outside_transaction):
  // its statements run as written.
  static resume_form resume_form_of(std::string_view statement) {
    if (opens_transaction(statement)) return {resume_kind::opens_transaction, {}, {}};
    if (closes_transaction(statement)) return {resume_kind::closes_transaction, {}, {}};
    return {resume_kind::as_written, {}, {}};
  }
  static std::vector<created_index> indexes_built_by(std::string_view) { return {}; }

  static constexpr std::string_view idempotent_forms = "CREATE ... IF NOT EXISTS, or DROP ... IF EXISTS";
  static constexpr std::string_view unsplittable_advice = "end the trigger's body with END";
};

struct dialect {
  static constexpr std::string_view name = "sqlite";
  using language = sqlite::language;
  using protocol = sqlite::protocol;
};

}  // namespace strata::sqlite
