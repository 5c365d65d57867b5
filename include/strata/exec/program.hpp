#pragma once
// A run as a program of steps: from the plan (which revisions, in which order) to everything the
// run sends: the transaction's start, settings, each statement, code bodies, history and log
// writes, its end, each in the words of the dialect's protocol and language. One
// runner executes a program (exec/runner.hpp) and one printer renders the same program as the
// `--sql` script (exec/printer.hpp), so the script is what runs. Pure: no database.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../core/connection.hpp"
#include "../core/options.hpp"
#include "../plan/planner.hpp"
#include "../version.hpp"
#include "dialect.hpp"
#include "history.hpp"

namespace strata {

enum class step_kind : std::uint8_t {
  sql,             // text sent as it is
  sql_parameters,  // text with $1, $2, ... and its parameters
  code_body,       // the revision's code body, run through strata::transaction
  // Decided at run time from what the database holds (the printed script shows a comment):
  wait_for_interrupted_run,  // a backend of the interrupted run may still work on the revision
  drop_invalid_indexes,      // INVALID indexes the revision's CREATE INDEX statements left
  check_indexes_valid,       // the indexes the revision built are valid
  // Resuming, before the statement an interrupted run may have finished: skip it when done.
  skip_when_index_exists,  // params: the index it builds (as stored), its table
  skip_when_index_gone,    // params: the index it drops (as written)
  // Through a pooler: BEGIN, the migration lock for this transaction, and a look at whether
  // another runner applied (or reverted) the unit's revisions meanwhile, which skips the unit.
  begin_locked,
  // An after_deploy revision, in the transaction that first records it: instances registering
  // wait (text: the lock), and the revision stops when a live instance runs a release lacking it.
  hold_registrations,
  // Before COMMIT, in a run that suspended the database's own checks (protocol::suspended_checks_sql):
  // the rows breaking a foreign key (text: the query) that were not so before the unit's first
  // statement roll the revision back.
  check_violations,
};

struct program_step {
  step_kind kind = step_kind::sql;
  std::string text;
  std::vector<value> params;
  std::size_t revision = 0;   // catalog position of the revision the step belongs to
  std::size_t statement = 0;  // 1-based number in the revision's body; 0 for strata's own steps
  bool commit = false;        // the COMMIT of a transaction (its loss leaves the outcome unknown)
  // Outside a transaction: the body statement this step belongs to (the statement itself, its
  // guard, its progress record, the transaction around them), and for a statement the one a retry
  // starts again at (the body's own BEGIN when the statement is inside its transaction).
  std::size_t for_statement = 0;
  std::size_t restart_at = 0;
};

// Runs, and is retried, as a whole: one revision, or every revision in single-transaction mode.
struct program_unit {
  bool up = true;
  bool transactional = true;
  std::size_t resume_at = 0;  // a non-transactional revision an interrupted run began: the statement it continues at (1: the first)
  bool resumes() const { return up && resume_at > 0; }  // an upgrade finishing what an interrupted run began
  std::vector<std::size_t> revisions;
  std::vector<program_step> steps;
  std::vector<std::string> session_settings;  // set at session level: restored after the unit
  bool may_change_settings = false;            // a code body, or a statement that may change a setting: compared after
};

struct program {
  bool up = true;
  bool create_schema = false;  // the history tables' schema is missing
  bool create_tables = false;  // the history tables are missing
  bool upgrade_layout = false;  // the history is of an earlier strata (0.2: no progress; 0.3: no phase)
  std::vector<program_unit> units;
};

namespace detail {

inline std::string parents_text(const catalog_entry& e) {
  std::string out;
  for (std::size_t k = 0; k < e.parent_count; ++k) {
    if (k) out += ',';
    out += e.parents[k];
  }
  return out;
}

// The database's own time limits for one migration (the protocol's lock wait and statement time
// settings): its members, else the run's defaults. `always` (single-transaction mode) sets both,
// to the default where there is none, so that one migration's values do not carry over to the
// next in the same transaction.
template <class P>
void add_settings(program_unit& u, std::size_t k, const migration_facts& f, const options& o, bool local, bool always) {
  const struct {
    std::string_view name;
    std::int64_t own, run;
  } settings[] = {{P::lock_wait_setting, f.lock_timeout_ms, o.pg_lock_timeout.count()},
                  {P::statement_time_setting, f.statement_timeout_ms, o.pg_statement_timeout.count()}};
  for (const auto& s : settings) {
    if (s.name.empty()) continue;  // a database without the setting
    const std::int64_t ms = s.own >= 0 ? s.own : s.run > 0 ? s.run : -1;
    if (ms < 0 && !always) continue;
    u.steps.push_back({step_kind::sql, ms < 0 ? P::set_default_sql(s.name, local) : P::set_sql(s.name, ms, local), {}, k, 0});
    if (!local) u.session_settings.emplace_back(s.name);
  }
}

// A tenant schema (options.search_path_schema) first on search_path: for the transaction
// (`local`), or for the session until the runner puts the unit's session settings back.
template <class P>
void add_search_path(program_unit& u, std::size_t k, const options& o, bool local) {
  if (o.search_path_schema.empty()) return;
  u.steps.push_back({step_kind::sql, P::search_path_first_sql(o.search_path_schema, local), {}, k, 0});
  if (!local) u.session_settings.emplace_back(P::search_path_setting);
}

template <class L>
void add_body(program_unit& u, std::size_t k, const migration_facts& f, bool up) {
  if ((up ? f.up : f.down) == body_kind::code) {
    u.steps.push_back({step_kind::code_body, {}, {}, k, 0});
    u.may_change_settings = true;
    return;
  }
  std::size_t number = 0;
  L::split(up ? f.up_text : f.down_text, [&](std::string_view s, std::size_t) {
    u.steps.push_back({step_kind::sql, std::string(s), {}, k, ++number});
    if (L::may_change_settings(s)) u.may_change_settings = true;
  });
}

// A non-transactional body, from statement `done + 1` on, each statement followed by its progress
// record: so that an interrupted run is resumed at the statement it was running, and that
// statement is safe to run again (core/dialect.hpp resume_kind). Resuming, strata checks whether
// the interrupted run finished the first statement it runs (every statement, when the interrupted
// run went the other way: `guard_all`).
template <class L, class P>
void add_resumable_body(program_unit& u, std::size_t k, const catalog_entry& e, bool up, const P& t, bool resuming,
                        std::size_t done, bool guard_all) {
  const migration_facts& f = *e.facts;
  std::size_t number = 0, own_begin = 0;  // own_begin: the body's own BEGIN we are inside, or 0
  L::split(up ? f.up_text : f.down_text, [&](std::string_view s, std::size_t) {
    ++number;
    const resume_form form = L::resume_form_of(s);
    const std::size_t restart_at = own_begin ? own_begin : number;
    if (form.kind == resume_kind::opens_transaction) own_begin = number;
    if (form.kind == resume_kind::closes_transaction) own_begin = 0;
    if (number <= done) return;  // done by an earlier run
    if (L::may_change_settings(s)) u.may_change_settings = true;
    if (resuming && (guard_all || number == done + 1)) {
      if (form.kind == resume_kind::unless_index_exists)
        u.steps.push_back({step_kind::skip_when_index_exists, {}, {form.index, form.table}, k, 0, false, number, 0});
      if (form.kind == resume_kind::unless_index_gone)
        u.steps.push_back({step_kind::skip_when_index_gone, {}, {form.index}, k, 0, false, number, 0});
    }
    const bool wrap = form.kind == resume_kind::with_its_progress && restart_at == number;
    if (wrap) u.steps.push_back({step_kind::sql, std::string(P::begin_sql), {}, k, 0, false, number, 0});
    u.steps.push_back({step_kind::sql, std::string(s), {}, k, number, false, number, restart_at});
    u.steps.push_back({step_kind::sql_parameters, t.progress_sql(), {std::string(e.id), std::to_string(number)}, k, 0,
                       false, number, 0});
    if (wrap) u.steps.push_back({step_kind::sql, std::string(P::commit_sql), {}, k, 0, true, number, 0});
  });
}

// A transaction's first step; through a pooler, its start with the migration lock.
template <class P>
program_step begin_step(std::size_t k, const options& o) {
  return {pooled(o) ? step_kind::begin_locked : step_kind::sql, std::string(P::begin_sql), {}, k, 0};
}

inline std::string_view phase_name(const migration_facts& f) { return f.after_deploy ? "after_deploy" : "before_deploy"; }

inline std::vector<value> record_params(const catalog_entry& e) {
  return {std::string(e.id), parents_text(e), checksum_text(e.facts->checksum), std::string(e.facts->description),
          std::string(version), std::string(phase_name(*e.facts))};
}

// The history write of a transactional revision, inside its transaction.
template <class P>
void add_record(program_unit& u, std::size_t k, const catalog_entry& e, bool up, const P& t) {
  if (const std::string check = t.violations_sql(); !check.empty()) u.steps.push_back({step_kind::check_violations, check, {}, k, 0});
  if (up) u.steps.push_back({step_kind::sql_parameters, t.record_sql("upgrade"), record_params(e), k, 0});
  else u.steps.push_back({step_kind::sql_parameters, t.erase_sql("downgrade"), {std::string(e.id), std::string(version)}, k, 0});
}

}  // namespace detail

// The program of a plan in dialect D's words; `o` names the history tables (schema resolved for a run).
template <class D>
program make_program(const catalog& cat, const plan& p, bool up, const detail::history_view& h, const options& o) {
  using P = typename D::protocol;
  using L = typename D::language;
  const P t = detail::tables_of<P>(o);
  program prog;
  prog.up = up;
  prog.create_tables = up && !h.table_exists;
  const bool single = o.mode == mode::single_transaction;
  if (single && !p.steps.empty()) {
    program_unit u;
    u.up = up;
    u.revisions = p.steps;
    u.steps.push_back(detail::begin_step<P>(p.steps.front(), o));
    detail::add_search_path<P>(u, p.steps.front(), o, true);
    for (std::size_t k : p.steps) {
      if (up && cat.entries[k].facts->after_deploy)
        u.steps.push_back({step_kind::hold_registrations, t.hold_registrations_sql(), {}, k, 0});
      detail::add_settings<P>(u, k, *cat.entries[k].facts, o, true, true);
      detail::add_body<L>(u, k, *cat.entries[k].facts, up);
      detail::add_record(u, k, cat.entries[k], up, t);
    }
    u.steps.push_back({step_kind::sql, std::string(P::commit_sql), {}, p.steps.back(), 0, true});
    prog.units.push_back(std::move(u));
    return prog;
  }
  for (std::size_t k : p.steps) {
    const detail::catalog_entry& e = cat.entries[k];
    const detail::migration_facts& f = *e.facts;
    program_unit u;
    u.up = up;
    u.revisions = {k};
    u.transactional = f.transactional;
    if (f.transactional) {
      u.steps.push_back(detail::begin_step<P>(k, o));
      detail::add_search_path<P>(u, k, o, true);
      if (up && f.after_deploy) u.steps.push_back({step_kind::hold_registrations, t.hold_registrations_sql(), {}, k, 0});
      detail::add_settings<P>(u, k, f, o, true, false);
      detail::add_body<L>(u, k, f, up);
      detail::add_record(u, k, e, up, t);
      u.steps.push_back({step_kind::sql, std::string(P::commit_sql), {}, k, 0, true});
    } else {
      // Outside a transaction: the history row says 'started' before the first statement, and
      // counts the statements done, so that an interrupted run is resumed by the next at the
      // statement it was running (README "Killed or interrupted runs").
      const bool same_way = h.started[k] && h.reverting[k] == !up;
      const std::size_t done = same_way ? h.statements_done[k] : 0;
      if (h.started[k]) u.resume_at = done + 1;
      const bool gated = up && f.after_deploy;  // its 'started' row is committed with the gate's check
      if (gated) {
        u.steps.push_back({step_kind::sql, std::string(P::begin_sql), {}, k, 0});
        u.steps.push_back({step_kind::hold_registrations, t.hold_registrations_sql(), {}, k, 0});
      }
      u.steps.push_back({step_kind::sql_parameters,
                         t.start_sql(!up ? "start-downgrade" : u.resumes() ? "resume" : "start", !up), detail::record_params(e), k, 0});
      if (gated) u.steps.push_back({step_kind::sql, std::string(P::commit_sql), {}, k, 0, true});
      if (h.started[k]) u.steps.push_back({step_kind::wait_for_interrupted_run, {}, {}, k, 0});
      // The run-wide lock wait is not for a migration that works concurrently (it would cancel a
      // concurrent build waiting for older transactions, as it must); its own member still is.
      bool concurrent = false;
      if ((up ? f.up : f.down) == body_kind::sql)
        L::split(up ? f.up_text : f.down_text,
                 [&](std::string_view s, std::size_t) { concurrent = concurrent || L::runs_concurrently(s); });
      options own = o;
      if (concurrent) own.pg_lock_timeout = std::chrono::milliseconds(0);
      detail::add_settings<P>(u, k, f, own, false, false);
      detail::add_search_path<P>(u, k, o, false);
      const bool builds_indexes = up && f.up == body_kind::sql && !L::indexes_built_by(f.up_text).empty();
      if (builds_indexes) u.steps.push_back({step_kind::drop_invalid_indexes, {}, {}, k, 0});
      if ((up ? f.up : f.down) == body_kind::sql) detail::add_resumable_body<L>(u, k, e, up, t, h.started[k], done, !same_way);
      else detail::add_body<L>(u, k, f, up);
      if (builds_indexes) u.steps.push_back({step_kind::check_indexes_valid, {}, {}, k, 0});
      if (up) u.steps.push_back({step_kind::sql_parameters, t.finish_sql("upgrade"), {std::string(e.id), std::string(version)}, k, 0});
      else u.steps.push_back({step_kind::sql_parameters, t.erase_sql("downgrade", false), {std::string(e.id), std::string(version)}, k, 0});
    }
    prog.units.push_back(std::move(u));
  }
  return prog;
}

}  // namespace strata
