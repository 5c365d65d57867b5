#pragma once
// The executor: upgrade, downgrade, status, stamp, repair and the `--sql` script over any
// strata::connection. A run reads the history, validates it, plans, and only when there is work
// takes the migration lock and runs the plan's program (exec/program.hpp, exec/runner.hpp).

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../detail/text.hpp"
#include "../plan/planner.hpp"
#include "../version.hpp"
#include "dialect.hpp"
#include "history.hpp"
#include "instances.hpp"
#include "lock.hpp"
#include "printer.hpp"
#include "program.hpp"
#include "report.hpp"
#include "runner.hpp"

namespace strata {

namespace detail {

inline void check_plan(const catalog& cat, const plan& p, bool up, const history_view& h, mode m) {
  for (std::size_t k : p.steps) {
    const migration_facts& f = *cat.entries[k].facts;
    if (m == mode::single_transaction && !f.transactional)
      throw target_error("revision " + std::string(cat.entries[k].id) +
                         " is not transactional and cannot run in single-transaction mode; nothing was changed");
    if (!up && f.down == body_kind::irreversible)
      throw target_error("revision " + std::string(cat.entries[k].id) +
                         " is irreversible (" + std::string(f.irreversible_words) + "); nothing was reverted. To forget it without "
                         "running anything, `stamp` its parent");
    if (up && h.started[k] && f.up == body_kind::code)
      throw validation_error({std::string(cat.entries[k].id)},
                             "revision " + std::string(cat.entries[k].id) +
                                 " is not transactional and an earlier run began its code body and was interrupted: "
                                 "strata cannot tell what it did, so it does not run it again. Check the database, then "
                                 "`stamp` it (it completed) or `stamp` its parent (to run it again); nothing was changed");
  }
}

// The history after a run: what it read, with its plan done (by this run, or through a pooler by
// another meanwhile); a stopped run did only what it reports.
inline std::vector<bool> applied_after(const catalog& cat, const std::vector<bool>& applied, const plan& p, bool up,
                                       const report& r) {
  std::vector<bool> out = applied;
  if (!r.stopped)
    for (std::size_t k : p.steps) out[k] = up;
  for (const step& s : r.applied) out[*cat.find(s.revision)] = true;
  for (const step& s : r.reverted) out[*cat.find(s.revision)] = false;
  return out;
}

inline std::string heads_text(const catalog& cat, const std::vector<bool>& applied) {
  return join(heads_of(cat, applied));
}

// Through a pooler in transaction mode, a revision that runs outside a transaction has no lock
// that stays with it (nor a place for its settings): refused before anything runs.
// A database without a session lock (protocol::session_lock false) refuses it in its own words.
template <connection C>
void check_plan_through_pooler(const catalog& cat, const plan& p, const options& o) {
  using D = protocol_for<C>;
  if (!pooled(o)) return;
  for (std::size_t k : p.steps)
    if (!cat.entries[k].facts->transactional)
      throw target_error("revision " + std::string(cat.entries[k].id) + " is not transactional, and " +
                         (D::session_lock ? std::string("this connection goes through a connection pooler in transaction "
                                                        "mode (such as PgBouncer's pool_mode = transaction), where no lock "
                                                        "holds across its statements: run it through a direct connection "
                                                        "to the server (or, for a pooler in session mode, set "
                                                        "STRATA_POOLING=direct)")
                                          : std::string(D::no_lock_outside_transaction)) +
                         "; nothing was changed");
}

// The history as it stands under the lock, then BEGIN. On a direct connection the run's session
// lock is held already: read, then BEGIN. Through a pooler the transaction is what holds the
// lock: BEGIN with it, then read again inside, unless the first read found what only a read
// outside a transaction can describe (a missing table or column: inside, the failed query would
// abort the transaction). On failure the transaction is rolled back.
template <connection C>
history_view begin_and_read_history(C& conn, const catalog& cat, const options& o) {
  history_view h = read_history(conn, cat, o);
  const bool reread = pooled(o) && h.table_exists && h.warnings.empty() && h.damage.empty();
  if (pooled(o)) begin_locked_transaction(conn, o);
  else conn.execute(protocol_for<C>::begin_sql);
  if (!reread) return h;
  try {
    return read_history(conn, cat, o);
  } catch (...) {
    rollback_quietly(conn);
    throw;
  }
}

template <class Body>
auto logging_failures(const options& o, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    log(o, log_level::error, e.what());
    throw;
  }
}

// The digest of a history at this build's head (the protocol's expected_digest of its revisions).
template <class D>
std::string expected_digest_of(const catalog& cat) {
  std::vector<std::pair<std::string_view, std::string>> expected;
  expected.reserve(cat.size());
  for (const auto& e : cat.entries) expected.emplace_back(e.id, checksum_text(e.facts->checksum));
  return D::expected_digest(std::move(expected));
}

// The no-op start-up's one query: true when the history holds exactly this build's revisions, all
// applied with this build's checksums (a count and a digest; the rows are read only otherwise).
template <connection C>
bool history_at_head(C& conn, const catalog& cat, const options& o) {
  using D = protocol_for<C>;
  if (cat.size() == 0) return false;
  rows r;
  const D t = tables_of<D>(o);
  try {
    r = conn.query(t.digest_sql(), std::vector<value>{t.qualified(t.log), expected_digest_of<D>(cat)});
  } catch (const database_error& e) {
    if (D::undefined_table(e.sqlstate()) || D::undefined_column(e.sqlstate())) return false;  // read_history says why
    throw;
  }
  return !r.empty() && r[0].size() >= 3 && r[0][0] == value(std::to_string(cat.size())) &&
         D::is_true(r[0][1].value_or("")) && D::is_true(r[0][2].value_or(""));
}

// history_at_head for many histories of one database (`each`: a schema target's options apiece)
// in one query; a history missing from a schema leaves it false (one more query finds which).
template <connection C>
std::vector<bool> histories_at_head(C& conn, const catalog& cat, const std::vector<options>& each) {
  using D = protocol_for<C>;
  std::vector<bool> at(each.size(), false);
  if (cat.size() == 0 || each.empty()) return at;
  const std::vector<value> digest{expected_digest_of<D>(cat)};
  std::vector<std::size_t> asked(each.size());
  for (std::size_t i = 0; i < each.size(); ++i) asked[i] = i;
  const auto ask = [&] {
    std::vector<D> tables;
    tables.reserve(asked.size());
    for (std::size_t i : asked) tables.push_back(tables_of<D>(each[i]));
    return conn.query(D::digests_sql(tables), digest);
  };
  rows r;
  try {
    r = ask();
  } catch (const database_error& e) {
    if (!D::undefined_table(e.sqlstate()) && !D::undefined_column(e.sqlstate())) throw;
    // Some schema has no history yet (a new tenant): ask again of those that have one.
    std::vector<std::string> schemas;
    for (const options& o : each) schemas.push_back(o.schema);
    const rows have = conn.query(D::history_tables_sql(), std::vector<value>{D::array(schemas), each.front().history_table});
    asked.clear();
    for (std::size_t i = 0; i < each.size(); ++i)
      if (std::any_of(have.begin(), have.end(), [&](const row& h) { return h.at(0) == value(each[i].schema); }))
        asked.push_back(i);
    if (asked.empty()) return at;
    r = ask();
  }
  for (const row& x : r) {
    if (x.size() < 4) continue;
    const std::size_t i = asked.at(static_cast<std::size_t>(std::stoull(x[0].value_or("0"))));
    at[i] = x[1] == value(std::to_string(cat.size())) && D::is_true(x[2].value_or("")) && D::is_true(x[3].value_or(""));
  }
  return at;
}

// How an upgrade treats after_deploy revisions that live instances of older releases lack
// (README "Rolling deploys"): `upgrade` leaves them pending, `finish` waits for the instances
// to go until `until`, then refuses, changing nothing.
struct phase_gate {
  bool finishing = false;
  std::chrono::steady_clock::time_point until{};
};

// The plan without what the live instances hold back. `waiting` (when given) receives what
// stays pending and why. A before_deploy revision behind a held one is what this release needs
// to start: refused, as `finish` is when its wait ends.
template <connection C>
plan gate_by_phase(C& conn, const catalog& cat, const plan& p, const options& o, const phase_gate& gate,
                   std::vector<std::string>* waiting) {
  if (std::none_of(p.steps.begin(), p.steps.end(), [&](std::size_t k) { return cat.entries[k].facts->after_deploy; }))
    return p;
  phase_split s = split_by_phase(cat, p, read_live_instances(conn, o));
  while (gate.finishing && !s.held.empty() && std::chrono::steady_clock::now() < gate.until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(gate.until - std::chrono::steady_clock::now());
    log(o, log_level::info, "finish waits: " + waiting_text(cat, s, 0));
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(left, std::chrono::seconds(1)));
    s = split_by_phase(cat, p, read_live_instances(conn, o));
  }
  if (s.held.empty()) return s.runs;
  std::vector<std::string> names, texts;
  for (std::size_t i = 0; i < s.held.size(); ++i) {
    texts.push_back(waiting_text(cat, s, i));
    for (const auto& n : instance_names(s.holders[i]))
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  if (gate.finishing)
    throw instances_error(names, "finish: " + join(texts, "; ") + "; nothing was changed (stop them, or wait longer "
                                 "with --wait SECONDS)");
  for (std::size_t k : s.behind)
    if (!cat.entries[k].facts->after_deploy)
      throw instances_error(names, "revision " + std::string(cat.entries[k].id) + " (before_deploy) comes after " +
                                       join(texts, "; ") + ": this release cannot start before the previous rollout is "
                                       "finished (`finish --wait SECONDS` once its instances are gone); nothing was changed");
  for (const auto& t : texts) log(o, log_level::info, t + "; `finish` applies it once they are gone");
  if (waiting) *waiting = texts;
  return s.runs;
}

// An upgrade (up) or a downgrade: validate, plan, and only when there is work take the lock,
// read the history again (another runner may have done the work meanwhile) and run the plan.
template <class R, connection Given, class Planner>
report migrate(Given& given, const options& o, bool up, Planner&& make_plan, const phase_gate& gate = {}) {
  auto conn = bind<R>(given);
  using C = decltype(conn);
  return logging_failures(o, [&] {
    const auto started = std::chrono::steady_clock::now();
    const catalog cat = catalog_of<R>();
    report r;
    r.action = up ? "upgrade" : "downgrade";
    if (up && (o.target.empty() || o.target == cat.entries[cat.size() - 1].id) && history_at_head(conn, cat, o)) {
      r.head_before = r.head_after = std::string(cat.entries[cat.size() - 1].id);  // the only round trip
      r.duration = std::chrono::milliseconds(elapsed_ms(started));
      log(o, log_level::info, "database is up to date at " + r.head_after);
      return r;
    }
    history_view h = read_history(conn, cat, o);
    r.warnings = validate(h, o);
    plan p = make_plan(cat, h);
    if (up) p = gate_by_phase(conn, cat, p, o, gate, &r.waiting);
    check_plan(cat, p, up, h, o.mode);
    r.head_before = heads_text(cat, h.applied);
    if (!p.steps.empty()) {
      std::vector<std::string> created;
      const options resolved = resolve_tables(conn, o, false, created);
      check_plan_through_pooler<C>(cat, p, resolved);
      lock_guard<C> lock(conn, resolved);
      r.took_lock = true;
      // Under the lock (CREATE TABLE races otherwise): the tables, and an earlier strata's history
      // brought to this layout; a downgrade writes the log too.
      resolve_tables(conn, resolved, true, created);
      h = read_history(conn, cat, resolved);
      r.warnings = validate(h, resolved);
      r.warnings.insert(r.warnings.end(), created.begin(), created.end());
      p = make_plan(cat, h);
      if (up) p = gate_by_phase(conn, cat, p, resolved, gate, &r.waiting);
      check_plan(cat, p, up, h, o.mode);
      check_plan_through_pooler<C>(cat, p, resolved);
      r.head_before = heads_text(cat, h.applied);
      std::string planned;
      for (std::size_t k : p.steps) planned += (planned.empty() ? "" : ", ") + std::string(cat.entries[k].id);
      log(o, log_level::debug, "plan: " + std::string(up ? "apply " : "revert ") + (planned.empty() ? "nothing" : planned));
      const program prog = make_program<dialect_for<C>>(cat, p, up, h, resolved);
      try {
        run_program(conn, cat, prog, h, resolved, r);
      } catch (const instances_error& held) {
        // An older instance registered after the plan, and the gate rolled the contraction back:
        // an upgrade leaves it pending (with what follows it), as it would have at planning time.
        if (!up || gate.finishing) throw;
        log(o, log_level::info, held.what());
        h = read_history(conn, cat, resolved);
        p = gate_by_phase(conn, cat, make_plan(cat, h), resolved, gate, &r.waiting);
        if (!p.steps.empty()) run_program(conn, cat, make_program<dialect_for<C>>(cat, p, up, h, resolved), h, resolved, r);
      } catch (...) {
        if (o.mode == mode::single_transaction) log(o, log_level::error, "single transaction rolled back: nothing was changed");
        throw;
      }
    }
    r.head_after = heads_text(cat, applied_after(cat, h.applied, p, up, r));
    r.duration = std::chrono::milliseconds(elapsed_ms(started));
    if (up && !r.took_lock)
      log(o, log_level::info, "database is up to date at " + (r.head_after.empty() ? "(none)" : r.head_after));
    else if (up)
      log(o, log_level::info, "upgrade done: " + std::to_string(r.applied.size()) + " applied, head " + r.head_after);
    else
      log(o, log_level::info, "downgrade done: " + std::to_string(r.reverted.size()) + " reverted, head " +
                                  (r.head_after.empty() ? "(none)" : r.head_after));
    return r;
  });
}

}  // namespace detail

// Applies pending revisions up to options.target (default: the head).
template <class R, connection C>
report upgrade(C& conn, const options& o = {}) {
  return detail::migrate<R>(conn, o, true, [&](const catalog& cat, const detail::history_view& h) {
    return plan_upgrade(cat, h.applied, o.target);
  });
}

// Applies every pending revision, after_deploy ones too, once no live instance runs a release that
// lacks them, waiting up to `wait` for those instances to go; when they do not, throws
// instances_error (exit 7) naming them, and changes nothing (README "Rolling deploys").
template <class R, connection C>
report finish(C& conn, std::chrono::milliseconds wait = {}, const options& o = {}) {
  options all = o;
  all.target.clear();
  report r = detail::migrate<R>(
      conn, all, true, [&](const catalog& cat, const detail::history_view& h) { return plan_upgrade(cat, h.applied, ""); },
      detail::phase_gate{true, std::chrono::steady_clock::now() + wait});
  r.action = "finish";
  return r;
}

// Applies the next `count` pending revisions in apply order (`upgrade +N`).
template <class R, connection C>
report upgrade_next(C& conn, std::size_t count, const options& o = {}) {
  return detail::migrate<R>(conn, o, true, [&](const catalog& cat, const detail::history_view& h) {
    return plan_upgrade_next(cat, h.applied, count);
  });
}

// Reverts down to options.target: an applied revision (kept, with its ancestors) or "base"
// (everything).
template <class R, connection C>
report downgrade(C& conn, const options& o) {
  if (o.target.empty()) throw target_error("downgrade needs a target: a revision, \"base\", or -N");
  return detail::migrate<R>(conn, o, false, [&](const catalog& cat, const detail::history_view& h) {
    return plan_downgrade(cat, h.present(), o.target);
  });
}

// Reverts the last `count` applied revisions.
template <class R, connection C>
report downgrade_last(C& conn, std::size_t count, const options& o = {}) {
  return detail::migrate<R>(conn, o, false, [&](const catalog& cat, const detail::history_view& h) {
    return plan_downgrade_last(cat, h.present(), count);
  });
}

// Where the database stands against this build. Reads only.
template <class R, connection Given>
state status(Given& given, const options& o = {}) {
  auto conn = detail::bind<R>(given);
  using C = decltype(conn);
  const catalog cat = catalog_of<R>();
  const detail::history_view h = detail::read_history(conn, cat, o);
  state s;
  s.heads = heads_of(cat, h.applied);
  s.unknown = h.unknown;
  s.unknown_phases = h.unknown_phases;
  s.checksum_mismatches = h.mismatched;
  s.damage = h.damage;
  s.warnings = h.warnings;
  for (std::size_t k = 0; k < cat.size(); ++k) {
    if (h.started[k]) s.interrupted.emplace_back(cat.entries[k].id);
    if (!h.applied[k]) {
      s.pending.emplace_back(cat.entries[k].id);
      continue;
    }
    const detail::history_row& row = h.rows[h.row_of[k]];
    s.applied.push_back({row.revision, row.applied_at, std::atoll(row.execution_ms.c_str()), row.applied_by,
                         std::string(cat.entries[k].facts->description)});
  }
  using L = detail::language_for<C>;
  decltype(L::indexes_built_by(std::string_view{})) indexes;  // those strata's non-transactional revisions build
  for (const auto& e : cat.entries)
    if (!e.facts->transactional && e.facts->up == body_kind::sql)
      for (auto& i : L::indexes_built_by(e.facts->up_text)) {
        // a tenant's table as its migrations see it: in its schema, first on their search_path
        if (!o.search_path_schema.empty() && i.table.find('.') == std::string::npos)
          i.table = detail::protocol_for<C>::quoted(o.search_path_schema) + "." + i.table;
        indexes.push_back(std::move(i));
      }
  s.invalid_indexes = detail::invalid_among(conn, indexes);
  bool contracts = false;
  for (std::size_t k = 0; k < cat.size(); ++k) contracts = contracts || (!h.applied[k] && cat.entries[k].facts->after_deploy);
  if (contracts) {
    const std::vector<live_instance> live = detail::read_live_instances(conn, o);
    for (std::size_t k = 0; k < cat.size(); ++k)
      if (!h.applied[k] && cat.entries[k].facts->after_deploy)
        s.waiting.push_back({std::string(cat.entries[k].id), detail::instance_names(detail::instances_lacking(cat, k, live))});
  }
  return s;
}

namespace detail {

// Stops with a validation error when the state shows edited or unknown revisions or damage.
inline void validate_state(const state& s, const options& o) {
  history_view h;
  h.unknown = s.unknown;
  h.unknown_phases = s.unknown_phases;
  h.mismatched = s.checksum_mismatches;
  h.damage = s.damage;
  h.warnings = s.warnings;
  validate(h, o);
}

// stamp, logged as `action`; `check` (may be null) sees the history under the lock first and may
// refuse by throwing.
template <class R, connection Given>
report stamp_as(Given& given, std::string_view target, const options& o, const char* action,
                const std::function<void(const history_view&)>& check) {
  auto conn = bind<R>(given);
  using C = decltype(conn);
  return detail::logging_failures(o, [&] {
    const auto started = std::chrono::steady_clock::now();
    const catalog cat = catalog_of<R>();
    std::vector<bool> wanted(cat.size(), false);
    if (target != "base") wanted = cat.ancestors_of(detail::resolve_target(cat, target));
    report r;
    r.action = action;
    const options resolved = detail::resolve_tables(conn, o, false, r.warnings);
    detail::lock_guard<C> lock(conn, resolved);
    r.took_lock = true;
    detail::resolve_tables(conn, resolved, true, r.warnings);
    using D = detail::protocol_for<C>;
    const D t = detail::tables_of<D>(resolved);
    const detail::history_view h = detail::begin_and_read_history(conn, cat, resolved);
    try {
      if (check) check(h);
      if (!h.unknown.empty() && !o.remove_unknown_revisions)
        throw validation_error(h.unknown, "stamp would remove revision(s) unknown to this build from the history: " +
                                              detail::join(h.unknown) +
                                              "; to remove them, pass --remove-unknown (options.remove_unknown_revisions); "
                                              "nothing was changed");
      r.head_before = detail::join(heads_of(cat, h.applied));
      for (std::size_t k = cat.size(); k-- > 0;)
        if ((h.applied[k] || h.started[k]) && !wanted[k]) {
          conn.query(t.erase_sql("unstamp"), std::vector<value>{std::string(cat.entries[k].id), std::string(version)});
          r.unstamped.emplace_back(cat.entries[k].id);
        }
      for (const auto& u : h.unknown) {
        conn.query(t.erase_sql("unstamp"), std::vector<value>{u, std::string(version)});
        r.unstamped.push_back(u);
      }
      for (std::size_t k = 0; k < cat.size(); ++k) {
        const detail::catalog_entry& e = cat.entries[k];
        if (wanted[k] && h.started[k]) {
          conn.query(t.finish_sql(action), std::vector<value>{std::string(e.id), std::string(version)});
          r.stamped.emplace_back(e.id);
        } else if (wanted[k] && !h.applied[k]) {
          conn.query(t.record_sql(action), detail::record_params(e));
          r.stamped.emplace_back(e.id);
        }
      }
    } catch (...) {
      detail::rollback_quietly(conn);
      throw;
    }
    detail::commit(conn, "the stamp");
    r.head_after = detail::join(heads_of(cat, wanted));
    r.duration = std::chrono::milliseconds(detail::elapsed_ms(started));
    for (const auto& u : r.unstamped) detail::log(o, log_level::info, action + std::string(" removed ") + u + " from the history");
    return r;
  });
}

}  // namespace detail

// Records `target` and its ancestors as applied without running anything ("base": records
// nothing); known revisions of the history outside that set are removed from it. Revisions
// unknown to this build are removed only with options.remove_unknown_revisions.
template <class R, connection C>
report stamp(C& conn, std::string_view target, const options& o = {}) {
  return detail::stamp_as<R>(conn, target, o, "stamp", nullptr);
}


// Records this build's checksum for applied revisions whose text was edited after they were
// applied: the named ones, or every mismatched one when none is named. Logged in the log table
// as 'repair'; nothing else changes.
template <class R, connection Given>
report repair(Given& given, const std::vector<std::string>& revisions = {}, const options& o = {}) {
  auto conn = detail::bind<R>(given);
  using C = decltype(conn);
  return detail::logging_failures(o, [&] {
    const auto started = std::chrono::steady_clock::now();
    const catalog cat = catalog_of<R>();
    for (const auto& id : revisions) (void)detail::resolve_target(cat, id);
    report r;
    r.action = "repair";
    std::vector<std::string> ignored;
    const options resolved = detail::resolve_tables(conn, o, false, ignored);
    detail::lock_guard<C> lock(conn, resolved);
    r.took_lock = true;
    // Read once to find the history, then again in the transaction that writes it (through a
    // pooler, that transaction is what holds the lock).
    detail::history_view h = detail::read_history(conn, cat, resolved);
    if (h.table_exists) h = detail::begin_and_read_history(conn, cat, resolved);
    using D = detail::protocol_for<C>;
    const D t = detail::tables_of<D>(resolved);
    try {
      std::vector<std::size_t> chosen;
      for (const auto& id : revisions) {
        const std::size_t k = *cat.find(id);
        if (!h.applied[k] && !h.started[k]) throw target_error("revision " + id + " is not applied: there is nothing to repair");
        if (!h.edited[k]) r.warnings.push_back("revision " + id + " already matches this build");
        else chosen.push_back(k);
      }
      if (revisions.empty())
        for (std::size_t k = 0; k < cat.size(); ++k)
          if (h.edited[k]) chosen.push_back(k);
      for (std::size_t k : chosen) {
        const detail::catalog_entry& e = cat.entries[k];
        conn.query(t.repair_sql(), std::vector<value>{std::string(e.id), detail::checksum_text(e.facts->checksum), std::string(version)});
        r.repaired.emplace_back(e.id);
      }
    } catch (...) {
      if (h.table_exists) detail::rollback_quietly(conn);
      throw;
    }
    if (h.table_exists) detail::commit(conn, "the repair");
    r.head_before = r.head_after = detail::join(heads_of(cat, h.applied));
    r.duration = std::chrono::milliseconds(detail::elapsed_ms(started));
    for (const auto& id : r.repaired)
      detail::log(o, log_level::info, "repair: recorded this build's checksum for " + id);
    return r;
  });
}

// The SQL an upgrade (up = true) or downgrade would run, as a script; changes nothing. The script
// is the run's program printed (exec/printer.hpp). `count`: upgrade +N or downgrade -N when non-zero.
// An upgrade's leaves out the after_deploy revisions live instances hold back; a finish's
// (`finishing`) holds every pending revision, each after_deploy one with its gate.
template <class R, connection Given>
std::string sql_script(Given& given, bool up, const options& o = {}, std::size_t count = 0, bool finishing = false) {
  auto conn = detail::bind<R>(given);
  using C = decltype(conn);
  const catalog cat = catalog_of<R>();
  const detail::history_view h = detail::read_history(conn, cat, o);
  detail::validate(h, o);
  const plan planned = up ? (count > 0 ? plan_upgrade_next(cat, h.applied, count) : plan_upgrade(cat, h.applied, o.target))
                    : (count > 0 ? plan_downgrade_last(cat, h.present(), count)
                                 : plan_downgrade(cat, h.present(), o.target));
  plan p = finishing ? plan_upgrade(cat, h.applied, "") : planned;
  if (up && !finishing) p = detail::gate_by_phase(conn, cat, p, o, {}, nullptr);
  detail::check_plan(cat, p, up, h, o.mode);
  std::vector<std::string> ignored;
  detail::tables_found found{true, h.table_exists, true};
  const options resolved = p.steps.empty() ? o : detail::resolve_tables(conn, o, false, ignored, &found);
  detail::check_plan_through_pooler<C>(cat, p, resolved);  // the script is what would run
  using D = detail::dialect_for<C>;
  program prog = make_program<D>(cat, p, up, h, resolved);
  // What the run would create first, as it creates it (resolve_tables).
  prog.create_schema = up && !p.steps.empty() && !found.schema;
  prog.create_tables = up && !p.steps.empty() && !(found.history && found.log);
  prog.upgrade_layout = !p.steps.empty() && found.layout_outdated;
  return detail::print_program<D>(cat, prog, resolved);
}

}  // namespace strata
