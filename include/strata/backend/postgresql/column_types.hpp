#pragma once
// Column types as a registry's migrations declare them, to tell a type change that only widens a
// column (varchar(n) to text or to a larger n, numeric(p,s) to a larger p or to numeric), which
// PostgreSQL makes without rewriting the table, from one that rewrites it under ACCESS EXCLUSIVE
// (the lint's changing-column-type). The old type is read from the statements before the change:
// earlier in its body, then in the earlier migrations' up bodies, latest first. A column whose
// declaration is not found (created outside the registry, renamed) is taken to rewrite.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "lexer.hpp"

namespace strata::postgresql::detail {

struct column_type {
  enum class family : std::uint8_t { other, character_varying, text, numeric };
  family kind = family::other;
  std::int64_t size = -1;  // varchar's length or numeric's precision; -1: none (unlimited)
  std::int64_t scale = 0;
};

constexpr std::int64_t digits_value(const char* s, token t) noexcept {
  std::int64_t v = 0;
  for (std::uint32_t k = t.begin; k < t.end; ++k) {
    if (s[k] < '0' || s[k] > '9') return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

// The type at the reader (after a column's name, or after TYPE): the families that can widen;
// anything else (arrays too) is `other`.
constexpr column_type read_column_type(token_reader& r) noexcept {
  using family = column_type::family;
  column_type t;
  if (r.take("varchar")) t.kind = family::character_varying;
  else if (r.take("character")) {
    if (!r.take("varying")) return {};
    t.kind = family::character_varying;
  } else if (r.take("text")) t.kind = family::text;
  else if (r.take("numeric") || r.take("decimal")) t.kind = family::numeric;
  else return {};
  if (r.is_punct('(')) {
    r.advance();
    if (r.current.kind != token_kind::number || (t.size = digits_value(r.s, r.current)) < 0) return {};
    r.advance();
    if (r.is_punct(',')) {
      r.advance();
      if (r.current.kind != token_kind::number || (t.scale = digits_value(r.s, r.current)) < 0) return {};
      r.advance();
    }
    if (!r.is_punct(')')) return {};
    r.advance();
  }
  if (r.is_punct('[') || r.is("array")) return {};
  return t;
}

// Whether PostgreSQL changes `from` to `to` without rewriting the table or scanning it.
constexpr bool widens_without_rewrite(column_type from, column_type to) noexcept {
  using family = column_type::family;
  if (from.kind == family::other || to.kind == family::other) return false;
  if (from.kind == family::numeric || to.kind == family::numeric) {
    if (from.kind != to.kind) return false;
    if (to.size < 0) return true;  // numeric without precision holds every numeric
    return from.size >= 0 && to.scale == from.scale && to.size >= from.size;
  }
  if (to.kind == family::text || to.size < 0) return true;  // text and varchar hold every varchar
  return from.kind == family::character_varying && from.size >= 0 && to.size >= from.size;
}

// To the comma that ends an ALTER TABLE action (or the end), over parentheses.
constexpr void skip_action(token_reader& r) noexcept {
  for (int depth = 0; !r.done(); r.advance()) {
    if (r.is_punct('(')) ++depth;
    else if (r.is_punct(')')) --depth;
    else if (depth == 0 && r.is_punct(',')) {
      r.advance();
      return;
    }
  }
}

// Each column type a statement declares or changes: each(table, column, type, changed) with the
// names as tokens of the statement; `changed` for ALTER COLUMN ... TYPE, which `rewrites` when it
// has USING or COLLATE. CREATE TABLE's columns, ALTER TABLE's ADD COLUMN and ALTER COLUMN TYPE.
template <class Each>
constexpr void column_types_in(std::string_view statement, Each&& each) {
  token_reader r(statement.data(), statement.size());
  if (r.take("create")) {
    r.take("unlogged");
    if (!r.take("table")) return;
    if (r.take("if")) {
      r.take("not");
      r.take("exists");
    }
    const token table = r.take_name();
    if (!r.is_punct('(')) return;
    r.advance();
    while (!r.done() && !r.is_punct(')')) {  // each element at depth 1
      const bool constraint = r.is("constraint") || r.is("primary") || r.is("unique") || r.is("check") ||
                              r.is("foreign") || r.is("exclude") || r.is("like");
      if (!constraint && r.is_name()) {
        const token column = r.current;
        r.advance();
        each(table, column, read_column_type(r), false, false);
      }
      for (int depth = 0; !r.done(); r.advance()) {
        if (r.is_punct('(')) ++depth;
        else if (r.is_punct(')')) {
          if (depth == 0) break;
          --depth;
        } else if (depth == 0 && r.is_punct(',')) {
          r.advance();
          break;
        }
      }
    }
    return;
  }
  if (!r.take("alter") || !r.take("table")) return;
  if (r.take("if")) r.take("exists");
  r.take("only");
  const token table = r.take_name();
  if (r.is_punct('*')) r.advance();
  while (!r.done()) {
    if (r.take("add")) {
      if (!r.is("constraint") && !r.is("primary") && !r.is("unique") && !r.is("check") && !r.is("foreign") &&
          !r.is("exclude")) {
        r.take("column");
        if (r.take("if")) {
          r.take("not");
          r.take("exists");
        }
        const token column = r.current;
        r.advance();
        each(table, column, read_column_type(r), false, false);
      }
    } else if (r.take("alter")) {
      r.take("column");
      const token column = r.current;
      r.advance();
      if ((r.take("set") && r.take("data") && r.take("type")) || r.take("type")) {
        const column_type to = read_column_type(r);
        each(table, column, to, true, r.is("using") || r.is("collate"));
      }
    }
    skip_action(r);
  }
}

// The type `column` of `table` (tokens of `names`) has after the statements of `body` that end
// before `until`: the last declaration found, or false.
constexpr bool declared_type(std::string_view body, std::size_t until, const char* names, token table, token column,
                             column_type& out) {
  bool found = false;
  std::uint64_t ignored = 0;
  scan_sql(body, ignored, [&](statement_span sp) {
    if (sp.end > until) return;
    const char* s = body.data() + sp.begin;
    column_types_in(body.substr(sp.begin, sp.end - sp.begin), [&](token t, token c, column_type type, bool, bool) {
      if (same_name_in(s, t, names, table) && same_name_in(s, c, names, column)) {
        out = type;
        found = true;
      }
    });
  });
  return found;
}

// Whether every column type change in `body` only widens its column, the old type read before it
// in `body`, then in `earlier` (up bodies in apply order), latest first. False without a change.
constexpr bool type_changes_only_widen(std::string_view body, std::span<const std::string_view> earlier) {
  bool any = false, all = true;
  std::uint64_t ignored = 0;
  scan_sql(body, ignored, [&](statement_span sp) {
    const std::string_view statement = body.substr(sp.begin, sp.end - sp.begin);
    column_types_in(statement, [&](token table, token column, column_type to, bool changed, bool rewrites) {
      if (!changed || !all) return;
      any = true;
      column_type from;
      bool found = declared_type(body, sp.begin, statement.data(), table, column, from);
      for (std::size_t k = earlier.size(); !found && k > 0; --k)
        found = declared_type(earlier[k - 1], earlier[k - 1].size(), statement.data(), table, column, from);
      if (!found || rewrites || !widens_without_rewrite(from, to)) all = false;
    });
  });
  return any && all;
}

}  // namespace strata::postgresql::detail
