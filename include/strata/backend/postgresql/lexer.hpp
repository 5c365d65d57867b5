#pragma once
// PostgreSQL's lexer, at compile time: one file for every lexical rule of scan.l strata needs.
// The statement scanner cuts a body into statements and computes its checksum in one pass over
// the text (quotes, comments, dollar quotes and parentheses read as PostgreSQL and psql read
// them); the token reader gives a statement's tokens to the classifier (statements.hpp) with the
// same rules and the same primitives (blanks, identifiers, keywords, continued strings).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../common/checksum.hpp"
#include "../../core/dialect.hpp"
#include "../../dsl/sql.hpp"

namespace strata::postgresql::detail {


// Character tests as macros: a constexpr function call costs g++ more than the comparisons.
// Blanks are PostgreSQL's whitespace (scan.l: space [ \t\n\r\f]); a vertical tab is not one: the
// server reads it as a token of its own, so `;\v;` holds a statement (one it refuses), as for psql.
#define STRATA_DETAIL_IS_BLANK(ch) ((ch) == ' ' || (ch) == '\n' || (ch) == '\r' || (ch) == '\t' || (ch) == '\f')
#define STRATA_DETAIL_IS_IDENT(ch)                                                                      \
  ((((ch) | 0x20) >= 'a' && ((ch) | 0x20) <= 'z') || ((ch) >= '0' && (ch) <= '9') || (ch) == '_' || \
   (ch) == '$' || static_cast<unsigned char>(ch) >= 0x80)

// Case-insensitive comparison of s[b, e) with a lowercase keyword literal.
template <std::size_t N>
constexpr bool keyword_at(const char* s, std::size_t b, std::size_t e, const char (&lower_word)[N]) noexcept {
  if (e - b != N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i)
    if ((s[b + i] | 0x20) != (lower_word[i] | 0x20)) return false;  // identifiers: letters, digits, _ and $
  return true;
}

// Where a string closed at s[i - 1] continues (scan.l's quotecontinue: blanks and -- comments
// holding at least one line break, then a quote): the position of that quote, or 0 when the
// string ends there. An E'' string goes on with backslash escapes in its later parts.
constexpr std::size_t continuing_quote(const char* s, std::size_t i, std::size_t n) noexcept {
  bool line_break = false;
  while (i < n) {
    const char c = s[i];
    if (c == '\n' || c == '\r') {
      line_break = true;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {  // a comment, which a line break must end
      while (i < n && s[i] != '\n' && s[i] != '\r') ++i;
      continue;
    } else if (c != ' ' && c != '\t' && c != '\f') {
      break;
    }
    ++i;
  }
  return line_break && i < n && s[i] == '\'' ? i : 0;
}

// Every character that cannot start or end a quote, comment or statement.
struct plain_table {
  bool v[256];
};
inline constexpr plain_table plain_chars = [] {
  plain_table t{};
  for (int c = 1; c < 256; ++c)
    t.v[c] = c != '\'' && c != '"' && c != '-' && c != '/' && c != ';' && c != '$' && c != '\r' && c != '(' && c != ')';
  return t;
}();

// Adds text[from, to) to the checksum's two running sums. A plain function with local copies:
// in g++'s constexpr evaluator a variable captured by a lambda costs several times a local.
constexpr void sum_range(const char* s, std::size_t from, std::size_t to, std::uint32_t& sum_a,
                         std::uint32_t& sum_b) noexcept {
  std::uint32_t a = sum_a, b = sum_b;
  for (; from + 4 <= to; from += 4) {
    a += static_cast<unsigned char>(s[from]);
    b += a;
    a += static_cast<unsigned char>(s[from + 1]);
    b += a;
    a += static_cast<unsigned char>(s[from + 2]);
    b += a;
    a += static_cast<unsigned char>(s[from + 3]);
    b += a;
  }
  for (; from < to; ++from) {
    a += static_cast<unsigned char>(s[from]);
    b += a;
  }
  sum_a = a;
  sum_b = b;
}

// The position of the next character of `set` in s[i, n), or n.
constexpr std::size_t find_any(const char* s, std::size_t i, std::size_t n, const char* set, bool nul_terminated) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
  if (nul_terminated) {  // g++ folds strpbrk on a literal natively, even in constexpr
    while (i < n) {
      const char* hit = __builtin_strpbrk(s + i, set);
      const std::size_t stop = hit ? static_cast<std::size_t>(hit - s) : i + __builtin_strlen(s + i);
      if (stop >= n) return n;
      if (s[stop] != '\0') return stop;
      i = stop + 1;  // an embedded NUL: not in any set
    }
    return n;
  }
#endif
  (void)nul_terminated;
  for (; i < n; ++i)
    for (const char* p = set; *p; ++p)
      if (*p == s[i]) return i;
  return n;
}

// The one pass. Calls on_statement(span) for each non-empty statement and feeds every
// character to the checksum (see sql_checksum; CR LF and a lone CR are read as LF, so that a CRLF checkout
// is not an edit). g++ evaluates constexpr code at about a microsecond per expression, so the
// common path is one hash step per character of plain text; the loop stops only at characters
// that may open a quote or comment or end a statement.
template <class OnStatement>
constexpr scan_result scan_sql(std::string_view text, std::uint64_t& checksum, OnStatement&& on_statement,
                               bool nul_terminated = false) {
  const char* const s = text.data();
  const std::size_t n = text.size();
  std::uint32_t sum_a = static_cast<std::uint32_t>(checksum), sum_b = static_cast<std::uint32_t>(checksum >> 32);
  std::size_t i = 0;
  bool has_code = false;
  std::size_t stmt_begin = 0, code_end = 0;
  std::size_t depth = 0;       // parentheses: a ';' inside them does not end the statement (psql's rule)
  std::size_t last_close = 0;  // just past the last quote, comment or ';': where a new token starts
  scan_result result;

#define STRATA_DETAIL_HASH_CHAR(ch) (sum_a += static_cast<unsigned char>(ch), sum_b += sum_a)
  // A CR (alone or before LF) hashes as one LF.
  auto take_cr = [&] {
    STRATA_DETAIL_HASH_CHAR('\n');
    ++i;
    if (i < n && s[i] == '\n') ++i;
  };
  auto fail = [&](scan_error e, std::size_t at) {
    result.error = e;
    result.error_at = at;
    checksum = (std::uint64_t{sum_b} << 32) | sum_a;
    return result;
  };
  auto end_statement = [&] {
    if (!has_code) return;
    while (code_end > stmt_begin && STRATA_DETAIL_IS_BLANK(s[code_end - 1]))
      --code_end;
    on_statement(statement_span{stmt_begin, code_end});
  };

  // Hashes and skips text up to the next character of `set` (or the end).
#define STRATA_DETAIL_ADVANCE_UNTIL(set)                                  \
  do {                                                                    \
    const std::size_t stop_ = find_any(s, i, n, set, nul_terminated);     \
    sum_range(s, i, stop_, sum_a, sum_b);                                 \
    i = stop_;                                                            \
  } while (false)

  while (i < n) {
    {  // plain text: no quote, comment or ';' can start here
      const std::size_t run = i;
#if defined(__GNUC__) && !defined(__clang__)
      if (nul_terminated) STRATA_DETAIL_ADVANCE_UNTIL("'\"-/;$\r()");
#endif
      {  // clang, or text that is not a literal: a table lookup per character
        const bool* const plain = plain_chars.v;
        while (i < n && plain[static_cast<unsigned char>(s[i])]) { STRATA_DETAIL_HASH_CHAR(s[i]); ++i; }
      }
      std::size_t last = i;  // code ends at the run's last non-blank character
      while (last > run && STRATA_DETAIL_IS_BLANK(s[last - 1])) --last;
      if (last > run) {
        if (!has_code) {  // the statement starts at its first non-blank character
          std::size_t b = run;
          while (STRATA_DETAIL_IS_BLANK(s[b])) ++b;
          has_code = true;
          stmt_begin = b;
        }
        code_end = last;
      }
      if (i >= n) break;
    }
    const char c = s[i];
    const std::size_t start = i;
    if (c == '\r') { take_cr(); continue; }
    const char next = i + 1 < n ? s[i + 1] : '\0';
    if (c == '-' && next == '-') {  // line comment, to the end of the line
      STRATA_DETAIL_ADVANCE_UNTIL("\n\r");
      last_close = i;
      continue;
    }
    if (c == '/' && next == '*') {  // block comment; they nest in PostgreSQL
      std::size_t nesting = 0;
      while (i < n) {
        STRATA_DETAIL_ADVANCE_UNTIL("*/\r");
        if (i >= n) break;
        if (s[i] == '\r') { take_cr(); continue; }
        const char d = i + 1 < n ? s[i + 1] : '\0';
        if (s[i] == '/' && d == '*') { ++nesting; STRATA_DETAIL_HASH_CHAR('/'); STRATA_DETAIL_HASH_CHAR('*'); i += 2; continue; }
        if (s[i] == '*' && d == '/') {
          STRATA_DETAIL_HASH_CHAR('*'); STRATA_DETAIL_HASH_CHAR('/'); i += 2;
          if (--nesting == 0) break;
          continue;
        }
        STRATA_DETAIL_HASH_CHAR(s[i]); ++i;
      }
      if (nesting != 0) return fail(scan_error::unterminated_block_comment, start);
      last_close = i;
      continue;
    }
    if (c == ';' && depth == 0) {
      STRATA_DETAIL_HASH_CHAR(c); ++i;
      end_statement();
      has_code = false;
      last_close = i;
      continue;
    }
    if (!has_code) { has_code = true; stmt_begin = start; }
    if (c == '(' || c == ')') {
      if (c == '(') ++depth;
      else if (depth > 0) --depth;
      STRATA_DETAIL_HASH_CHAR(c); ++i;
      code_end = i;
      continue;
    }
    if (c == '\'' || c == '"') {
      // 'text' with '' for a quote; E'text' also with backslash escapes (E starting a token: after
      // a quote, a comment or a non-word character); "identifier" with ""
      const bool escapes = c == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
                           (i - 1 == last_close || i < 2 || !STRATA_DETAIL_IS_IDENT(s[i - 2]));
      const char q = c;
      STRATA_DETAIL_HASH_CHAR(q); ++i;
      bool closed = false;
      while (i < n) {
        STRATA_DETAIL_ADVANCE_UNTIL(q == '"' ? "\"\\\r" : "'\\\r");
        if (i >= n) break;
        if (s[i] == '\r') { take_cr(); continue; }
        if (s[i] == '\\') {
          STRATA_DETAIL_HASH_CHAR('\\'); ++i;
          if (escapes && i < n) { if (s[i] == '\r') take_cr(); else { STRATA_DETAIL_HASH_CHAR(s[i]); ++i; } }
          continue;
        }
        STRATA_DETAIL_HASH_CHAR(q); ++i;
        if (i < n && s[i] == q) { STRATA_DETAIL_HASH_CHAR(q); ++i; continue; }
        if (escapes) {  // E'a' <line break> '\'b': one string, its later parts with escapes too
          if (const std::size_t again = continuing_quote(s, i, n)) {
            while (i <= again) {
              if (s[i] == '\r') take_cr();
              else { STRATA_DETAIL_HASH_CHAR(s[i]); ++i; }
            }
            continue;
          }
        }
        closed = true;
        break;
      }
      if (!closed)
        return fail(q == '"' ? scan_error::unterminated_double_quote : scan_error::unterminated_single_quote,
                    escapes ? start - 1 : start);
      code_end = i;
      last_close = i;
      continue;
    }
    // A '$' inside an identifier (a$b) continues it; $1 is a parameter; otherwise $$ or $tag$
    // opens a dollar quote, also right after a number, a parameter or another dollar quote
    // (PostgreSQL's scan.l).
    bool in_identifier = false;
    if (c == '$') {
      std::size_t j = i;
      while (j > last_close && STRATA_DETAIL_IS_IDENT(s[j - 1])) --j;
      in_identifier = j < i && s[j] != '$' && !(s[j] >= '0' && s[j] <= '9');
    }
    if (c == '$' && !in_identifier && next >= '0' && next <= '9') {  // a parameter: $ and its digits
      STRATA_DETAIL_HASH_CHAR(c); ++i;
      while (i < n && s[i] >= '0' && s[i] <= '9') { STRATA_DETAIL_HASH_CHAR(s[i]); ++i; }
      code_end = i;
      continue;
    }
    if (c == '$' && !in_identifier) {  // $$ or $tag$
      std::size_t t = i + 1;
      while (t < n && s[t] != '$' && STRATA_DETAIL_IS_IDENT(s[t])) ++t;
      if (t < n && s[t] == '$') {
        const std::size_t tag_size = t - i + 1;
        for (; i <= t; ++i) STRATA_DETAIL_HASH_CHAR(s[i]);
        bool closed = false;
        while (i < n) {
          STRATA_DETAIL_ADVANCE_UNTIL("$\r");
          if (i >= n) break;
          if (s[i] == '\r') { take_cr(); continue; }
          bool match = i + tag_size <= n;
          for (std::size_t m = 1; match && m < tag_size; ++m) match = s[i + m] == s[start + m];
          if (match) {
            for (std::size_t m = 0; m < tag_size; ++m, ++i) STRATA_DETAIL_HASH_CHAR(s[i]);
            closed = true;
            break;
          }
          STRATA_DETAIL_HASH_CHAR(s[i]); ++i;
        }
        if (!closed) return fail(scan_error::unterminated_dollar_quote, start);
        code_end = i;
        last_close = i;
        continue;
      }
    }
    if (STRATA_DETAIL_IS_IDENT(c)) {  // a $ inside a word
      while (i < n && STRATA_DETAIL_IS_IDENT(s[i])) { STRATA_DETAIL_HASH_CHAR(s[i]); ++i; }
      code_end = i;
      continue;
    }
    STRATA_DETAIL_HASH_CHAR(c);
    ++i;
    code_end = i;
  }
#undef STRATA_DETAIL_HASH_CHAR
#undef STRATA_DETAIL_ADVANCE_UNTIL
  checksum = (std::uint64_t{sum_b} << 32) | sum_a;
  end_statement();
  return result;
}

using backend::checksum_separator;
using backend::checksum_start;

template <std::size_t Count>
constexpr std::array<std::string_view, Count> split_fixed(std::string_view text) {
  std::array<std::string_view, Count> out{};
  std::size_t k = 0;
  std::uint64_t ignored = 0;
  scan_sql(text, ignored, [&](statement_span sp) {
    if (k < Count) out[k] = text.substr(sp.begin, sp.end - sp.begin);
    ++k;
  });
  return out;
}

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

// Whether two name tokens (`a` in text `sa`, `b` in `sb`) name the same object: a word folds to
// lower case, a quoted identifier does not.
constexpr bool same_name_in(const char* sa, token a, const char* sb, token b) noexcept {
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
    char x = sa[ab + k], y = sb[bb + k];
    if (a.kind == token_kind::word && x >= 'A' && x <= 'Z') x = static_cast<char>(x | 0x20);
    if (b.kind == token_kind::word && y >= 'A' && y <= 'Z') y = static_cast<char>(y | 0x20);
    if (x != y) return false;
  }
  return true;
}
// The same, for two tokens of one text.
constexpr bool same_name(const char* s, token a, token b) noexcept { return same_name_in(s, a, s, b); }

}  // namespace strata::postgresql::detail

namespace strata::postgresql {

// Number of statements in a body, at compile time.
constexpr std::size_t statement_count(std::string_view text) {
  std::uint64_t ignored = 0;
  std::size_t count = 0;
  detail::scan_sql(text, ignored, [&count](statement_span) { ++count; });
  return count;
}

// The statements of a body bound to a constexpr variable.
template <const sql& Body>
inline constexpr auto statements = detail::split_fixed<statement_count(Body.text)>(Body.text);

// Splits at run time with the same rules; out(statement, offset) is called for each statement.
template <class Out>
constexpr scan_result split_statements(std::string_view text, Out&& out) {
  std::uint64_t ignored = 0;
  return detail::scan_sql(text, ignored, [&](statement_span sp) {
    out(text.substr(sp.begin, sp.end - sp.begin), sp.begin);
  });
}

// The checksum of a migration's SQL bodies (backend/common/checksum.hpp; README "Checksums").
constexpr std::uint64_t sql_checksum(std::string_view up, std::string_view down) {
  return backend::bodies_checksum(up, down,
                                  [](std::string_view text, std::uint64_t& state) { detail::scan_sql(text, state, [](statement_span) {}); });
}

}  // namespace strata::postgresql

#undef STRATA_DETAIL_IS_BLANK
#undef STRATA_DETAIL_IS_IDENT
