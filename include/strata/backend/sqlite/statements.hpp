#pragma once
// What each statement of an SQL body is to SQLite, read on the lexer's tokens (lexer.hpp):
// statements SQLite refuses in a transaction (VACUUM, PRAGMA journal_mode = ...), and the safety lint (lint.hpp): what its
// ALTER TABLE cannot do, what a populated table refuses, PRAGMA foreign_keys, transaction
// control, and the contractions. A table rebuild (CREATE TABLE new_t, copy, DROP TABLE t, ALTER
// TABLE new_t RENAME TO t, or t renamed away first and created again) replaces the table: its
// DROP and RENAME are not contractions. All at compile time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../../core/dialect.hpp"
#include "lexer.hpp"
#include "lint.hpp"

namespace strata::sqlite {

// An index a statement builds (none that strata needs to look up: SQLite builds indexes inside
// the transaction, so no build is ever left half done).
struct created_index {
  std::string name;
  std::string table;
};

namespace detail {

struct statement_class {
  bool refused_in_transaction = false;  // VACUUM
  lint_rules_mask rules = 0;
  token table{};    // the table the rules concern
  token created{};  // CREATE TABLE's table
  token renamed_to{};  // ALTER TABLE ... RENAME TO's new name
};

constexpr void flag(statement_class& c, lint_rule rule) noexcept { c.rules |= rule_bit(rule_id(rule)); }

// A parenthesised default at the reader (at its '('), left at its ')': whether SQLite reads it as a
// value without evaluating anything (ALTER TABLE ... ADD COLUMN refuses any other default on a
// table with rows): literals, NULL, TRUE, FALSE, a sign, CAST(... AS type) and parentheses.
// An operator between two operands, a function call or a column is an expression.
constexpr bool constant_expression(token_reader& r) noexcept {
  int depth = 0;
  bool operand_before = false;  // the last token ends an operand: a sign after it is an operator
  bool type_name = false;       // after CAST's AS: the words of a type
  while (!r.done()) {
    const token t = r.current;
    if (r.is_punct('(')) {
      ++depth;
      operand_before = false;
    } else if (r.is_punct(')')) {
      if (--depth == 0) return true;
      operand_before = true;
      type_name = false;
    } else if (r.is_punct('+') || r.is_punct('-')) {
      if (operand_before) return false;  // 1 + 1
    } else if (t.kind == token_kind::string || t.kind == token_kind::number || r.is("null") || r.is("true") ||
               r.is("false")) {
      operand_before = true;
    } else if (r.is("cast")) {
      r.advance();
      if (!r.is_punct('(')) return false;
      continue;
    } else if (r.is("as")) {
      type_name = true;
    } else if (!(type_name && t.kind == token_kind::word)) {
      return false;  // a column, a function, CURRENT_TIMESTAMP, an operator word
    }
    r.advance();
  }
  return false;
}

// ADD [COLUMN] name type constraints...: what SQLite refuses on a table that holds rows (or on any).
constexpr void classify_added_column(token_reader& r, statement_class& c) noexcept {
  if (r.is("constraint") || r.is("primary") || r.is("foreign") || r.is("unique") || r.is("check")) {
    flag(c, lint_rule::unsupported_add_constraint);
    return;
  }
  if (!r.is_name()) return;
  r.advance();
  bool not_null = false, has_default = false, non_constant = false;
  int depth = 0;
  while (!r.done() && !r.is_punct(';')) {
    if (r.is_punct('(')) ++depth;
    else if (r.is_punct(')')) --depth;
    else if (depth == 0 && r.is("not")) {
      r.advance();
      if (r.is("null")) not_null = true;
      continue;
    } else if (depth == 0 && (r.is("unique") || r.is("primary"))) {
      flag(c, lint_rule::disallowed_unique_constraint);
    } else if (depth == 0 && r.is("default")) {
      r.advance();
      has_default = !r.is("null");  // DEFAULT NULL is none: SQLite refuses it with NOT NULL as well
      if (r.is("current_time") || r.is("current_date") || r.is("current_timestamp")) non_constant = true;
      if (r.is_punct('(')) {  // an expression: SQLite takes it only when it is a value as written
        non_constant = !constant_expression(r);
        if (r.is_punct(')')) r.advance();
      }
      continue;
    }
    r.advance();
  }
  if (not_null && !has_default) flag(c, lint_rule::adding_not_nullable_field);
  if (non_constant) flag(c, lint_rule::adding_field_with_default);
}

constexpr statement_class classify_statement(const char* s, std::size_t n) noexcept {
  statement_class c;
  token_reader r(s, n);
  if (r.take("create")) {
    if (!r.take("temp")) r.take("temporary");
    if (r.take("table")) {
      if (r.take("if")) {
        r.take("not");
        r.take("exists");
      }
      c.created = r.take_name();
      return c;
    }
    r.take("unique");
    if (r.take("index") && r.is("concurrently")) flag(c, lint_rule::unsupported_concurrently);
    return c;
  }
  if (r.take("drop")) {
    if (r.take("index")) {
      if (r.is("concurrently")) flag(c, lint_rule::unsupported_concurrently);
      return c;
    }
    if (!r.take("table")) return c;
    if (r.take("if")) r.take("exists");
    c.table = r.take_name();
    flag(c, lint_rule::ban_drop_table);
    return c;
  }
  if (r.take("alter")) {
    if (!r.take("table")) return c;
    c.table = r.take_name();
    if (r.take("rename")) {
      if (r.take("to")) {
        c.renamed_to = r.take_name();
        flag(c, lint_rule::renaming_table);
      } else {
        flag(c, lint_rule::renaming_column);
      }
    } else if (r.take("drop")) {
      if (r.is("constraint")) flag(c, lint_rule::unsupported_add_constraint);
      else flag(c, lint_rule::ban_drop_column);
    } else if (r.take("add")) {
      r.take("column");
      classify_added_column(r, c);
    } else if (r.is("alter")) {
      flag(c, lint_rule::unsupported_alter_column);
    }
    return c;
  }
  if (r.take("pragma")) {
    const token name = r.take_name();
    if (keyword_at(s, name.begin, name.end, "foreign_keys")) flag(c, lint_rule::ban_foreign_keys_pragma);
    // SQLite: "cannot change into wal mode from within a transaction"
    if (keyword_at(s, name.begin, name.end, "journal_mode") && (r.is_punct('=') || r.is_punct('(')))
      c.refused_in_transaction = true;
    return c;
  }
  if (r.is("vacuum")) {
    c.refused_in_transaction = true;
    return c;
  }
  if (r.is("begin") || r.is("commit") || r.is("end") || r.is("rollback") || r.is("savepoint") || r.is("release"))
    flag(c, lint_rule::transaction_nesting);
  return c;
}

// Allowances (backend/common/rules.hpp), against SQLite's rules.
constexpr lint_rules_mask parse_allowance(std::string_view text, bool& malformed) noexcept {
  return backend::parse_allowance(lint_rules, text, malformed);
}

// The rules that do not concern a table the same body created (it holds no rows, and no release
// uses it yet); the others are what SQLite cannot do on any table.
inline constexpr lint_rules_mask rules_for_existing_tables =
    rule_bit(rule_id(lint_rule::adding_not_nullable_field)) | rule_bit(rule_id(lint_rule::adding_field_with_default)) |
    rule_bit(rule_id(lint_rule::ban_drop_column)) | rule_bit(rule_id(lint_rule::ban_drop_table)) |
    rule_bit(rule_id(lint_rule::renaming_column)) | rule_bit(rule_id(lint_rule::renaming_table));

struct ignore_findings {
  constexpr void operator()(const body_finding&) const noexcept {}
};

// One pass over a body: the split, the checksum, and each statement classified (core/dialect.hpp
// sql_analysis); `each` sees every finding.
template <class Each = ignore_findings>
constexpr sql_analysis analyse_sql(std::string_view text, std::uint64_t& checksum, lint_rules_mask allowed = 0,
                                   bool down = false, Each&& each = {}) {
  sql_analysis a;
  std::vector<statement_span> spans;
  const scan_result scanned = scan_sql(text, checksum, [&](statement_span sp) { spans.push_back(sp); });
  std::vector<statement_class> classes;
  for (const statement_span& sp : spans) {
    statement_class c = classify_statement(text.data() + sp.begin, sp.end - sp.begin);
    for (token* t : {&c.table, &c.created, &c.renamed_to})
      if (t->kind != token_kind::end) {
        t->begin += static_cast<std::uint32_t>(sp.begin);
        t->end += static_cast<std::uint32_t>(sp.begin);
      }
    classes.push_back(c);
  }
  // Whether statement k's table is new to this body at k (created, or renamed into its name,
  // before it): it holds no rows yet, and no release uses it.
  const auto named_before = [&](std::size_t k, token t) {
    for (std::size_t j = 0; j < k; ++j)
      if (same_name(text.data(), classes[j].created, t) || same_name(text.data(), classes[j].renamed_to, t)) return true;
    return false;
  };
  // Whether statement k is a step of a table rebuild: a DROP of a table another one is renamed
  // into after it, or a RENAME of a table that is created again after it under its name.
  const auto replaced_after = [&](std::size_t k) {
    const token t = classes[k].table;
    const bool drop = (classes[k].rules & rule_bit(rule_id(lint_rule::ban_drop_table))) != 0;
    for (std::size_t j = k + 1; j < classes.size(); ++j)
      if (same_name(text.data(), classes[j].renamed_to, t) || (!drop && same_name(text.data(), classes[j].created, t)))
        return true;
    return false;
  };
  constexpr lint_rules_mask rebuild_steps =
      rule_bit(rule_id(lint_rule::ban_drop_table)) | rule_bit(rule_id(lint_rule::renaming_table));
  std::size_t previous_end = 0;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    const statement_span sp = spans[k];
    const statement_class& c = classes[k];
    ++a.statement_count;
    if (c.refused_in_transaction) {
      if (!a.has_refused_statement) a.first_refused = sp;
      a.has_refused_statement = true;
      each(body_finding{finding_kind::refused_in_transaction, sp, no_lint_rule});
    }
    bool bad = false;
    std::size_t bad_at = 0;
    const lint_rules_mask here = backend::comment_allowances(lint_rules, text.data(), previous_end, sp.begin, bad, bad_at);
    if (bad) {
      std::size_t line_end = bad_at;
      while (line_end < sp.begin && text[line_end] != '\n' && text[line_end] != '\r') ++line_end;
      if (!a.bad_allowance) a.bad_allowance_at = {bad_at, line_end};
      a.bad_allowance = true;
      each(body_finding{finding_kind::bad_allowance, {bad_at, line_end}, no_lint_rule});
    }
    previous_end = sp.end;
    lint_rules_mask hits = c.rules & ~(allowed | here);
    if (down)
      for (std::uint8_t r = 0; r < lint_rule_count; ++r)
        if (lint_rules[r].destructive) hits &= ~rule_bit(r);
    if ((hits & rules_for_existing_tables) && c.table.kind != token_kind::end && named_before(k, c.table))
      hits &= ~rules_for_existing_tables;
    if ((hits & rebuild_steps) && replaced_after(k)) hits &= ~rebuild_steps;
    for (std::uint8_t r = 0; r < lint_rule_count; ++r) {
      if (!(hits & rule_bit(r))) continue;
      if (a.first_rule == no_lint_rule) {
        a.first_rule = r;
        a.first_lint = sp;
      }
      a.lint_hits |= rule_bit(r);
      each(body_finding{finding_kind::lint, sp, r});
    }
  }
  a.error = scanned.error;
  a.error_at = scanned.error_at;
  if (a.error != scan_error::none) each(body_finding{finding_kind::unterminated, {a.error_at, text.size()}, no_lint_rule});
  return a;
}

}  // namespace detail

// Number of statements in a body.
constexpr std::size_t statement_count(std::string_view text) {
  std::size_t count = 0;
  std::uint64_t ignored = detail::checksum_start;
  detail::scan_sql(text, ignored, [&](statement_span) { ++count; });
  return count;
}

// Splits with the lexer's rules; out(statement, offset) for each statement.
template <class Out>
constexpr scan_result split_statements(std::string_view text, Out&& out) {
  std::uint64_t ignored = detail::checksum_start;
  return detail::scan_sql(text, ignored,
                          [&](statement_span sp) { out(text.substr(sp.begin, sp.end - sp.begin), sp.begin); });
}

// The checksum of a migration's SQL bodies (backend/common/checksum.hpp).
constexpr std::uint64_t sql_checksum(std::string_view up, std::string_view down) {
  return backend::bodies_checksum(up, down,
                                  [](std::string_view text, std::uint64_t& state) { detail::scan_sql(text, state, [](statement_span) {}); });
}

constexpr bool refused_in_transaction(std::string_view body) {
  std::uint64_t ignored = detail::checksum_start;
  return detail::analyse_sql(body, ignored).has_refused_statement;
}

// A whole BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION]; or COMMIT|END [TRANSACTION]; (a
// golang-migrate file's own wrapper, dsl/formats/).
constexpr bool opens_transaction(std::string_view statement) noexcept {
  detail::token_reader r(statement.data(), statement.size());
  if (!r.take("begin")) return false;
  if (!r.take("deferred") && !r.take("immediate")) r.take("exclusive");
  r.take("transaction");
  if (r.is_punct(';')) r.advance();
  return r.done();
}
constexpr bool closes_transaction(std::string_view statement) noexcept {
  detail::token_reader r(statement.data(), statement.size());
  if (!r.take("commit") && !r.take("end")) return false;
  r.take("transaction");
  if (r.is_punct(';')) r.advance();
  return r.done();
}

// The lint rules a statement breaks in a transactional migration's `up` (the first one), or none.
constexpr lint_rule lint_rule_of(std::string_view statement) {
  std::uint64_t ignored = detail::checksum_start;
  return static_cast<lint_rule>(detail::analyse_sql(statement, ignored).first_rule);
}

}  // namespace strata::sqlite
