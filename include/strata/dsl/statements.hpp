#pragma once
// What each statement of an SQL body is, read on tokens (keywords and identifiers, quoted
// identifiers, literals, numbers, parameters, punctuation) with the lexical rules of the splitter
// in sql.hpp (PostgreSQL's scan.l): comments, literals, dollar quotes and quoted identifiers are
// never read as words. From them: statements PostgreSQL refuses in a transaction block,
// BEGIN ATOMIC bodies, statements that cannot run twice, and the safety lint (README "The safety
// lint"): statements that would queue production behind a lock, rewrite or scan a table under
// one, or break the release still running. All at compile time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sql.hpp"

namespace strata {

// The lint's rules, with squawk's names.
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
  none,
};
inline constexpr std::size_t lint_rule_count = static_cast<std::size_t>(lint_rule::none);

struct lint_rule_info {
  std::string_view name;
  std::string_view safe_alternative;
  bool breaks_running_release;  // destructive: not applied to `down` bodies
};

inline constexpr std::array<lint_rule_info, lint_rule_count> lint_rules{{
    {"require-concurrent-index-creation",
     "CREATE INDEX CONCURRENTLY in a migration with `transactional = false`", false},
    {"require-concurrent-index-deletion", "DROP INDEX CONCURRENTLY in a migration with `transactional = false`", false},
    {"require-concurrent-reindex", "REINDEX ... CONCURRENTLY in a migration with `transactional = false`", false},
    {"constraint-missing-not-valid", "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration",
     false},
    {"adding-foreign-key-constraint",
     "add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later migration", false},
    {"adding-not-nullable-field",
     "add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (it then skips the scan)", false},
    {"adding-required-field", "add the column with a constant DEFAULT, or nullable and backfilled", false},
    {"changing-column-type", "add a new column, backfill it, switch readers, then drop the old one", false},
    {"adding-field-with-default",
     "add the column without the volatile default (or as a plain integer), set the default, backfill in batches", false},
    {"disallowed-unique-constraint",
     "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE|PRIMARY KEY USING INDEX", false},
    {"ban-drop-column", "stop reading the column in a release first; allow it with its reason", true},
    {"ban-drop-table", "stop using the table in a release first; allow it with its reason", true},
    {"ban-drop-database", "drop databases outside migrations", true},
    {"ban-truncate-cascade", "TRUNCATE the tables by name, without CASCADE", true},
    {"renaming-column", "add a new column and migrate readers, or a view; allow it with its reason", true},
    {"renaming-table", "create a view under the new name, or migrate readers first; allow it with its reason", true},
    {"prefer-repack", "pg_repack (or pg_squeeze) rewrites a table without holding an exclusive lock", false},
    {"transaction-nesting", "the migration runs in its own transaction: leave out BEGIN, COMMIT and ROLLBACK",
     false},
}};

// The rule named `name`, or lint_rule::none.
constexpr lint_rule lint_rule_named(std::string_view name) noexcept {
  for (std::size_t r = 0; r < lint_rule_count; ++r)
    if (lint_rules[r].name == name) return static_cast<lint_rule>(r);
  return lint_rule::none;
}

constexpr std::uint32_t rule_bit(lint_rule r) noexcept { return std::uint32_t{1} << static_cast<unsigned>(r); }

// The rules that apply outside a transaction too: those that break the release still running,
// and prefer-repack (VACUUM FULL runs only outside one). The lock rules concern transactional
// migrations, whose statements hold their locks to the end.
inline constexpr std::uint32_t rules_outside_transactions = [] {
  std::uint32_t bits = rule_bit(lint_rule::prefer_repack);
  for (std::size_t r = 0; r < lint_rule_count; ++r)
    if (lint_rules[r].breaks_running_release) bits |= rule_bit(static_cast<lint_rule>(r));
  return bits;
}();

namespace detail {

enum class token_kind : std::uint8_t { end, word, quoted, string, number, param, punct };

struct token {
  token_kind kind = token_kind::end;
  std::uint32_t begin = 0, end = 0;
};

// PostgreSQL's whitespace, as the splitter reads it (sql.hpp): not the vertical tab.
constexpr bool sql_blank(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; }
constexpr bool ident_start(char c) noexcept {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
constexpr bool ident_cont(char c) noexcept { return ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }

// Past a quoted text opening at s[i] ('...' or "..."; a doubled quote stays inside; with
// `escapes`, a backslash escapes the next character).
constexpr void skip_quoted(const char* s, std::size_t n, std::size_t& i, char q, bool escapes) noexcept {
  ++i;
  while (i < n) {
    if (escapes && s[i] == '\\') {
      i += 2;
    } else if (s[i] == q) {
      ++i;
      if (i < n && s[i] == q) ++i;
      else return;
    } else {
      ++i;
    }
  }
}

// The next token at or after s[i], past blanks and comments; i moves past it.
constexpr token next_token(const char* s, std::size_t n, std::size_t& i) noexcept {
  for (;;) {  // blanks and comments
    while (i < n && sql_blank(s[i])) ++i;
    if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {  // to the line break, \n or a lone \r
      while (i < n && s[i] != '\n' && s[i] != '\r') ++i;
    } else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
      std::size_t nesting = 0;
      while (i < n) {
        if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
          ++nesting;
          i += 2;
        } else if (i + 1 < n && s[i] == '*' && s[i + 1] == '/') {
          i += 2;
          if (--nesting == 0) break;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  token t;
  if (i >= n) return t;
  t.begin = static_cast<std::uint32_t>(i);
  const char c = s[i];
  const char lower = static_cast<char>(c | 0x20);
  const bool prefixed = i + 1 < n && s[i + 1] == '\'' && (lower == 'e' || lower == 'b' || lower == 'x' || lower == 'n');
  if (ident_start(c) && !prefixed && !(lower == 'u' && i + 1 < n && s[i + 1] == '&')) {  // the common case
    while (i < n && ident_cont(s[i])) ++i;
    t.kind = token_kind::word;
  } else if (prefixed) {
    ++i;
    skip_quoted(s, n, i, '\'', lower == 'e');
    if (lower == 'e')  // continued on a later line, with escapes still
      while (const std::size_t again = continuing_quote(s, i, n)) {
        i = again;
        skip_quoted(s, n, i, '\'', true);
      }
    t.kind = token_kind::string;
  } else if (lower == 'u' && i + 2 < n && s[i + 1] == '&' && (s[i + 2] == '\'' || s[i + 2] == '"')) {
    i += 2;
    t.kind = s[i] == '"' ? token_kind::quoted : token_kind::string;
    skip_quoted(s, n, i, s[i], false);
  } else if (c == '\'') {
    skip_quoted(s, n, i, '\'', false);
    t.kind = token_kind::string;
  } else if (c == '"') {
    skip_quoted(s, n, i, '"', false);
    t.kind = token_kind::quoted;
  } else if (c == '$' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
    for (++i; i < n && s[i] >= '0' && s[i] <= '9';) ++i;
    t.kind = token_kind::param;
  } else if (c == '$') {  // $$ or $tag$ ... $tag$, else a lone '$'
    std::size_t e = i + 1;
    while (e < n && s[e] != '$' && ident_cont(s[e])) ++e;
    const bool delimiter = e < n && s[e] == '$' && (e == i + 1 || ident_start(s[i + 1]));
    if (!delimiter) {
      ++i;
      t.kind = token_kind::punct;
    } else {
      const std::size_t tag = e - i + 1;
      i = e + 1;
      while (i < n) {
        bool match = s[i] == '$' && i + tag <= n;
        for (std::size_t m = 1; match && m < tag; ++m) match = s[i + m] == s[t.begin + m];
        if (match) {
          i += tag;
          break;
        }
        ++i;
      }
      t.kind = token_kind::string;
    }
  } else if (ident_start(c)) {
    while (i < n && ident_cont(s[i])) ++i;
    t.kind = token_kind::word;
  } else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_')) ++i;
    if (i < n && (s[i] | 0x20) == 'e') {
      ++i;
      if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    }
    t.kind = token_kind::number;
  } else {
    ++i;
    t.kind = token_kind::punct;
  }
  t.end = static_cast<std::uint32_t>(i);
  return t;
}

// A statement's tokens, read one at a time, with the keyword tests the classifier needs.
struct token_reader {
  const char* s;
  std::size_t n;
  std::size_t at = 0;
  token current{};

  constexpr token_reader(const char* text, std::size_t size) noexcept : s(text), n(size) { advance(); }
  constexpr void advance() noexcept { current = next_token(s, n, at); }
  constexpr bool done() const noexcept { return current.kind == token_kind::end; }

  template <std::size_t N>
  constexpr bool is(const char (&lower_word)[N]) const noexcept {
    return current.kind == token_kind::word && current.end - current.begin == N - 1 &&
           (s[current.begin] | 0x20) == lower_word[0] && keyword_at(s, current.begin, current.end, lower_word);
  }
  constexpr bool is_punct(char c) const noexcept {
    return current.kind == token_kind::punct && s[current.begin] == c;
  }
  // Consumes the keyword when it is next.
  template <std::size_t N>
  constexpr bool take(const char (&lower_word)[N]) noexcept {
    if (!is(lower_word)) return false;
    advance();
    return true;
  }
  constexpr bool is_name() const noexcept { return current.kind == token_kind::word || current.kind == token_kind::quoted; }
  // A possibly qualified name (a.b."c"); returns its last part.
  constexpr token take_name() noexcept {
    token last{};
    while (is_name()) {
      last = current;
      advance();
      if (!is_punct('.')) break;
      advance();
    }
    return last;
  }
};

// Whether two name tokens (of the same body) name the same object: a word folds to lower case, a
// quoted identifier does not.
constexpr bool same_name(const char* s, token a, token b) noexcept {
  if (a.kind == token_kind::end || b.kind == token_kind::end) return false;
  auto folded = [&](token t, std::uint32_t& b0, std::uint32_t& e0) {
    b0 = t.begin;
    e0 = t.end;
    if (t.kind == token_kind::quoted) {
      ++b0;
      --e0;
    }
  };
  std::uint32_t ab = 0, ae = 0, bb = 0, be = 0;
  folded(a, ab, ae);
  folded(b, bb, be);
  if (ae - ab != be - bb) return false;
  for (std::uint32_t k = 0; k < ae - ab; ++k) {
    char x = s[ab + k], y = s[bb + k];
    if (a.kind == token_kind::word && x >= 'A' && x <= 'Z') x = static_cast<char>(x | 0x20);
    if (b.kind == token_kind::word && y >= 'A' && y <= 'Z') y = static_cast<char>(y | 0x20);
    if (x != y) return false;
  }
  return true;
}

enum class statement_kind : std::uint8_t {
  ordinary,
  refused_in_transaction,  // PostgreSQL: "cannot run inside a transaction block"
  atomic_routine,          // CREATE FUNCTION|PROCEDURE ... BEGIN ATOMIC: its own ';'s would split it
};

struct statement_class {
  statement_kind kind = statement_kind::ordinary;
  // CREATE or DROP without IF [NOT] EXISTS, ALTER TYPE ... ADD VALUE without IF NOT EXISTS: running
  // it twice fails, so a non-transactional migration could not be resumed after an interruption.
  bool not_idempotent = false;
  lint_rule rule = lint_rule::none;
  token table{};    // the table `rule` concerns (exempt when the same body created it)
  token created{};  // CREATE TABLE's table
};

// The default expression of a column (at the reader, after DEFAULT): whether it calls a volatile
// function, which makes PostgreSQL rewrite the table (a constant or now() does not).
constexpr bool volatile_default(token_reader& r) noexcept {
  int depth = 0;
  bool found = false;
  while (!r.done()) {
    if (r.is_punct('(')) ++depth;
    else if (r.is_punct(')')) {
      if (depth == 0) break;
      --depth;
    } else if (depth == 0 && (r.is_punct(',') || r.is("not") || r.is("null") || r.is("constraint") ||
                              r.is("references") || r.is("check") || r.is("unique") || r.is("primary") ||
                              r.is("generated") || r.is("collate")))
      break;
    else if (r.is("random") || r.is("clock_timestamp") || r.is("gen_random_uuid") || r.is("uuid_generate_v1") ||
             r.is("uuid_generate_v4") || r.is("timeofday") || r.is("nextval") || r.is("txid_current") ||
             r.is("statement_timestamp"))
      found = true;
    r.advance();
  }
  return found;
}

// Skips to the end of the current ALTER TABLE action (a ',' outside parentheses), noting NOT VALID
// and USING INDEX on the way.
struct action_tail {
  bool not_valid = false, using_index = false, not_null = false, has_default = false, volatile_value = false,
       references = false, unique = false;
};
constexpr action_tail read_action(token_reader& r) noexcept {
  action_tail a;
  int depth = 0;
  while (!r.done()) {
    if (r.is_punct('(')) ++depth;
    else if (r.is_punct(')')) --depth;
    else if (depth == 0 && r.is_punct(',')) break;
    else if (depth == 0 && r.is("not")) {
      r.advance();
      if (r.is("valid")) a.not_valid = true;
      if (r.is("null")) a.not_null = true;
      continue;
    } else if (depth == 0 && r.is("using")) {
      r.advance();
      if (r.is("index")) a.using_index = true;
      continue;
    } else if (depth == 0 && r.is("default")) {
      a.has_default = true;
      r.advance();
      if (volatile_default(r)) a.volatile_value = true;
      continue;
    } else if (depth == 0 && r.is("references")) a.references = true;
    else if (depth == 0 && (r.is("unique") || r.is("primary"))) a.unique = true;
    else if (depth == 0 && (r.is("serial") || r.is("bigserial") || r.is("smallserial") || r.is("serial2") ||
                            r.is("serial4") || r.is("serial8")))
      a.volatile_value = true;
    r.advance();
  }
  return a;
}

// Reads a statement once. Its first keyword decides what is read of the rest.
// `refusal_only`: only whether PostgreSQL refuses it in a transaction block matters (a
// transactional migration's `down`, where no lint rule of a DROP applies and nothing is resumed).
constexpr statement_class classify_statement(const char* s, std::size_t n, bool refusal_only = false) noexcept {
  statement_class c;
  // Most statements are none of these: their first letters alone say so, before any token is read.
  const char first = n > 1 ? static_cast<char>(s[0] | 0x20) : '\0', second = n > 1 ? static_cast<char>(s[1] | 0x20) : '\0';
  const bool head = (first == 'c' && (second == 'r' || second == 'l' || (second == 'o' && n > 2 && (s[2] | 0x20) == 'm' &&
                                                                          n > 3 && (s[3] | 0x20) == 'm' && n > 4 &&
                                                                          (s[4] | 0x20) == 'i'))) ||
                    (first == 'd' && (second == 'r' || second == 'i')) || (first == 'a' && (second == 'l' || second == 'b')) ||
                    (first == 'r' && (second == 'e' || second == 'o')) || (first == 'v' && second == 'a') ||
                    (first == 't' && second == 'r') || (first == 'b' && second == 'e') || (first == 'e' && second == 'n') ||
                    (first == 's' && (second == 'a' || second == 't'));
  if (!head) return c;
  token_reader r(s, n);
  auto refused = [&c] { c.kind = statement_kind::refused_in_transaction; };
  auto flag = [&c](lint_rule rule) {
    if (c.rule == lint_rule::none) c.rule = rule;
  };
  if (r.take("create")) {
    const bool replace = r.take("or") && r.take("replace");
    const bool unique = r.take("unique");
    if (r.take("index")) {
      const bool concurrently = r.take("concurrently");
      const bool if_not_exists = r.take("if") && r.take("not") && r.take("exists");
      if (!r.is("on")) r.take_name();
      if (r.take("on")) {
        r.take("only");
        c.table = r.take_name();
      }
      if (concurrently) refused();
      else flag(lint_rule::require_concurrent_index_creation);
      c.not_idempotent = !if_not_exists;
      return c;
    }
    (void)unique;
    if (r.take("function") || r.take("procedure")) {
      bool after_begin = false;
      for (; !r.done(); r.advance()) {
        if (after_begin && r.is("atomic")) {
          c.kind = statement_kind::atomic_routine;
          break;
        }
        after_begin = r.is("begin");
      }
      return c;
    }
    if (replace) return c;
    r.take("unlogged");
    const bool temporary = r.take("temp") || r.take("temporary");
    if (r.take("table")) {
      const bool if_not_exists = r.take("if") && r.take("not") && r.take("exists");
      if (!temporary) c.created = r.take_name();
      c.not_idempotent = !if_not_exists;
      return c;
    }
    if (r.is("database") || r.is("tablespace") || r.is("subscription")) refused();
    if (r.take("schema") || r.take("sequence") || r.take("extension"))
      c.not_idempotent = !(r.take("if") && r.take("not") && r.take("exists"));
    return c;
  }
  if (r.take("drop")) {
    if (refusal_only) {
      if (r.is("database") || r.is("tablespace") || r.is("subscription") || (r.take("index") && r.is("concurrently")))
        refused();
      return c;
    }
    if (r.take("index")) {
      const bool concurrently = r.take("concurrently");
      c.not_idempotent = !(r.take("if") && r.take("exists"));
      if (concurrently) refused();
      else flag(lint_rule::require_concurrent_index_deletion);
      return c;
    }
    if (r.take("owned")) return c;
    if (r.is("database") || r.is("subscription") || r.is("tablespace")) refused();
    if (r.is("database")) flag(lint_rule::ban_drop_database);
    const bool table = r.take("table");
    if (!table) {  // DROP <kind> [<kind word>] IF EXISTS
      r.advance();
      if (!r.is("if")) r.advance();
    }
    const bool if_exists = r.take("if") && r.take("exists");
    c.not_idempotent = !if_exists;
    if (table) {
      flag(lint_rule::ban_drop_table);
      c.table = r.take_name();
    }
    return c;
  }
  if (r.take("alter")) {
    if (r.take("system")) {
      refused();
      return c;
    }
    if (r.take("database")) {
      r.advance();  // its name, quoted or not
      if (r.take("set") && r.is("tablespace")) refused();
      return c;
    }
    if (r.take("subscription")) {
      for (bool refresh = false; !r.done(); r.advance()) {
        if (refresh && r.is("publication")) {
          refused();
          break;
        }
        refresh = r.is("refresh");
      }
      return c;
    }
    if (r.take("type")) {
      for (bool add = false, value = false; !r.done(); r.advance()) {
        if (value) {
          c.not_idempotent = !r.is("if");
          break;
        }
        value = add && r.is("value");
        add = r.is("add");
      }
      return c;
    }
    if (!r.take("table")) return c;
    if (r.take("if")) r.take("exists");
    r.take("only");
    c.table = r.take_name();
    if (r.is_punct('*')) r.advance();
    while (!r.done()) {  // the actions, separated by commas
      if (r.take("add")) {
        if (r.take("constraint")) r.take_name();
        const bool foreign = r.is("foreign"), check = r.is("check"), unique = r.is("unique") || r.is("primary");
        const bool constraint = foreign || check || unique || r.is("exclude");
        if (!constraint) {
          r.take("column");
          if (r.take("if")) {
            r.take("not");
            r.take("exists");
          }
        }
        const action_tail a = read_action(r);
        if (foreign && !a.not_valid) flag(lint_rule::adding_foreign_key_constraint);
        if (check && !a.not_valid) flag(lint_rule::constraint_missing_not_valid);
        if (unique && !a.using_index) flag(lint_rule::disallowed_unique_constraint);
        if (!constraint) {
          if (a.references) flag(lint_rule::adding_foreign_key_constraint);
          if (a.not_null && !a.has_default) flag(lint_rule::adding_required_field);
          if (a.volatile_value) flag(lint_rule::adding_field_with_default);
          if (a.unique) flag(lint_rule::disallowed_unique_constraint);
        }
      } else if (r.take("alter")) {
        r.take("column");
        r.take_name();
        if (r.take("set")) {
          if (r.take("not") && r.is("null")) flag(lint_rule::adding_not_nullable_field);
          else if (r.take("data") && r.is("type")) flag(lint_rule::changing_column_type);
        } else if (r.is("type")) {
          flag(lint_rule::changing_column_type);
        }
        read_action(r);
      } else if (r.take("drop")) {
        if (!r.is("constraint")) flag(lint_rule::ban_drop_column);
        read_action(r);
      } else if (r.take("rename")) {
        if (r.is("to")) flag(lint_rule::renaming_table);
        else if (!r.is("constraint")) flag(lint_rule::renaming_column);
        read_action(r);
      } else if (r.take("detach")) {  // DETACH PARTITION ... CONCURRENTLY
        for (int depth = 0; !r.done(); r.advance()) {
          if (r.is_punct('(')) ++depth;
          else if (r.is_punct(')')) --depth;
          else if (depth == 0 && r.is_punct(',')) break;
          else if (r.is("concurrently")) refused();
        }
      } else {
        read_action(r);
      }
      if (r.is_punct(',')) r.advance();
    }
    return c;
  }
  if (r.take("reindex")) {
    bool concurrently = false;
    if (r.is_punct('(')) {  // options: CONCURRENTLY [ boolean ]
      for (r.advance(); !r.done() && !r.is_punct(')'); r.advance())
        if (r.is("concurrently")) {
          r.advance();
          concurrently = !(r.is("false") || r.is("off") || (r.current.kind == token_kind::number && s[r.current.begin] == '0'));
          if (r.is_punct(')')) break;
        }
      r.advance();
    }
    if (r.is("schema") || r.is("database") || r.is("system")) {
      refused();
      return c;
    }
    const bool table = r.take("table");
    if (!table) r.take("index");
    if (r.take("concurrently")) concurrently = true;
    if (concurrently) refused();
    else flag(lint_rule::require_concurrent_reindex);
    if (table) c.table = r.take_name();
    return c;
  }
  if (r.take("vacuum")) {  // VACUUM FULL, VACUUM (FULL [true]) rewrite the table under an exclusive lock
    refused();
    if (r.take("full")) flag(lint_rule::prefer_repack);
    else if (r.is_punct('('))
      for (r.advance(); !r.done() && !r.is_punct(')'); r.advance())
        if (r.is("full")) {
          r.advance();
          if (!(r.is("false") || r.is("off") || (r.current.kind == token_kind::number && s[r.current.begin] == '0')))
            flag(lint_rule::prefer_repack);
          if (r.is_punct(')')) break;
        }
    return c;
  }
  if (r.take("cluster")) {
    r.take("verbose");
    if (r.done()) refused();  // every table
    else flag(lint_rule::prefer_repack);
    return c;
  }
  if (r.take("discard")) {
    if (r.is("all")) refused();
    return c;
  }
  if (r.take("truncate")) {
    for (; !r.done(); r.advance())
      if (r.is("cascade")) flag(lint_rule::ban_truncate_cascade);
    return c;
  }
  if (r.is("begin") || r.is("commit") || r.is("rollback") || r.is("end") || r.is("abort") || r.is("savepoint") ||
      r.is("release") || (r.is("start") && (r.advance(), r.is("transaction"))))
    flag(lint_rule::transaction_nesting);
  return c;
}

// Allowances written as `-- strata:allow RULE[, RULE]: reason` (the comment form) or as
// "RULE[, RULE]: reason" (a migration's `allow` member). Returns the rules' bits; `malformed` when
// a rule is unknown or the reason is missing.
constexpr std::uint32_t parse_allowance(std::string_view text, bool& malformed) noexcept {
  std::uint32_t bits = 0;
  std::size_t i = 0;
  for (;;) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    const std::size_t b = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z') || text[i] == '-')) ++i;
    const lint_rule rule = lint_rule_named(text.substr(b, i - b));
    if (rule == lint_rule::none) {
      malformed = true;
      return 0;
    }
    bits |= rule_bit(rule);
    while (i < text.size() && text[i] == ' ') ++i;
    if (i < text.size() && text[i] == ',') continue;
    break;
  }
  if (i >= text.size() || text[i] != ':') {
    malformed = true;
    return 0;
  }
  for (++i; i < text.size(); ++i)
    if (!sql_blank(text[i])) return bits;
  malformed = true;  // no reason
  return 0;
}

// The allowances in the comments of s[b, e) (the text between two statements).
constexpr std::uint32_t comment_allowances(const char* s, std::size_t b, std::size_t e, bool& malformed,
                                           std::size_t& malformed_at) noexcept {
  constexpr std::string_view marker = "strata:allow";
  std::uint32_t bits = 0;
  for (std::size_t i = b; i + 1 < e; ++i) {
    if (s[i] != '-' || s[i + 1] != '-') continue;
    std::size_t k = i + 2;
    while (k < e && s[k] == ' ') ++k;
    std::size_t line_end = k;
    while (line_end < e && s[line_end] != '\n' && s[line_end] != '\r') ++line_end;
    if (std::string_view(s + k, line_end - k).substr(0, marker.size()) == marker) {
      bool bad = false;
      bits |= parse_allowance(std::string_view(s + k + marker.size(), line_end - k - marker.size()), bad);
      if (bad && !malformed) {
        malformed = true;
        malformed_at = i;
      }
    }
    i = line_end;
  }
  return bits;
}

// Everything strata knows about a body after its one pass.
struct sql_analysis {
  scan_error error = scan_error::none;
  std::size_t error_at = 0;
  std::size_t statement_count = 0;
  bool has_refused_statement = false;
  statement_span first_refused{};
  bool has_atomic_routine = false;
  statement_span first_atomic_routine{};
  bool has_non_idempotent = false;
  statement_span first_non_idempotent{};
  // The lint: the rules its statements break (after allowances), the first of them, and where.
  std::uint32_t lint_hits = 0;
  lint_rule first_rule = lint_rule::none;
  statement_span first_lint{};
  bool bad_allowance = false;
  statement_span bad_allowance_at{};
};

// One pass over a body: the split, the checksum, and each statement classified. `allowed`: rules
// allowed for the whole migration; `down`: the destructive rules do not apply.
constexpr sql_analysis analyse_sql(std::string_view text, std::uint64_t& checksum, bool nul_terminated = false,
                                   std::uint32_t allowed = 0, bool down = false, bool transactional = true) {
  sql_analysis a;
  std::size_t previous_end = 0;
  constexpr std::size_t most_created = 8;
  token created[most_created]{};
  std::size_t created_count = 0;
  const scan_result r = scan_sql(text, checksum, [&](statement_span sp) {
    ++a.statement_count;
    const statement_class c = classify_statement(text.data() + sp.begin, sp.end - sp.begin, down && transactional);
    if (c.not_idempotent && !a.has_non_idempotent) {
      a.has_non_idempotent = true;
      a.first_non_idempotent = sp;
    }
    if (c.kind == statement_kind::atomic_routine && !a.has_atomic_routine) {
      a.has_atomic_routine = true;
      a.first_atomic_routine = sp;
    }
    if (c.kind == statement_kind::refused_in_transaction && !a.has_refused_statement) {
      a.has_refused_statement = true;
      a.first_refused = sp;
    }
    // Names in `c` are offsets in the statement; kept as offsets in the body.
    auto in_body = [&sp](token t) {
      if (t.kind != token_kind::end) {
        t.begin += static_cast<std::uint32_t>(sp.begin);
        t.end += static_cast<std::uint32_t>(sp.begin);
      }
      return t;
    };
    bool bad = false;
    std::size_t bad_at = 0;
    const std::uint32_t here = comment_allowances(text.data(), previous_end, sp.begin, bad, bad_at);
    if (bad && !a.bad_allowance) {
      a.bad_allowance = true;
      std::size_t line_end = bad_at;
      while (line_end < sp.begin && text[line_end] != '\n' && text[line_end] != '\r') ++line_end;
      a.bad_allowance_at = {bad_at, line_end};
    }
    previous_end = sp.end;
    if (c.rule != lint_rule::none) {
      bool exempt = (allowed | here) & rule_bit(c.rule);
      if (down && (lint_rules[static_cast<std::size_t>(c.rule)].breaks_running_release ||
                   c.rule == lint_rule::require_concurrent_index_deletion))
        exempt = true;
      const token table = in_body(c.table);
      for (std::size_t k = 0; k < created_count && !exempt; ++k)
        exempt = c.rule != lint_rule::transaction_nesting && same_name(text.data(), created[k], table);
      if (!exempt) {
        if (a.first_rule == lint_rule::none) {
          a.first_rule = c.rule;
          a.first_lint = sp;
        }
        a.lint_hits |= rule_bit(c.rule);
      }
    }
    if (c.created.kind != token_kind::end && created_count < most_created) created[created_count++] = in_body(c.created);
  }, nul_terminated);
  a.error = r.error;
  a.error_at = r.error_at;
  return a;
}

}  // namespace detail

// Whether PostgreSQL refuses `statement` inside a transaction block.
constexpr bool refused_in_transaction(std::string_view statement) {
  std::uint64_t ignored = 0;
  return detail::analyse_sql(statement, ignored).has_refused_statement;
}

// Whether `statement` runs concurrently (CREATE/DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY,
// DETACH PARTITION ... CONCURRENTLY): it takes no lock that queues readers or writers, and it waits
// for older transactions by design, so PostgreSQL's lock_timeout would only cancel it.
constexpr bool runs_concurrently(std::string_view statement) {
  if (!refused_in_transaction(statement)) return false;
  for (detail::token_reader r(statement.data(), statement.size()); !r.done(); r.advance())
    if (r.is("concurrently")) return true;
  return false;
}

// The lint rule `statement` breaks in a transactional migration's `up`, or lint_rule::none.
constexpr lint_rule lint_rule_of(std::string_view statement) {
  std::uint64_t ignored = 0;
  return detail::analyse_sql(statement, ignored).first_rule;
}

}  // namespace strata
