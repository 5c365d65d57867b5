#pragma once
// A database as the layers above see it: the Dialect concept and the facts its parts report.
// A dialect is a type with two named parts, each a set of static members:
//   language  its lexer (statement cuts, the checksum's text, tokens), what each statement is
//             (refused in a transaction, idempotent, the indexes it builds, whether it changes a
//             session setting) and its lint rules, all at compile time;
//   protocol  what the executor sends and reads: transaction control, the history and log
//             tables, the migration lock, session settings, what an error code means, the schema
//             snapshot.
// Folder formats (dsl/formats/) ask the language too: whether a statement opens or closes a
// transaction, and how a file that runs in one is wrapped.
// backend/<database>/ holds every part of one database; nothing above names a database.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// What a dialect's lexer reports about an SQL body it could not read to its end.
enum class scan_error : std::uint8_t {
  none,
  unterminated_single_quote,
  unterminated_double_quote,
  unterminated_block_comment,
  unterminated_dollar_quote,
};

struct statement_span {
  std::size_t begin = 0;  // offset of the first character (leading blanks and comments dropped)
  std::size_t end = 0;    // one past the last character, before the separator
};

struct scan_result {
  scan_error error = scan_error::none;
  std::size_t error_at = 0;
};

// One lint rule of a dialect: a row of its rule table. Rules are numbered by their row; a set of
// rules is a bit mask (a dialect has at most 64).
struct lint_rule_row {
  std::string_view name;              // as allowances and lint_off name it
  std::string_view safe_alternative;  // what the diagnostic suggests
  bool destructive;                   // removes or rewrites what exists: not applied to `down` bodies
  bool applies_outside_transactions;  // also linted in a migration with `transactional = false`
  // Breaks the release still running (a contraction): refused in a `before_deploy` migration, no
  // finding in an `after_deploy` one, which runs once no live instance lacks it.
  bool breaks_running_release = false;
};
using lint_rules_mask = std::uint64_t;
inline constexpr std::uint8_t no_lint_rule = 0xff;
constexpr lint_rules_mask rule_bit(std::uint8_t rule) noexcept { return lint_rules_mask{1} << rule; }

// Everything a dialect's language knows about a body after its one pass.
struct sql_analysis {
  scan_error error = scan_error::none;
  std::size_t error_at = 0;
  std::size_t statement_count = 0;
  bool has_refused_statement = false;  // refused inside a transaction block
  statement_span first_refused{};
  bool has_unsplittable = false;  // a statement whose own separators the cut cannot see (a routine's body)
  statement_span first_unsplittable{};
  bool has_non_idempotent = false;  // cannot run twice: a resumed non-transactional revision would fail
  statement_span first_non_idempotent{};
  // The lint: the rules its statements break (after allowances), the first of them, and where.
  lint_rules_mask lint_hits = 0;
  std::uint8_t first_rule = no_lint_rule;
  statement_span first_lint{};
  bool bad_allowance = false;
  statement_span bad_allowance_at{};
};

// One finding of a body's analysis, each of them (sql_analysis keeps the first of each kind).
enum class finding_kind : std::uint8_t {
  unterminated,            // a quote, comment or dollar quote left open: `at` from where it starts
  unsplittable,            // a statement the cut would split (a routine's body)
  refused_in_transaction,  // the database refuses it inside a transaction block
  not_idempotent,          // cannot run twice (matters outside a transaction)
  bad_allowance,           // an allowance naming an unknown rule or giving no reason: `at` is its comment
  lint,                    // a lint rule the statement breaks (after allowances): `rule`
};
struct body_finding {
  finding_kind kind = finding_kind::lint;
  statement_span at{};
  std::uint8_t rule = no_lint_rule;
};

// How one body is read: the rules allowed for it, and where it runs.
struct analysis_context {
  lint_rules_mask allowed = 0;
  bool down = false;          // a `down` body: the destructive rules do not apply
  bool transactional = true;  // the migration runs in a transaction
  bool nul_terminated = false;  // text[size] is '\0' (a literal): a faster scan
};

// How a statement of a non-transactional revision is run so that an interrupted run can be
// resumed at it: the history records each statement's progress (exec/program.hpp).
enum class resume_kind : std::uint8_t {
  as_written,           // harmless to run twice, or not known to be otherwise: sent, then its progress
  with_its_progress,    // would fail run twice, and can run in a transaction: in one with its progress
  unless_index_exists,  // builds a named index concurrently: on a resume, skipped when it exists and is valid
  unless_index_gone,    // drops a named index concurrently: on a resume, skipped when it is gone
  opens_transaction,    // the body's own BEGIN: the statements up to its COMMIT and their progress share it
  closes_transaction,   // the body's own COMMIT or ROLLBACK
};
struct resume_form {
  resume_kind kind = resume_kind::as_written;
  std::string index;  // unless_index_*: the index (as stored for a CREATE, as written for a DROP)
  std::string table;  // unless_index_exists: its table, as written
};

template <class L>
concept dialect_language = requires(std::string_view text, std::uint64_t& checksum, analysis_context context,
                                    bool& malformed) {
  { L::lint_rules } -> std::convertible_to<std::span<const lint_rule_row>>;
  { L::checksum_start } -> std::convertible_to<std::uint64_t>;
  L::checksum_separator(checksum);
  { L::analyse(text, checksum, context) } -> std::same_as<sql_analysis>;
  { L::findings(text, context) } -> std::same_as<std::vector<body_finding>>;
  { L::parse_allowance(text, malformed) } -> std::same_as<lint_rules_mask>;
  { L::checksum(text, text) } -> std::same_as<std::uint64_t>;
  { L::statement_count(text) } -> std::same_as<std::size_t>;
  { L::runs_concurrently(text) } -> std::same_as<bool>;
  { L::refused_in_transaction(text) } -> std::same_as<bool>;
  { L::opens_transaction(text) } -> std::same_as<bool>;
  { L::closes_transaction(text) } -> std::same_as<bool>;
  { L::transaction_wrapper } -> std::convertible_to<std::string_view>;
  { L::may_change_settings(text) } -> std::same_as<bool>;
  { L::resume_form_of(text) } -> std::same_as<resume_form>;
  { L::rules_history_may_clear } -> std::convertible_to<lint_rules_mask>;
  { L::cleared_by_history(text, std::span<const std::string_view>{}) } -> std::same_as<lint_rules_mask>;
  { L::idempotent_forms } -> std::convertible_to<std::string_view>;
  { L::unsplittable_advice } -> std::convertible_to<std::string_view>;
};

template <class D>
concept dialect = requires {
  { D::name } -> std::convertible_to<std::string_view>;
  typename D::protocol;
} && dialect_language<typename D::language>;

// The rule of a dialect's language named `name`, or no_lint_rule.
template <class L>
constexpr std::uint8_t lint_rule_named(std::string_view name) noexcept {
  const std::span<const lint_rule_row> rules = L::lint_rules;
  for (std::size_t r = 0; r < rules.size(); ++r)
    if (rules[r].name == name) return static_cast<std::uint8_t>(r);
  return no_lint_rule;
}

// The rules of a language that apply outside a transaction too.
template <class L>
constexpr lint_rules_mask rules_outside_transactions() noexcept {
  const std::span<const lint_rule_row> rules = L::lint_rules;
  lint_rules_mask bits = 0;
  for (std::size_t r = 0; r < rules.size(); ++r)
    if (rules[r].applies_outside_transactions) bits |= rule_bit(static_cast<std::uint8_t>(r));
  return bits;
}

// The rules of a language that an `after_deploy` migration needs no allowance for.
template <class L>
constexpr lint_rules_mask rules_breaking_running_release() noexcept {
  const std::span<const lint_rule_row> rules = L::lint_rules;
  lint_rules_mask bits = 0;
  for (std::size_t r = 0; r < rules.size(); ++r)
    if (rules[r].breaks_running_release) bits |= rule_bit(static_cast<std::uint8_t>(r));
  return bits;
}

}  // namespace strata
