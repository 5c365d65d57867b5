#pragma once
// What each statement of an SQL body is to PostgreSQL, read on the lexer's tokens (lexer.hpp):
// comments, literals, dollar quotes and quoted identifiers are never read as words. From them:
// statements PostgreSQL refuses in a transaction block, BEGIN ATOMIC bodies, statements that
// cannot run twice, the indexes a statement builds, statements that change a session setting,
// and the safety lint (lint.hpp; README "The safety lint"): statements that would queue
// production behind a lock, rewrite or scan a table under one, or break the release still
// running. All at compile time, one function per statement family.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../core/dialect.hpp"
#include "lexer.hpp"
#include "lint.hpp"

namespace strata::postgresql {

// The index a CREATE INDEX statement builds.
struct created_index {
  std::string name;   // as PostgreSQL stores it (unquoted, case-folded)
  std::string table;  // as written, for to_regclass
};

namespace detail {

enum class statement_kind : std::uint8_t {
  ordinary,
  refused_in_transaction,  // PostgreSQL: "cannot run inside a transaction block"
  atomic_routine,          // CREATE FUNCTION|PROCEDURE ... BEGIN ATOMIC: its own ';'s would split it
};

struct statement_class {
  statement_kind kind = statement_kind::ordinary;
  // CREATE or DROP without IF [NOT] EXISTS, ALTER TYPE ... ADD VALUE without IF NOT EXISTS: running
  // it twice fails, so a non-transactional migration could not be resumed after an interruption
  // where it was the interrupted statement, unless strata makes it safe (resumable below).
  bool not_idempotent = false;
  bool index_named = false;  // CREATE INDEX with its name, or DROP INDEX: strata can look it up
  lint_rule rule = lint_rule::none;  // the first rule it breaks
  lint_rules_mask rules = 0;         // every rule it breaks (an ALTER TABLE's actions each have theirs)
  token table{};    // the table the rules concern (exempt when the same body created it)
  token created{};  // CREATE TABLE's table
  token added_not_valid{};  // ALTER TABLE ... ADD CONSTRAINT name ... NOT VALID: the constraint
  token validated{};        // ALTER TABLE ... VALIDATE CONSTRAINT name
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
       references = false, unique = false, generated = false;  // generated: GENERATED ... AS (expr) STORED | AS IDENTITY
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
    } else if (depth == 0 && r.is("generated")) {
      r.advance();
      // AS (expr) STORED, or AS IDENTITY (a sequence's values): every row written when added
      if ((r.take("always") || (r.take("by") && r.take("default"))) && r.take("as") && (r.is_punct('(') || r.is("identity")))
        a.generated = true;
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

constexpr void refuse(statement_class& c) noexcept { c.kind = statement_kind::refused_in_transaction; }

// Whether an interrupted non-transactional revision can be resumed at this statement (exec/
// program.hpp): it is harmless to repeat; or it can run in a transaction, and strata runs it in
// one with its progress record, so it either ran and is recorded or did not run; or it is a
// CREATE or DROP INDEX CONCURRENTLY of a named index, which strata skips on a resume when the
// index is there (valid) or gone.
constexpr bool resumable(const statement_class& c) noexcept {
  return !c.not_idempotent || c.kind == statement_kind::ordinary || c.index_named;
}
constexpr void flag(statement_class& c, lint_rule rule) noexcept {
  if (c.rule == lint_rule::none) c.rule = rule;
  c.rules |= rule_bit(rule_id(rule));
}

// CREATE INDEX, CREATE FUNCTION|PROCEDURE (BEGIN ATOMIC), CREATE TABLE, and what cannot run in a transaction.
constexpr void classify_creating(token_reader& r, statement_class& c, bool) noexcept {
  const bool replace = r.take("or") && r.take("replace");
  const bool unique = r.take("unique");
  if (r.take("index")) {
    const bool concurrently = r.take("concurrently");
    const bool if_not_exists = r.take("if") && r.take("not") && r.take("exists");
    if (!r.is("on")) c.index_named = r.take_name().kind != token_kind::end;
    if (r.take("on")) {
      r.take("only");
      c.table = r.take_name();
    }
    if (concurrently) refuse(c);
    else flag(c, lint_rule::require_concurrent_index_creation);
    c.not_idempotent = !if_not_exists;
    return;
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
    return;
  }
  if (replace) return;
  r.take("unlogged");
  const bool temporary = r.take("temp") || r.take("temporary");
  if (r.take("table")) {
    const bool if_not_exists = r.take("if") && r.take("not") && r.take("exists");
    if (!temporary) c.created = r.take_name();
    c.not_idempotent = !if_not_exists;
    return;
  }
  if (r.is("database") || r.is("tablespace") || r.is("subscription")) refuse(c);
  if (r.take("schema") || r.take("sequence") || r.take("extension"))
    c.not_idempotent = !(r.take("if") && r.take("not") && r.take("exists"));
  return;
}

// DROP INDEX, DROP TABLE, DROP DATABASE and the other DROPs (IF EXISTS).
constexpr void classify_dropping(token_reader& r, statement_class& c, bool refusal_only) noexcept {
  if (refusal_only) {
    if (r.is("database") || r.is("tablespace") || r.is("subscription") || (r.take("index") && r.is("concurrently")))
      refuse(c);
    return;
  }
  if (r.take("index")) {
    const bool concurrently = r.take("concurrently");
    c.not_idempotent = !(r.take("if") && r.take("exists"));
    c.index_named = true;
    if (concurrently) refuse(c);
    else flag(c, lint_rule::require_concurrent_index_deletion);
    return;
  }
  if (r.take("owned")) return;
  if (r.is("database") || r.is("subscription") || r.is("tablespace")) refuse(c);
  if (r.is("database")) flag(c, lint_rule::ban_drop_database);
  const bool table = r.take("table");
  if (!table) {  // DROP <kind> [<kind word>] IF EXISTS
    r.advance();
    if (!r.is("if")) r.advance();
  }
  const bool if_exists = r.take("if") && r.take("exists");
  c.not_idempotent = !if_exists;
  if (table) {
    flag(c, lint_rule::ban_drop_table);
    c.table = r.take_name();
  }
  return;
}

// ALTER TABLE actions (columns, constraints, renames), ALTER TYPE ... ADD VALUE, ALTER SYSTEM|DATABASE|SUBSCRIPTION.
constexpr void classify_altering(token_reader& r, statement_class& c, bool) noexcept {
  if (r.take("system")) {
    refuse(c);
    return;
  }
  if (r.take("database")) {
    r.advance();  // its name, quoted or not
    if (r.take("set") && r.is("tablespace")) refuse(c);
    return;
  }
  if (r.take("subscription")) {
    for (bool refresh = false; !r.done(); r.advance()) {
      if (refresh && r.is("publication")) {
        refuse(c);
        break;
      }
      refresh = r.is("refresh");
    }
    return;
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
    return;
  }
  if (!r.take("table")) return;
  if (r.take("if")) r.take("exists");
  r.take("only");
  c.table = r.take_name();
  if (r.is_punct('*')) r.advance();
  while (!r.done()) {  // the actions, separated by commas
    if (r.take("add")) {
      token constraint_name{};
      if (r.take("constraint")) constraint_name = r.take_name();
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
      if (foreign && !a.not_valid) flag(c, lint_rule::adding_foreign_key_constraint);
      if (check && !a.not_valid) flag(c, lint_rule::constraint_missing_not_valid);
      if ((foreign || check) && a.not_valid) c.added_not_valid = constraint_name;
      if (unique && !a.using_index) flag(c, lint_rule::disallowed_unique_constraint);
      if (!constraint) {
        if (a.references) flag(c, lint_rule::adding_foreign_key_constraint);
        // a stored generated or identity column is written into every row: a rewrite under ACCESS EXCLUSIVE
        if (a.generated) flag(c, lint_rule::adding_field_with_default);
        if (a.not_null && !a.has_default && !a.generated) flag(c, lint_rule::adding_required_field);
        if (a.volatile_value) flag(c, lint_rule::adding_field_with_default);
        if (a.unique) flag(c, lint_rule::disallowed_unique_constraint);
      }
    } else if (r.take("alter")) {
      r.take("column");
      r.take_name();
      if (r.take("set")) {
        if (r.take("not") && r.is("null")) flag(c, lint_rule::adding_not_nullable_field);
        else if (r.take("data") && r.is("type")) flag(c, lint_rule::changing_column_type);
      } else if (r.is("type")) {
        flag(c, lint_rule::changing_column_type);
      }
      read_action(r);
    } else if (r.take("validate")) {
      r.take("constraint");
      c.validated = r.take_name();
      read_action(r);
    } else if (r.take("drop")) {
      if (!r.is("constraint")) flag(c, lint_rule::ban_drop_column);
      read_action(r);
    } else if (r.take("rename")) {
      if (r.is("to")) flag(c, lint_rule::renaming_table);
      else if (!r.is("constraint")) flag(c, lint_rule::renaming_column);
      read_action(r);
    } else if (r.take("detach")) {  // DETACH PARTITION ... CONCURRENTLY
      for (int depth = 0; !r.done(); r.advance()) {
        if (r.is_punct('(')) ++depth;
        else if (r.is_punct(')')) --depth;
        else if (depth == 0 && r.is_punct(',')) break;
        else if (r.is("concurrently")) refuse(c);
      }
    } else {
      read_action(r);
    }
    if (r.is_punct(',')) r.advance();
  }
  return;
}

// REINDEX [ (CONCURRENTLY) ] TABLE|INDEX|SCHEMA|DATABASE|SYSTEM.
constexpr void classify_reindexing(token_reader& r, statement_class& c, bool) noexcept {
  bool concurrently = false;
  if (r.is_punct('(')) {  // options: CONCURRENTLY [ boolean ]
    for (r.advance(); !r.done() && !r.is_punct(')'); r.advance())
      if (r.is("concurrently")) {
        r.advance();
        concurrently = !(r.is("false") || r.is("off") || (r.current.kind == token_kind::number && r.s[r.current.begin] == '0'));
        if (r.is_punct(')')) break;
      }
    r.advance();
  }
  if (r.is("schema") || r.is("database") || r.is("system")) {
    refuse(c);
    return;
  }
  const bool table = r.take("table");
  if (!table) r.take("index");
  if (r.take("concurrently")) concurrently = true;
  if (concurrently) refuse(c);
  else flag(c, lint_rule::require_concurrent_reindex);
  if (table) c.table = r.take_name();
  return;
}

// VACUUM FULL, VACUUM (FULL [true]): a rewrite under an exclusive lock.
constexpr void classify_vacuuming(token_reader& r, statement_class& c, bool) noexcept {
  refuse(c);
  if (r.take("full")) flag(c, lint_rule::prefer_repack);
  else if (r.is_punct('('))
    for (r.advance(); !r.done() && !r.is_punct(')'); r.advance())
      if (r.is("full")) {
        r.advance();
        if (!(r.is("false") || r.is("off") || (r.current.kind == token_kind::number && r.s[r.current.begin] == '0')))
          flag(c, lint_rule::prefer_repack);
        if (r.is_punct(')')) break;
      }
  return;
}

// CLUSTER: a rewrite under an exclusive lock (every table: refused in a transaction).
constexpr void classify_clustering(token_reader& r, statement_class& c, bool) noexcept {
  r.take("verbose");
  if (r.done()) refuse(c);  // every table
  else flag(c, lint_rule::prefer_repack);
  return;
}

// DISCARD ALL: refused in a transaction.
constexpr void classify_discarding(token_reader& r, statement_class& c, bool) noexcept {
  if (r.is("all")) refuse(c);
  return;
}

// TRUNCATE ... CASCADE.
constexpr void classify_truncating(token_reader& r, statement_class& c, bool) noexcept {
  for (; !r.done(); r.advance())
    if (r.is("cascade")) flag(c, lint_rule::ban_truncate_cascade);
  return;
}

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
  if (r.take("create")) return classify_creating(r, c, refusal_only), c;
  if (r.take("drop")) return classify_dropping(r, c, refusal_only), c;
  if (r.take("alter")) return classify_altering(r, c, refusal_only), c;
  if (r.take("reindex")) return classify_reindexing(r, c, refusal_only), c;
  if (r.take("vacuum")) return classify_vacuuming(r, c, refusal_only), c;
  if (r.take("cluster")) return classify_clustering(r, c, refusal_only), c;
  if (r.take("discard")) return classify_discarding(r, c, refusal_only), c;
  if (r.take("truncate")) return classify_truncating(r, c, refusal_only), c;
  if (r.is("begin") || r.is("commit") || r.is("rollback") || r.is("end") || r.is("abort") || r.is("savepoint") ||
      r.is("release") || (r.is("start") && (r.advance(), r.is("transaction"))))
    flag(c, lint_rule::transaction_nesting);
  return c;
}

// Allowances written as `-- strata:allow RULE[, RULE]: reason` (the comment form) or as
// "RULE[, RULE]: reason" (a migration's `allow` member). Returns the rules' bits; `malformed` when
// a rule is unknown or the reason is missing.
constexpr lint_rules_mask parse_allowance(std::string_view text, bool& malformed) noexcept {
  return backend::parse_allowance(lint_rules, text, malformed);
}

// One pass over a body: the split, the checksum, and each statement classified. `allowed`: rules
// allowed for the whole migration; `down`: the destructive rules do not apply. `each` sees every
// finding, not only the first (the generator reports them all at once; body_finding).
struct ignore_findings {
  constexpr void operator()(const body_finding&) const noexcept {}
};

template <class Each = ignore_findings>
constexpr sql_analysis analyse_sql(std::string_view text, std::uint64_t& checksum, bool nul_terminated = false,
                                   lint_rules_mask allowed = 0, bool down = false, bool transactional = true,
                                   Each&& each = {}) {
  sql_analysis a;
  std::size_t previous_end = 0;
  std::vector<token> created;  // every table the body has created so far: its rules do not apply to them
  std::vector<token> not_valid;  // constraints the body added NOT VALID
  const scan_result r = scan_sql(text, checksum, [&](statement_span sp) {
    ++a.statement_count;
    statement_class c = classify_statement(text.data() + sp.begin, sp.end - sp.begin, down && transactional);
    if (!resumable(c)) {
      if (!a.has_non_idempotent) a.first_non_idempotent = sp;
      a.has_non_idempotent = true;
      each(body_finding{finding_kind::not_idempotent, sp, no_lint_rule});
    }
    if (c.kind == statement_kind::atomic_routine) {
      if (!a.has_unsplittable) a.first_unsplittable = sp;
      a.has_unsplittable = true;
      each(body_finding{finding_kind::unsplittable, sp, no_lint_rule});
    }
    if (c.kind == statement_kind::refused_in_transaction) {
      if (!a.has_refused_statement) a.first_refused = sp;
      a.has_refused_statement = true;
      each(body_finding{finding_kind::refused_in_transaction, sp, no_lint_rule});
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
    const lint_rules_mask here = backend::comment_allowances(lint_rules, text.data(), previous_end, sp.begin, bad, bad_at);
    if (bad) {
      std::size_t line_end = bad_at;
      while (line_end < sp.begin && text[line_end] != '\n' && text[line_end] != '\r') ++line_end;
      if (!a.bad_allowance) a.bad_allowance_at = {bad_at, line_end};
      a.bad_allowance = true;
      each(body_finding{finding_kind::bad_allowance, {bad_at, line_end}, no_lint_rule});
    }
    previous_end = sp.end;
    // A constraint added NOT VALID and validated in the same transaction: the strong lock of the
    // ADD is held through the VALIDATE's scan, so splitting them gained nothing.
    if (c.added_not_valid.kind != token_kind::end) not_valid.push_back(in_body(c.added_not_valid));
    if (c.validated.kind != token_kind::end)
      for (const token& t : not_valid)
        if (same_name(text.data(), t, in_body(c.validated))) {
          flag(c, lint_rule::constraint_missing_not_valid);
          break;
        }
    // Each rule the statement breaks, the first one first: an allowance covers the rules it names.
    const token table = in_body(c.table);
    bool created_here = false;
    for (std::size_t k = 0; k < created.size() && !created_here; ++k) created_here = same_name(text.data(), created[k], table);
    lint_rules_mask rest = c.rules;
    for (lint_rule rule = c.rule; rule != lint_rule::none;) {
      const lint_rules_mask bit = rule_bit(rule_id(rule));
      rest &= ~bit;
      bool exempt = ((allowed | here) & bit) != 0;
      if (down && (lint_rules[static_cast<std::size_t>(rule)].destructive ||
                   rule == lint_rule::require_concurrent_index_deletion))
        exempt = true;
      if (created_here && rule != lint_rule::transaction_nesting) exempt = true;
      if (!exempt) {
        if (a.first_rule == no_lint_rule) {
          a.first_rule = rule_id(rule);
          a.first_lint = sp;
        }
        a.lint_hits |= bit;
        each(body_finding{finding_kind::lint, sp, rule_id(rule)});
      }
      rule = lint_rule::none;
      for (std::uint8_t r = 0; r < lint_rule_count && rest; ++r)
        if (rest & rule_bit(r)) {
          rule = static_cast<lint_rule>(r);
          break;
        }
    }
    if (c.created.kind != token_kind::end) created.push_back(in_body(c.created));
  }, nul_terminated);
  a.error = r.error;
  a.error_at = r.error_at;
  if (a.error != scan_error::none) each(body_finding{finding_kind::unterminated, {a.error_at, text.size()}, no_lint_rule});
  return a;
}

// The possibly qualified name at the reader (a.b."c"), as written in `statement`; the reader after it.
inline std::string written_name(token_reader& r, std::string_view statement) {
  const std::uint32_t begin = r.current.begin;
  std::uint32_t end = r.current.end;
  while (r.is_name()) {
    end = r.current.end;
    r.advance();
    if (!r.is_punct('.')) break;
    r.advance();
  }
  return std::string(statement.substr(begin, end - begin));
}

// A name token as PostgreSQL stores it: a word folded to lower case, a quoted identifier unquoted.
inline std::string stored_name(const char* s, token t) {
  std::string out;
  if (t.kind == token_kind::quoted) {
    for (std::uint32_t k = t.begin + 1; k + 1 < t.end; ++k) {
      out += s[k];
      if (s[k] == '"') ++k;  // a doubled quote
    }
    return out;
  }
  for (std::uint32_t k = t.begin; k < t.end; ++k) out += static_cast<char>(s[k] >= 'A' && s[k] <= 'Z' ? s[k] | 0x20 : s[k]);
  return out;
}

}  // namespace detail

// Whether PostgreSQL refuses `statement` inside a transaction block.
constexpr bool refused_in_transaction(std::string_view statement) {
  std::uint64_t ignored = 0;
  return detail::analyse_sql(statement, ignored).has_refused_statement;
}

// Whether `statement` is a whole BEGIN; (BEGIN WORK|TRANSACTION, START TRANSACTION), or COMMIT; (COMMIT
// or END, WORK|TRANSACTION): a golang-migrate file's own transaction wrapper (dsl/formats/golang_migrate.hpp).
constexpr bool opens_transaction(std::string_view statement) noexcept {
  detail::token_reader r(statement.data(), statement.size());
  if (r.take("begin")) {
    if (!r.take("work")) r.take("transaction");
  } else if (!(r.take("start") && r.take("transaction"))) {
    return false;
  }
  if (!r.is_punct(';')) return false;
  r.advance();
  return r.done();
}
constexpr bool closes_transaction(std::string_view statement) noexcept {
  detail::token_reader r(statement.data(), statement.size());
  if (!r.take("commit") && !r.take("end")) return false;
  if (!r.take("work")) r.take("transaction");
  if (!r.is_punct(';')) return false;
  r.advance();
  return r.done();
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
  return static_cast<lint_rule>(detail::analyse_sql(statement, ignored).first_rule);
}

// Whether a statement may change a session setting that outlives it: a plain SET or RESET (not
// SET LOCAL, SET CONSTRAINTS, SET TRANSACTION, SET SESSION CHARACTERISTICS), or set_config
// anywhere in its text.
constexpr bool may_change_settings(std::string_view statement) {
  detail::token_reader r(statement.data(), statement.size());
  if (r.take("reset")) return true;
  if (r.take("set")) {
    if (r.is("local") || r.is("constraints") || r.is("transaction")) return false;
    if (r.take("session") && r.is("characteristics")) return false;
    return true;
  }
  // set_config anywhere, in a DO block's or a function call's text too
  constexpr std::string_view call = "set_config";
  for (std::size_t i = 0; i + call.size() <= statement.size(); ++i)
    if (detail::keyword_at(statement.data(), i, i + call.size(), "set_config")) return true;
  return false;
}

// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON [ONLY] table ...: the index it
// builds; nullopt for any other statement, and for an index without a name (PostgreSQL picks it).
inline std::optional<created_index> index_created_by(std::string_view statement) {
  detail::token_reader r(statement.data(), statement.size());
  if (!r.take("create")) return std::nullopt;
  r.take("unique");
  if (!r.take("index")) return std::nullopt;
  r.take("concurrently");
  if (r.take("if") && !(r.take("not") && r.take("exists"))) return std::nullopt;
  if (!r.is_name() || r.is("on")) return std::nullopt;
  created_index out;
  out.name = detail::stored_name(r.s, r.current);
  r.advance();
  if (!r.take("on")) return std::nullopt;
  r.take("only");
  if (!r.is_name()) return std::nullopt;
  out.table = detail::written_name(r, statement);
  return out;
}

// How a statement of a non-transactional revision runs so that an interrupted run can be resumed
// at it (core/dialect.hpp resume_kind).
inline resume_form resume_form_of(std::string_view statement) {
  detail::token_reader r(statement.data(), statement.size());
  if (r.take("begin") || (r.take("start") && r.is("transaction"))) return {resume_kind::opens_transaction, {}, {}};
  if (r.take("commit") || r.take("end") || r.take("rollback") || r.take("abort"))
    return {r.is("prepared") ? resume_kind::as_written : resume_kind::closes_transaction, {}, {}};
  const detail::statement_class c = detail::classify_statement(statement.data(), statement.size());
  if (!c.not_idempotent) return {resume_kind::as_written, {}, {}};
  if (c.kind == detail::statement_kind::ordinary) return {resume_kind::with_its_progress, {}, {}};
  if (!c.index_named) return {resume_kind::as_written, {}, {}};
  if (auto created = index_created_by(statement)) return {resume_kind::unless_index_exists, created->name, created->table};
  // DROP INDEX CONCURRENTLY name: the name as written (to_regclass reads it as the DROP does)
  detail::token_reader d(statement.data(), statement.size());
  d.take("drop");
  d.take("index");
  d.take("concurrently");
  if (!d.is_name()) return {resume_kind::as_written, {}, {}};
  return {resume_kind::unless_index_gone, detail::written_name(d, statement), {}};
}

// The indexes the CREATE INDEX statements of an SQL body build.
inline std::vector<created_index> indexes_built_by(std::string_view body) {
  std::vector<created_index> out;
  split_statements(body, [&](std::string_view s, std::size_t) {
    if (auto i = index_created_by(s)) out.push_back(std::move(*i));
  });
  return out;
}

}  // namespace strata::postgresql
