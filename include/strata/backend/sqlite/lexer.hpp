#pragma once
// SQLite's lexer, at compile time (tokenize.c's rules): '...' strings with '' for a quote and no
// backslash escapes; "...", `...` and [...] identifiers; -- and /* */ comments (which do not
// nest); no dollar quotes ($name is a parameter). A ';' ends a statement except inside a
// trigger's BEGIN ... END body, where the body's own statements end with theirs: the body ends at
// an END that starts a statement (a CASE's END, or a column named end, never does). The pass feeds strata's checksum
// (backend/common/checksum.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../core/dialect.hpp"
#include "../common/checksum.hpp"

namespace strata::sqlite::detail {

constexpr bool sql_blank(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v'; }
constexpr bool ident_start(char c) noexcept {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
constexpr bool ident_cont(char c) noexcept { return ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }

// Case-insensitive comparison of s[b, e) with a lowercase keyword.
constexpr bool keyword_at(const char* s, std::size_t b, std::size_t e, std::string_view lower_word) noexcept {
  if (e - b != lower_word.size()) return false;
  for (std::size_t k = 0; k < lower_word.size(); ++k)
    if (static_cast<char>(s[b + k] >= 'A' && s[b + k] <= 'Z' ? s[b + k] | 0x20 : s[b + k]) != lower_word[k]) return false;
  return true;
}

using backend::checksum_separator;
using backend::checksum_start;

// Where a trigger's body stands while the scanner reads its statement.
enum class trigger_part : std::uint8_t { none, header, body, closed };

// The one pass: each non-empty statement to on_statement(span), every character to the checksum.
template <class OnStatement>
constexpr scan_result scan_sql(std::string_view text, std::uint64_t& checksum, OnStatement&& on_statement) {
  const char* const s = text.data();
  const std::size_t n = text.size();
  std::uint32_t a = static_cast<std::uint32_t>(checksum), b = static_cast<std::uint32_t>(checksum >> 32);
  scan_result result;
  std::size_t i = 0, stmt_begin = 0, code_end = 0, word_number = 0;
  bool has_code = false;
  trigger_part trigger = trigger_part::none;
  bool temp_seen = false, creates = false;  // the statement's first words: CREATE, TEMP
  // In a trigger's body: the last token was a ';'. The body's END is the first word of a statement
  // there (a CASE's END never is, and a column named end is never a statement's first word).
  bool after_separator = false;
  auto hash_to = [&](std::size_t to) {
    while (i < to) {
      if (s[i] == '\r') {
        a += '\n';
        b += a;
        ++i;
        if (i < n && s[i] == '\n') ++i;  // CR LF: one LF
        continue;
      }
      a += static_cast<unsigned char>(s[i]);
      b += a;
      ++i;
    }
  };
  auto finish = [&] {
    checksum = (std::uint64_t{b} << 32) | a;
  };
  auto end_statement = [&] {
    if (has_code) on_statement(statement_span{stmt_begin, code_end});
    has_code = false;
    word_number = 0;
    trigger = trigger_part::none;
    temp_seen = creates = after_separator = false;
  };
  auto code_at = [&](std::size_t at) {
    if (!has_code) {
      has_code = true;
      stmt_begin = at;
    }
  };
  while (i < n) {
    const char c = s[i];
    const char next = i + 1 < n ? s[i + 1] : '\0';
    if (sql_blank(c)) {
      hash_to(i + 1);
      continue;
    }
    if (c == '-' && next == '-') {
      std::size_t e = i;
      while (e < n && s[e] != '\n' && s[e] != '\r') ++e;
      hash_to(e);
      continue;
    }
    if (c == '/' && next == '*') {
      std::size_t e = i + 2;
      while (e + 1 < n && !(s[e] == '*' && s[e + 1] == '/')) ++e;
      if (e + 1 >= n) {
        result = {scan_error::unterminated_block_comment, i};
        hash_to(n);
        finish();
        return result;
      }
      hash_to(e + 2);
      continue;
    }
    if (c == ';' && trigger != trigger_part::body) {
      hash_to(i + 1);
      end_statement();
      continue;
    }
    code_at(i);
    const bool follows_separator = after_separator;
    after_separator = c == ';';  // inside a trigger's body
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      std::size_t e = i + 1;
      for (;;) {
        while (e < n && s[e] != close) ++e;
        if (e >= n) break;
        if (close != ']' && e + 1 < n && s[e + 1] == close) {  // a doubled quote stays inside
          e += 2;
          continue;
        }
        break;
      }
      if (e >= n) {
        result = {c == '\'' ? scan_error::unterminated_single_quote : scan_error::unterminated_double_quote, i};
        hash_to(n);
        finish();
        return result;
      }
      hash_to(e + 1);
      code_end = i;
      continue;
    }
    if (ident_start(c)) {
      std::size_t e = i;
      while (e < n && ident_cont(s[e])) ++e;
      ++word_number;
      // CREATE [TEMP|TEMPORARY] TRIGGER: its body's ';'s do not end it
      if (word_number == 1) creates = keyword_at(s, i, e, "create");
      if (word_number == 2 && creates && (keyword_at(s, i, e, "temp") || keyword_at(s, i, e, "temporary")))
        temp_seen = true;
      if ((word_number == 2 || (word_number == 3 && temp_seen)) && creates && keyword_at(s, i, e, "trigger"))
        trigger = trigger_part::header;
      else if (trigger == trigger_part::header && keyword_at(s, i, e, "begin"))
        trigger = trigger_part::body;
      else if (trigger == trigger_part::body && follows_separator && keyword_at(s, i, e, "end"))
        trigger = trigger_part::closed;
      hash_to(e);
      code_end = i;
      continue;
    }
    hash_to(i + 1);
    code_end = i;
  }
  finish();
  end_statement();
  return result;
}

enum class token_kind : std::uint8_t { end, word, quoted, string, number, param, punct };

struct token {
  token_kind kind = token_kind::end;
  std::uint32_t begin = 0, end = 0;
};

// The next token at or after s[i], past blanks and comments; i moves past it.
constexpr token next_token(const char* s, std::size_t n, std::size_t& i) noexcept {
  for (;;) {
    while (i < n && sql_blank(s[i])) ++i;
    if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
      while (i < n && s[i] != '\n' && s[i] != '\r') ++i;
    } else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
      i += 2;
      while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) ++i;
      i = i + 1 < n ? i + 2 : n;
    } else {
      break;
    }
  }
  token t;
  if (i >= n) return t;
  t.begin = static_cast<std::uint32_t>(i);
  const char c = s[i];
  if ((c == 'x' || c == 'X') && i + 1 < n && s[i + 1] == '\'') ++i;  // a blob literal x'..'
  if (s[i] == '\'' || s[i] == '"' || s[i] == '`' || s[i] == '[') {
    const char close = s[i] == '[' ? ']' : s[i];
    t.kind = s[i] == '\'' ? token_kind::string : token_kind::quoted;
    ++i;
    while (i < n) {
      if (s[i] == close) {
        ++i;
        if (close != ']' && i < n && s[i] == close) {
          ++i;
          continue;
        }
        break;
      }
      ++i;
    }
  } else if (ident_start(c)) {
    while (i < n && ident_cont(s[i])) ++i;
    t.kind = token_kind::word;
  } else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
    while (i < n && (ident_cont(s[i]) || s[i] == '.')) ++i;
    t.kind = token_kind::number;
  } else if ((c == '?' || c == '$' || c == ':' || c == '@') && i + 1 < n && ident_cont(s[i + 1])) {
    for (++i; i < n && ident_cont(s[i]);) ++i;
    t.kind = token_kind::param;
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
  constexpr bool is(std::string_view lower_word) const noexcept {
    return current.kind == token_kind::word && keyword_at(s, current.begin, current.end, lower_word);
  }
  constexpr bool is_punct(char c) const noexcept { return current.kind == token_kind::punct && s[current.begin] == c; }
  constexpr bool take(std::string_view lower_word) noexcept {
    if (!is(lower_word)) return false;
    advance();
    return true;
  }
  constexpr bool is_name() const noexcept { return current.kind == token_kind::word || current.kind == token_kind::quoted; }
  // A possibly qualified name (main.t, "a"."b"); returns its last part.
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

// Whether two name tokens name the same object: SQLite compares names without regard to ASCII
// case, quoted or not.
constexpr bool same_name(const char* s, token x, token y) noexcept {
  if (x.kind == token_kind::end || y.kind == token_kind::end) return false;
  auto inner = [](token t, std::uint32_t& b, std::uint32_t& e) {
    b = t.begin;
    e = t.end;
    if (t.kind == token_kind::quoted) {
      ++b;
      --e;
    }
  };
  std::uint32_t xb = 0, xe = 0, yb = 0, ye = 0;
  inner(x, xb, xe);
  inner(y, yb, ye);
  if (xe - xb != ye - yb) return false;
  for (std::uint32_t k = 0; k < xe - xb; ++k) {
    char p = s[xb + k], q = s[yb + k];
    if (p >= 'A' && p <= 'Z') p = static_cast<char>(p | 0x20);
    if (q >= 'A' && q <= 'Z') q = static_cast<char>(q | 0x20);
    if (p != q) return false;
  }
  return true;
}

}  // namespace strata::sqlite::detail
