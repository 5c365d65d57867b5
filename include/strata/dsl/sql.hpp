#pragma once
// SQL bodies: a compile-time scanner that splits statements, computes the checksum and finds
// statements PostgreSQL refuses inside a transaction block, all in one pass over the text.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../detail/hash.hpp"

namespace strata {

// A migration body written as SQL text. Several statements may be separated by ';'.
struct sql {
  std::string_view text;
  bool nul_terminated = false;  // text[size] is '\0' (a literal): lets the scanner use strpbrk
  // From the literal's array type: no strlen, which g++ evaluates slowly in constexpr.
  template <std::size_t N>
  constexpr sql(const char (&literal)[N]) noexcept : text(literal, N - 1), nul_terminated(literal[N - 1] == '\0') {}
  constexpr explicit sql(std::string_view t) noexcept : text(t) {}
};

// `static constexpr auto down = strata::irreversible;` marks a migration that cannot be reverted.
struct irreversible_t {
  explicit constexpr irreversible_t(int) noexcept {}
};
inline constexpr irreversible_t irreversible{0};

// Version of the checksum algorithm below, recorded in the history next to each checksum.
inline constexpr int checksum_version = 1;

namespace detail {

enum class scan_error : std::uint8_t {
  none,
  unterminated_single_quote,
  unterminated_double_quote,
  unterminated_block_comment,
  unterminated_dollar_quote,
};

struct statement_span {
  std::size_t begin = 0;  // offset of the first character (leading blanks and comments dropped)
  std::size_t end = 0;    // one past the last character, before the ';'
};

// Character tests as macros: a constexpr function call costs g++ more than the comparisons.
#define STRATA_DETAIL_IS_BLANK(ch) ((ch) == ' ' || (ch) == '\n' || (ch) == '\r' || (ch) == '\t' || (ch) == '\f' || (ch) == '\v')
#define STRATA_DETAIL_IS_IDENT(ch)                                                                      \
  ((((ch) | 0x20) >= 'a' && ((ch) | 0x20) <= 'z') || ((ch) >= '0' && (ch) <= '9') || (ch) == '_' || \
   (ch) == '$' || static_cast<unsigned char>(ch) >= 0x80)

// Case-insensitive comparison of s[b, e) with a lowercase keyword literal.
template <std::size_t N>
constexpr bool keyword_at(const char* s, std::size_t b, std::size_t e, const char (&lower_word)[N]) noexcept {
  if (e - b != N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i)
    if ((s[b + i] | 0x20) != lower_word[i]) return false;
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
};

// Reads a statement's first words once and says what the lint needs to know of it. One function
// with its loops inline: it runs for every statement, and each constexpr call costs g++ more than
// the comparisons themselves.
constexpr statement_class classify_statement(const char* s, std::size_t n) noexcept {
  const char first = n > 0 ? static_cast<char>(s[0] | 0x20) : '\0';
  if (first != 'c' && first != 'd' && first != 'v' && first != 'r' && first != 'a') return {};
  constexpr std::size_t most = 7;
  std::size_t begin[most]{}, end[most]{};
  std::size_t words = 0, i = 0;
  bool concurrent_option = false;  // REINDEX (CONCURRENTLY) ...
  // The first words, skipping blanks, comments and a "(...)" option list.
  while (i < n && words < most) {
    const char c = s[i];
    if (STRATA_DETAIL_IS_BLANK(c)) {
      ++i;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n' && s[i] != '\r') ++i;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      std::size_t depth = 0;
      while (i < n) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else if (c == '(' && words == 1) {
      const std::size_t open = ++i;
      while (i < n && s[i] != ')') ++i;
      for (std::size_t k = open; k + 12 <= i; ++k)
        if ((k == open || !STRATA_DETAIL_IS_IDENT(s[k - 1])) && keyword_at(s, k, k + 12, "concurrently") &&
            (k + 12 == i || !STRATA_DETAIL_IS_IDENT(s[k + 12])))
          concurrent_option = true;
      ++i;
    } else if (STRATA_DETAIL_IS_IDENT(c)) {
      begin[words] = i;
      while (i < n && STRATA_DETAIL_IS_IDENT(s[i])) ++i;
      end[words++] = i;
      if (words == 2 && first != 'r' && first != 'd' && !keyword_at(s, begin[1], end[1], "index") &&
          !keyword_at(s, begin[1], end[1], "unique") && !keyword_at(s, begin[1], end[1], "database") &&
          !keyword_at(s, begin[1], end[1], "table") && !keyword_at(s, begin[1], end[1], "or") &&
          !keyword_at(s, begin[1], end[1], "function") && !keyword_at(s, begin[1], end[1], "procedure") &&
          !keyword_at(s, begin[1], end[1], "schema") && !keyword_at(s, begin[1], end[1], "sequence") &&
          !keyword_at(s, begin[1], end[1], "extension"))
        break;  // nothing below needs a third word
    } else {
      break;  // the statement's head is over
    }
  }
  auto is = [&](std::size_t k, const auto& word) { return k < words && keyword_at(s, begin[k], end[k], word); };
  // Whether the words after the head hold `a` directly followed (words apart) by `b`.
  auto later_words = [&](std::size_t from, const auto& a, const auto& b, bool adjacent) {
    bool seen_a = false;
    for (std::size_t k = from; k < n; ++k) {
      if (STRATA_DETAIL_IS_IDENT(s[k - 1]) || !STRATA_DETAIL_IS_IDENT(s[k])) continue;
      std::size_t e = k;
      while (e < n && STRATA_DETAIL_IS_IDENT(s[e])) ++e;
      if (seen_a && keyword_at(s, k, e, b)) return true;
      if (keyword_at(s, k, e, a)) seen_a = true;
      else if (adjacent) seen_a = false;
      k = e - 1;
    }
    return false;
  };
  constexpr statement_class refused{statement_kind::refused_in_transaction, false};
  constexpr statement_class ordinary{};
  if (is(0, "vacuum")) return refused;
  if (is(0, "cluster")) return words == 1 || (words == 2 && is(1, "verbose")) ? refused : ordinary;  // every table
  if (is(0, "discard")) return is(1, "all") ? refused : ordinary;
  if (is(0, "reindex"))
    return concurrent_option || is(1, "concurrently") || is(2, "concurrently") || is(1, "schema") ||
                   is(1, "database") || is(1, "system")
               ? refused
               : ordinary;
  const bool create = is(0, "create");
  if (create && (is(1, "function") || is(1, "procedure") ||
                 (is(1, "or") && is(2, "replace") && (is(3, "function") || is(3, "procedure")))))
    return {later_words(end[1], "begin", "atomic", true) ? statement_kind::atomic_routine : statement_kind::ordinary, false};
  // IF [NOT] EXISTS at word k: whether a rerun of the statement is harmless.
  auto if_exists_at = [&](std::size_t k) { return is(k, "if") && (create ? is(k + 1, "not") && is(k + 2, "exists") : is(k + 1, "exists")); };
  if (create || is(0, "drop")) {
    const std::size_t k = create && is(1, "unique") ? 2 : 1;
    if (is(k, "index")) {
      const bool concurrently = is(k + 1, "concurrently");
      return {concurrently ? statement_kind::refused_in_transaction : statement_kind::ordinary,
              !if_exists_at(concurrently ? k + 2 : k + 1)};
    }
    const bool refused_kind = is(1, "database") || is(1, "tablespace") || (create && is(1, "subscription"));
    bool not_idempotent = false;
    if (create)  // the kinds that have IF NOT EXISTS
      not_idempotent = (is(1, "table") || is(1, "schema") || is(1, "sequence") || is(1, "extension")) && !if_exists_at(2);
    else if (!is(1, "owned"))  // every DROP but DROP OWNED has IF EXISTS
      not_idempotent = !if_exists_at(2) && !if_exists_at(3);
    return {refused_kind ? statement_kind::refused_in_transaction : statement_kind::ordinary, not_idempotent};
  }
  if (is(0, "alter")) {
    if (is(1, "system")) return refused;
    if (is(1, "database")) return is(3, "set") && is(4, "tablespace") ? refused : ordinary;
    if (is(1, "table"))  // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY
      return later_words(end[1], "detach", "concurrently", false) ? refused : ordinary;
    if (is(1, "type") && later_words(end[1], "add", "value", true))
      return {statement_kind::ordinary, !later_words(end[1], "value", "if", true)};
  }
  return ordinary;
}

struct scan_result {
  scan_error error = scan_error::none;
  std::size_t error_at = 0;
};

// Every character that cannot start or end a quote, comment or statement.
struct plain_table {
  bool v[256];
};
inline constexpr plain_table plain_chars = [] {
  plain_table t{};
  for (int c = 1; c < 256; ++c)
    t.v[c] = c != '\'' && c != '"' && c != '-' && c != '/' && c != ';' && c != '$' && c != '\r';
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
      if (nul_terminated) STRATA_DETAIL_ADVANCE_UNTIL("'\"-/;$\r");
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
      continue;
    }
    if (c == '/' && next == '*') {  // block comment; they nest in PostgreSQL
      std::size_t depth = 0;
      while (i < n) {
        STRATA_DETAIL_ADVANCE_UNTIL("*/\r");
        if (i >= n) break;
        if (s[i] == '\r') { take_cr(); continue; }
        const char d = i + 1 < n ? s[i + 1] : '\0';
        if (s[i] == '/' && d == '*') { ++depth; STRATA_DETAIL_HASH_CHAR('/'); STRATA_DETAIL_HASH_CHAR('*'); i += 2; continue; }
        if (s[i] == '*' && d == '/') {
          STRATA_DETAIL_HASH_CHAR('*'); STRATA_DETAIL_HASH_CHAR('/'); i += 2;
          if (--depth == 0) break;
          continue;
        }
        STRATA_DETAIL_HASH_CHAR(s[i]); ++i;
      }
      if (depth != 0) return fail(scan_error::unterminated_block_comment, start);
      continue;
    }
    if (c == ';') {
      STRATA_DETAIL_HASH_CHAR(c); ++i;
      end_statement();
      has_code = false;
      continue;
    }
    if (!has_code) { has_code = true; stmt_begin = start; }
    if (c == '\'' || c == '"') {
      // 'text' with '' for a quote; E'text' also with backslash escapes; "identifier" with ""
      const bool escapes = c == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
                           (i < 2 || !STRATA_DETAIL_IS_IDENT(s[i - 2]));
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
        closed = true;
        break;
      }
      if (!closed)
        return fail(q == '"' ? scan_error::unterminated_double_quote : scan_error::unterminated_single_quote,
                    escapes ? start - 1 : start);
      code_end = i;
      continue;
    }
    if (c == '$' && (i == 0 || !STRATA_DETAIL_IS_IDENT(s[i - 1])) &&
        !(next >= '0' && next <= '9')) {  // $$ or $tag$, not $1 nor a$b
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
};

constexpr sql_analysis analyse_sql(std::string_view text, std::uint64_t& checksum, bool nul_terminated = false) {
  sql_analysis a;
  const scan_result r = scan_sql(text, checksum, [&a, text](statement_span sp) {
    ++a.statement_count;
    const statement_class c = classify_statement(text.data() + sp.begin, sp.end - sp.begin);
    const statement_kind kind = c.kind;
    if (c.not_idempotent && !a.has_non_idempotent) {
      a.has_non_idempotent = true;
      a.first_non_idempotent = sp;
    }
    if (kind == statement_kind::atomic_routine && !a.has_atomic_routine) {
      a.has_atomic_routine = true;
      a.first_atomic_routine = sp;
    }
    if (kind == statement_kind::refused_in_transaction && !a.has_refused_statement) {
      a.has_refused_statement = true;
      a.first_refused = sp;
    }
  }, nul_terminated);
  a.error = r.error;
  a.error_at = r.error_at;
  return a;
}

// The checksum's state: two 32-bit running sums packed as b << 32 | a, a starting at 1.
inline constexpr std::uint64_t checksum_start = 1;

// Separates up from down in the checksum: 0xff never occurs in UTF-8 text.
constexpr void checksum_separator(std::uint64_t& state) noexcept {
  std::uint32_t a = static_cast<std::uint32_t>(state) + 0xffU;
  std::uint32_t b = static_cast<std::uint32_t>(state >> 32) + a;
  state = (std::uint64_t{b} << 32) | a;
}

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

}  // namespace detail

// Number of statements in a body, at compile time: strata::statement_count(M::up).
constexpr std::size_t statement_count(const sql& body) {
  std::uint64_t ignored = 0;
  std::size_t count = 0;
  detail::scan_sql(body.text, ignored, [&count](detail::statement_span) { ++count; });
  return count;
}

// The statements of a body bound to a constexpr variable: strata::statements<M::up>.
template <const sql& Body>
inline constexpr auto statements = detail::split_fixed<statement_count(Body)>(Body.text);

// Splits at run time with the same rules; out(statement, offset) is called for each statement.
template <class Out>
constexpr detail::scan_result split_statements(std::string_view text, Out&& out) {
  std::uint64_t ignored = 0;
  return detail::scan_sql(text, ignored, [&](detail::statement_span sp) {
    out(text.substr(sp.begin, sp.end - sp.begin), sp.begin);
  });
}

// Whether PostgreSQL refuses `statement` inside a transaction block.
constexpr bool refused_in_transaction(std::string_view statement) {
  std::uint64_t ignored = 0;
  return detail::analyse_sql(statement, ignored).has_refused_statement;
}

// The checksum of a migration's SQL bodies: a Fletcher-style 64-bit sum (two 32-bit running sums,
// a from 1 and b from 0: a += byte, b += a) over up, a 0xff byte, then down, with CR LF and a lone
// CR read as LF; the value is b << 32 | a. Versioned by strata::checksum_version (README "Checksums").
// Chosen over FNV because g++ evaluates its additions ~2.5x faster than 64-bit multiplications.
constexpr std::uint64_t sql_checksum(std::string_view up, std::string_view down) {
  std::uint64_t state = detail::checksum_start;
  detail::scan_sql(up, state, [](detail::statement_span) {});
  detail::checksum_separator(state);
  detail::scan_sql(down, state, [](detail::statement_span) {});
  return state;
}

}  // namespace strata

#undef STRATA_DETAIL_IS_BLANK
#undef STRATA_DETAIL_IS_IDENT
