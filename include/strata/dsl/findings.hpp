#pragma once
// Every finding of a migration's SQL bodies (the dialect's own analysis: body_finding), placed in
// its file as a compiler places an error (file:LINE:COL) and worded with the folder's own words.
// The generator reports them all when it writes a folder's registry and fails the build; the
// command line's `lint --all` lists them without failing.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "../core/dialect.hpp"
#include "body.hpp"

namespace strata {

// Where a body's text starts: its file and line (1-based); empty file: not from a file.
struct body_origin {
  std::string file;
  std::size_t first_line = 1;
};

// The origins of a migration file's two bodies: its up at `up_line` of `file`, its down at
// `down_line` of `down_file` (golang-migrate's .down.sql) or of the same file when that is empty.
struct file_origins {
  body_origin up, down;
};
inline file_origins origins_of(std::string_view directory, std::string_view file, std::size_t up_line,
                               std::string_view down_file, std::size_t down_line) {
  const std::string dir = directory.empty() ? std::string() : std::string(directory) + "/";
  return {{dir + std::string(file), up_line}, {dir + std::string(down_file.empty() ? file : down_file), down_line}};
}

struct located_finding {
  std::string file;          // empty for a migration that is no file: then `revision` alone names it
  std::size_t line = 0, column = 0;
  bool in_up = true;
  body_finding finding;
  std::string what;          // the rule's name, or the defect's ("cannot-run-in-a-transaction", ...)
  std::string statement;     // on one line, cut at statement_shown characters
  std::string advice;        // the safe alternative
  // `<file>:LINE:COL: error: <what>: <statement>; <advice>`, or `revision <id>: ...` without a file.
  std::string message(std::string_view revision, std::string_view severity = "error") const {
    const std::string where = file.empty() ? "revision " + std::string(revision) + " (" + (in_up ? "up" : "down") + ")"
                                           : file + ":" + std::to_string(line) + ":" + std::to_string(column);
    return where + ": " + std::string(severity) + ": " + what + ": " + statement + "; " + advice;
  }
};

namespace detail {

inline constexpr std::size_t statement_shown = 240;

// A statement on one line: blanks collapsed, cut with " ..." past `most` characters.
inline std::string statement_on_one_line(std::string_view text, std::size_t most = statement_shown) {
  std::string out;
  bool blank = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
    if (out.size() >= most) return out + " ...";
  }
  return out;
}

// The line and column (1-based) of `offset` in a body that starts at `first_line` of its file.
inline void place(std::string_view body, std::size_t offset, std::size_t first_line, std::size_t& line, std::size_t& column) {
  line = first_line;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < body.size(); ++i)
    if (body[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  column = offset - line_start + 1;
}

}  // namespace detail

// Every finding of f's SQL bodies that stops a build: its defects, and each lint finding after
// the migration's allowances (a registry's policy is the caller's). `no_transaction_words`: how the
// migration's folder says that a file runs outside a transaction (empty: a C++ migration's words).
inline constexpr std::string_view cpp_no_transaction = "a migration with `transactional = false`";

template <dialect_language L>
std::vector<located_finding> findings_in(const detail::migration_facts& f, const body_origin& up, const body_origin& down,
                                         std::string_view no_transaction_words = {}) {
  std::vector<located_finding> out;
  for (const bool in_up : {true, false}) {
    if ((in_up ? f.up : f.down) != body_kind::sql) continue;
    const std::string_view text = in_up ? f.up_text : f.down_text;
    const body_origin& origin = in_up ? up : down;
    for (const body_finding& b : L::findings(text, detail::context_of<L>(f, in_up))) {
      located_finding l;
      l.file = origin.file;
      l.in_up = in_up;
      l.finding = b;
      if (!origin.file.empty()) detail::place(text, b.at.begin, origin.first_line, l.line, l.column);
      const std::string_view span = text.substr(b.at.begin, b.at.end - b.at.begin);
      l.statement = detail::statement_on_one_line(span);
      switch (b.kind) {
        case finding_kind::lint:
          l.what = std::string(L::lint_rules[b.rule].name);
          l.advice = std::string(L::lint_rules[b.rule].safe_alternative);
          // a file says in its folder's words that it runs outside a transaction
          if (const auto at = l.advice.find(cpp_no_transaction); at != std::string::npos && !no_transaction_words.empty())
            l.advice.replace(at, cpp_no_transaction.size(), "a file run outside a transaction (" + std::string(no_transaction_words) + ")");
          break;
        case finding_kind::refused_in_transaction:
          if (!f.transactional) continue;
          l.what = "cannot-run-in-a-transaction";
          l.advice = "the database refuses it in a transaction block: run the " +
                     (no_transaction_words.empty() ? std::string("migration outside one (`transactional = false`)")
                                                   : "file outside one (" + std::string(no_transaction_words) + ")");
          break;
        case finding_kind::not_idempotent:
          if (f.transactional) continue;
          l.what = "cannot-run-twice";
          l.advice = "a file outside a transaction is resumed at this statement after an interruption, and strata cannot tell "
                     "whether it is done: write " + std::string(L::idempotent_forms);
          break;
        case finding_kind::unterminated:
          l.what = "unterminated";
          l.statement = detail::statement_on_one_line(span, 40);
          l.advice = "a quote, comment or dollar quote opened here is never closed";
          break;
        case finding_kind::unsplittable:
          l.what = "cannot-split";
          l.advice = std::string(L::unsplittable_advice);
          break;
        case finding_kind::bad_allowance:
          l.what = "malformed-allowance";
          l.advice = "write `-- strata:allow RULE[, RULE]: reason` with rules the lint knows and a reason";
          break;
      }
      out.push_back(std::move(l));
    }
  }
  return out;
}

}  // namespace strata
