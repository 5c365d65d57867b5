#pragma once
// What every dialect's lint shares: its rule table (one row per rule, in its enum's order), and
// allowances, `-- strata:allow RULE[, RULE]: reason` in the comments before a statement or
// "RULE[, RULE]: reason" in a migration's `allow` member, read against that table.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "../../core/dialect.hpp"

namespace strata::backend {

template <class Rule>
struct rule_entry {
  Rule rule;
  lint_rule_row row;  // name, safe alternative, destructive, applies outside transactions, breaks the running release
};

// Each rule has its row, in the enum's order, with a name and a safe alternative; at most 64.
template <class Rule, std::size_t N>
constexpr bool rule_table_is_whole(const rule_entry<Rule> (&table)[N]) noexcept {
  if (N > 64) return false;
  for (std::size_t r = 0; r < N; ++r)
    if (static_cast<std::size_t>(table[r].rule) != r || table[r].row.name.empty() || table[r].row.safe_alternative.empty())
      return false;
  return true;
}

template <class Rule, std::size_t N>
constexpr std::array<lint_rule_row, N> rule_rows(const rule_entry<Rule> (&table)[N]) noexcept {
  std::array<lint_rule_row, N> out{};
  for (std::size_t r = 0; r < N; ++r) out[r] = table[r].row;
  return out;
}

constexpr bool allowance_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The rules an allowance names, as bits; `malformed` when a rule is unknown or the reason is missing.
constexpr lint_rules_mask parse_allowance(std::span<const lint_rule_row> rules, std::string_view text, bool& malformed) noexcept {
  lint_rules_mask bits = 0;
  std::size_t i = 0;
  for (;;) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    const std::size_t b = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z') || text[i] == '-')) ++i;
    const std::string_view name = text.substr(b, i - b);
    std::size_t rule = rules.size();
    for (std::size_t r = 0; r < rules.size(); ++r)
      if (rules[r].name == name) rule = r;
    if (rule == rules.size()) {
      malformed = true;
      return 0;
    }
    bits |= rule_bit(static_cast<std::uint8_t>(rule));
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == ',') continue;
    break;
  }
  if (i >= text.size() || text[i] != ':') {
    malformed = true;
    return 0;
  }
  for (++i; i < text.size(); ++i)
    if (!allowance_blank(text[i])) return bits;
  malformed = true;  // no reason
  return 0;
}

// The allowances in the -- comments of s[b, e) (the text between two statements); where the first
// malformed one starts.
constexpr lint_rules_mask comment_allowances(std::span<const lint_rule_row> rules, const char* s, std::size_t b,
                                           std::size_t e, bool& malformed, std::size_t& malformed_at) noexcept {
  constexpr std::string_view marker = "strata:allow";
  lint_rules_mask bits = 0;
  for (std::size_t i = b; i + 1 < e; ++i) {
    if (s[i] != '-' || s[i + 1] != '-') continue;
    std::size_t k = i + 2;
    while (k < e && s[k] == ' ') ++k;
    std::size_t line_end = k;
    while (line_end < e && s[line_end] != '\n' && s[line_end] != '\r') ++line_end;
    if (std::string_view(s + k, line_end - k).substr(0, marker.size()) == marker) {
      bool bad = false;
      bits |= parse_allowance(rules, std::string_view(s + k + marker.size(), line_end - k - marker.size()), bad);
      if (bad && !malformed) {
        malformed = true;
        malformed_at = i;
      }
    }
    i = line_end;
  }
  return bits;
}

}  // namespace strata::backend
