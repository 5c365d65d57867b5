#pragma once
// Runs a program (exec/program.hpp) through a connection: batches a transactional revision's
// statements into one round trip where the connection can, names the revision and statement of
// every failure, retries a revision that gave up waiting for a table lock (PostgreSQL's
// lock_timeout) with jittered backoff, resumes interrupted non-transactional revisions, and puts
// back the session settings a migration changed.

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "../core/backoff.hpp"
#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../core/transaction.hpp"
#include "../detail/text.hpp"
#include "dialect.hpp"
#include "history.hpp"
#include "instances.hpp"
#include "lock.hpp"
#include "program.hpp"
#include "report.hpp"

namespace strata::detail {

template <connection C>
void rollback_quietly(C& conn) noexcept {
  try {
    conn.execute(protocol_for<C>::rollback_sql);
  } catch (...) {
  }
}

template <connection C>
void commit(C& conn, std::string_view what) {
  try {
    conn.execute(protocol_for<C>::commit_sql);
  } catch (const connection_error& e) {
    throw state_unknown_error("the connection was lost while committing " + std::string(what) +
                              "; it may or may not be applied: the next run reads the history and does what is left (" +
                              e.what() + ")");
  }
}

inline std::string describe_failure(std::string_view revision, std::size_t number, std::size_t count,
                                    const database_error& e) {
  std::string s = "revision " + std::string(revision) + " failed";
  if (number > 0) s += " at statement " + std::to_string(number) + " of " + std::to_string(count);
  s += ": " + server_text(e.server_message(), e.sqlstate());  // the server's further lines indented under it
  if (!e.statement().empty()) s += "\n  statement: " + e.statement();
  if (e.position() > 0) s += "\n  at character " + std::to_string(e.position());
  return s;
}

// A statement as the debug log shows it: its first line, cut at 120 characters.
inline std::string statement_head(std::string_view s) {
  return std::string(s.substr(0, std::min(s.find('\n'), std::size_t{120})));
}

// Which of `indexes` are INVALID (a concurrent build that failed or was interrupted), leaving out
// any that a session is building right now.
template <connection C, class Indexes>
std::vector<std::string> invalid_among(C& conn, const Indexes& indexes) {
  using D = protocol_for<C>;
  std::vector<std::string> out;
  if (indexes.empty()) return out;
  std::vector<std::string> names, tables;
  for (const auto& i : indexes) {
    names.push_back(i.name);
    tables.push_back(i.table);
  }
  for (auto& r : conn.query(D::invalid_indexes_sql(), std::vector<value>{D::array(names), D::array(tables)}))
    out.push_back(r.at(0).value_or(""));
  return out;
}

template <connection C>
std::vector<std::string> invalid_indexes_of(C& conn, const catalog_entry& e) {
  if (e.facts->up != body_kind::sql) return {};
  return invalid_among(conn, language_for<C>::indexes_built_by(e.facts->up_text));
}

// The sessions that may be in a migration's way, as the log and errors show them.
template <connection C>
std::string lock_holders(C& conn) {
  std::vector<std::string> who;
  try {
    for (const row& r : conn.query(protocol_for<C>::lock_holders_sql(), {}))
      who.push_back("pid " + r.at(0).value_or("?") + " (application '" + r.at(1).value_or("") + "', " +
                    r.at(2).value_or("") + ", in a transaction since " + r.at(3).value_or("?") + ")");
  } catch (const database_error&) {
  }
  return who.empty() ? std::string("none found any more") : join(who);
}

// The settings this session changed (name -> value), to put back what a migration changes.
using session_settings = std::map<std::string, std::string>;

template <connection C>
session_settings read_session_settings(C& conn) {
  session_settings out;
  for (const row& r : conn.query(protocol_for<C>::session_settings_sql(), {}))
    out[r.at(0).value_or("")] = r.at(1).value_or("");
  return out;
}

template <connection C>
void restore_session_settings(C& conn, const session_settings& before, const options& o) {
  using D = protocol_for<C>;
  const session_settings now = read_session_settings(conn);
  if (now == before) return;
  for (const auto& [name, value] : now) {
    const auto was = before.find(name);
    if (was != before.end() && was->second == value) continue;
    log(o, log_level::debug, "putting back the setting " + name + " that a migration changed");
    if (was != before.end()) conn.query(D::restore_setting_sql(), std::vector<strata::value>{name, was->second});
    else if (D::plain_setting_name(name)) conn.execute(D::reset_sql(name));
  }
  for (const auto& [name, value] : before)
    if (!now.contains(name)) conn.query(D::restore_setting_sql(), std::vector<strata::value>{name, value});
}

// An interrupted run's backend may still be working on the revision (a concurrent index build
// goes on after its client is killed): wait for it, up to the migration-lock wait.
template <connection C>
void wait_for_interrupted_backend(C& conn, const catalog_entry& e, const history_row& row, const options& o) {
  if (row.started_pid.empty()) return;
  const auto deadline = std::chrono::steady_clock::now() + o.lock_timeout;
  const auto t = tables_of<protocol_for<C>>(o);
  for (;;) {
    const rows alive = conn.query(t.backend_alive_sql(), std::vector<value>{row.started_pid, std::string(e.id)});
    if (alive.empty()) return;
    if (std::chrono::steady_clock::now() >= deadline)
      throw lock_timeout_error("revision " + std::string(e.id) + " is still being applied by backend pid " +
                               row.started_pid + " of an interrupted run (" + alive[0].at(0).value_or("") +
                               "): wait for it to finish, or " + protocol_for<C>::stop_backend_hint(row.started_pid) +
                               "; nothing was changed");
    log(o, log_level::info, "waiting for backend pid " + row.started_pid + ", which still works on revision " +
                                std::string(e.id) + " for an interrupted run");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Through a pooler, under the transaction's lock: whether the unit's revisions are still to do
// (false: another runner did them meanwhile), and whether the history around them is still the
// one the plan was made from (up: their parents applied; down: their children gone). A history
// the plan no longer fits is refused, the transaction rolled back.
template <connection C>
bool still_to_do(C& conn, const catalog& cat, const program_unit& u, const options& o) {
  const auto in_unit = [&](std::size_t k) { return std::find(u.revisions.begin(), u.revisions.end(), k) != u.revisions.end(); };
  std::vector<std::size_t> around;  // up: parents outside the unit; down: children outside it
  for (std::size_t k = 0; k < cat.size(); ++k) {
    if (in_unit(k)) continue;
    for (std::size_t r : u.revisions) {
      const auto parents = u.up ? cat.parents_of(r) : cat.parents_of(k);
      const std::size_t parent = u.up ? k : r;
      if (std::find(parents.begin(), parents.end(), parent) != parents.end()) {
        around.push_back(k);
        break;
      }
    }
  }
  std::vector<std::string> ids;
  for (std::size_t k : u.revisions) ids.emplace_back(cat.entries[k].id);
  for (std::size_t k : around) ids.emplace_back(cat.entries[k].id);
  using D = protocol_for<C>;
  const rows r = conn.query(tables_of<D>(o).states_of_sql(), std::vector<value>{D::array(ids)});
  const auto state_of = [&](std::size_t k) -> value {
    for (const row& x : r)
      if (x.at(0) == value(std::string(cat.entries[k].id))) return x.at(1);
    return std::nullopt;
  };
  const auto changed = [](std::string what) {
    return target_error("another runner changed the history while this run waited for the migration lock (" + what +
                        "); nothing was changed: run again");
  };
  for (std::size_t k : around) {
    const value s = state_of(k);
    if (u.up && s != value("applied")) throw changed("revision " + std::string(cat.entries[k].id) + " is no longer applied");
    if (!u.up && s) throw changed("revision " + std::string(cat.entries[k].id) + " is applied again");
  }
  std::size_t finished = 0;
  for (std::size_t k : u.revisions) {
    const value s = state_of(k);
    if (u.up ? s == value("applied") : !s) ++finished;
  }
  if (finished == 0) return true;
  if (finished == u.revisions.size()) return false;
  throw changed(std::to_string(finished) + " of the " + std::to_string(u.revisions.size()) +
                " revisions of this single transaction are done");
}

// One program unit, from step `from` on. A failure comes out as a migration_error naming the
// revision (and statement), or a connection_error saying what became of the revision. False when
// another runner did the unit meanwhile (through a pooler; nothing was run).
template <connection C>
bool run_unit(C& conn, const catalog& cat, const program_unit& u, std::size_t from, const history_view& h,
              const options& o, std::vector<step>& done, bool checks_suspended) {
  using D = protocol_for<C>;
  std::size_t i = from;
  std::size_t current = cat.size();
  auto started = std::chrono::steady_clock::now();
  auto body_count = [&](std::size_t k) {
    return static_cast<std::size_t>(
        std::count_if(u.steps.begin(), u.steps.end(), [&](const program_step& s) { return s.revision == k && s.statement > 0; }));
  };
  auto fail_at = [&](const program_step& s, const database_error& err) -> migration_error {
    const catalog_entry& e = cat.entries[s.revision];
    if (s.statement > 0)
      return migration_error(std::string(e.id), err.sqlstate(), s.text, s.statement, err.position(),
                             u.transactional ? 0 : s.statement - 1,
                             describe_failure(e.id, s.statement, body_count(s.revision), err) +
                                 (D::query_canceled(err.sqlstate()) ? "\n  " + std::string(D::statement_time_exceeded)
                                                                    : std::string()));
    if (s.kind == step_kind::code_body)
      return migration_error(std::string(e.id), err.sqlstate(), err.statement(), 0, err.position(), 0,
                             describe_failure(e.id, 0, 0, err));
    return migration_error(std::string(e.id), err.sqlstate(), err.statement(), 0, err.position(), 0,
                           "revision " + std::string(e.id) + " failed: " + server_text(err.server_message(), err.sqlstate()));
  };
  // What the suspended checks guard (check_violations), as it was before the unit's first
  // statement: rows broken then (by a connection that did not enforce the checks) are not the
  // revision's doing.
  std::string check_text;
  for (const program_step& s : u.steps)
    if (s.kind == step_kind::check_violations) check_text = s.text;
  std::optional<rows> broken_before;
  // Rows the revision left breaking what the suspended checks guard: it is rolled back.
  auto check_unchanged = [&](const rows& broken) {
    std::vector<std::string> what;
    for (const row& b : broken)
      if (std::find(broken_before->begin(), broken_before->end(), b) == broken_before->end() && what.size() < 10)
        what.push_back(D::violation_text(b.at(0).value_or(""), b.size() > 1 ? b[1].value_or("") : std::string(),
                                         b.size() > 2 ? b[2].value_or("") : std::string()));
    if (what.empty()) return;
    const catalog_entry& e = cat.entries[current];
    throw migration_error(std::string(e.id), "", "", 0, 0, 0,
                          "revision " + std::string(e.id) + " failed: " + std::string(D::violation_words) + ": " + join(what));
  };
  auto finish_revision = [&] {
    if (current == cat.size()) return;
    done.push_back({std::string(cat.entries[current].id), std::chrono::milliseconds(elapsed_ms(started))});
  };
  // Through a pooler, the settings a migration changes are put back inside its transaction: after
  // COMMIT the server session may be another client's.
  session_settings settings_at_begin;
  const bool settings_in_transaction = pooled(o) && u.may_change_settings;
  // Outside a transaction: a transaction strata opened around a statement and its progress, or
  // the body's own, may be open when a statement fails (rolled back then).
  bool statement_transaction = false;
  try {
    try {
      while (i < u.steps.size()) {
        const program_step& s = u.steps[i];
        const catalog_entry& e = cat.entries[s.revision];
        if (checks_suspended && !check_text.empty() && !broken_before &&
            (s.kind == step_kind::code_body || (s.kind == step_kind::sql && s.statement > 0)))
          broken_before = conn.query(check_text, {});
        if (s.revision != current) {
          finish_revision();
          current = s.revision;
          started = std::chrono::steady_clock::now();
          log(o, log_level::info, std::string(u.up ? "applying " : "reverting ") + std::string(e.id));
        }
        try {
          switch (s.kind) {
            case step_kind::begin_locked:
              begin_locked_transaction(conn, o);
              if (!still_to_do(conn, cat, u, o)) {
                rollback_quietly(conn);
                log(o, log_level::info, "revision " + std::string(e.id) + " was " + (u.up ? "applied" : "reverted") +
                                            " by another runner meanwhile");
                return false;
              }
              if (settings_in_transaction) settings_at_begin = read_session_settings(conn);
              break;
            case step_kind::sql: {
              if (s.commit) {
                if (settings_in_transaction) restore_session_settings(conn, settings_at_begin, o);
                commit(conn, "revision " + std::string(e.id));
                break;
              }
              if constexpr (batch_connection<C>) {
                if (u.transactional) {  // the revision's statements in one round trip
                  std::size_t j = i;
                  std::vector<std::string_view> batch;
                  while (j < u.steps.size() && u.steps[j].kind == step_kind::sql && u.steps[j].revision == s.revision &&
                         !u.steps[j].commit)
                    batch.push_back(u.steps[j++].text);
                  log(o, log_level::debug, std::string(e.id) + ": sending " + std::to_string(batch.size()) +
                                               " statement(s) in one round trip");
                  const auto sent = std::chrono::steady_clock::now();
                  try {
                    conn.execute_batch(std::span<const std::string_view>(batch));
                  } catch (const batch_error& err) {
                    throw fail_at(u.steps[i + std::min(err.index(), batch.size() - 1)], err);
                  }
                  log(o, log_level::debug, std::string(e.id) + ": done in " + std::to_string(elapsed_ms(sent)) + " ms");
                  i = j;
                  continue;
                }
              }
              if (s.statement > 0)
                log(o, log_level::debug, std::string(e.id) + ": statement " + std::to_string(s.statement) + ": " +
                                             statement_head(s.text));
              const auto sent = std::chrono::steady_clock::now();
              if (!u.transactional && s.for_statement > 0 && (s.statement == 0 || s.restart_at != s.for_statement))
                statement_transaction = !s.commit;  // strata's BEGIN and COMMIT around a statement, or inside the body's own
              conn.execute(s.text);
              if (s.statement > 0)
                log(o, log_level::debug, std::string(e.id) + ": statement " + std::to_string(s.statement) + " done in " +
                                             std::to_string(elapsed_ms(sent)) + " ms");
              break;
            }
            case step_kind::sql_parameters: conn.query(s.text, s.params); break;
            case step_kind::code_body: {
              transaction tx{conn};
              (u.up ? e.facts->up_code : e.facts->down_code)(tx);
              break;
            }
            case step_kind::wait_for_interrupted_run:
              wait_for_interrupted_backend(conn, e, h.rows[h.row_of[s.revision]], o);
              break;
            case step_kind::drop_invalid_indexes:
              for (const auto& invalid : invalid_indexes_of(conn, e)) {
                log(o, log_level::warning, "dropping the INVALID index " + invalid +
                                               " that an interrupted or failed build of " + std::string(e.id) + " left behind");
                conn.execute(D::drop_index_sql(invalid));
              }
              break;
            case step_kind::skip_when_index_exists:
            case step_kind::skip_when_index_gone: {
              const bool builds = s.kind == step_kind::skip_when_index_exists;
              const rows r = conn.query(builds ? D::index_exists_sql() : D::index_gone_sql(), s.params);
              if (!r.empty() && !r[0].empty() && r[0][0] == value("t")) {
                log(o, log_level::info, std::string(e.id) + ": statement " + std::to_string(s.for_statement) +
                                            " is done (the index " + s.params[0].value_or("") + " is " +
                                            (builds ? "there" : "gone") + "): the interrupted run finished it");
                ++i;  // past the statement, which follows its guard; its progress record follows
              }
              break;
            }
            case step_kind::hold_registrations: {
              if (!u.transactional) statement_transaction = true;  // strata's BEGIN around the gate and the 'started' row
              conn.execute(s.text);
              if (const auto lacking = instances_lacking(cat, s.revision, read_live_instances(conn, o)); !lacking.empty())
                throw instances_error(instance_names(lacking),
                                      "revision " + std::string(e.id) + " is after_deploy, and " +
                                          count_of(lacking.size(), "live instance") + " of a release that lacks it " +
                                          (lacking.size() == 1 ? "runs" : "run") + ": " + join(instance_names(lacking)) +
                                          "; it was rolled back, nothing of it was applied (`finish --wait SECONDS` "
                                          "applies it once they are gone)");
              break;
            }
            case step_kind::check_violations:
              if (checks_suspended && broken_before) check_unchanged(conn.query(s.text, {}));
              break;
            case step_kind::check_indexes_valid:
              if (const auto invalid = invalid_indexes_of(conn, e); !invalid.empty())
                throw migration_error(std::string(e.id), "", "", 0, 0, 0,
                                      "revision " + std::string(e.id) + " left the INVALID index " + join(invalid) +
                                          "; its history row says 'started'");
              break;
          }
        } catch (const batch_error&) {
          throw;
        } catch (const database_error& err) {
          throw fail_at(s, err);
        }
        ++i;
      }
      finish_revision();
      return true;
    } catch (...) {
      if (u.transactional || statement_transaction) rollback_quietly(conn);
      throw;
    }
  } catch (const connection_error& lost) {
    const std::string what = std::string(u.up ? "applying" : "reverting") + " revision " +
                             std::string(cat.entries[i < u.steps.size() ? u.steps[i].revision : u.revisions.back()].id);
    if (!u.transactional)
      throw connection_error("the connection was lost while " + what +
                                 ", which is not transactional: some of its statements may have run; its history row "
                                 "says 'started' and the next run resumes it (" + lost.what() + ")",
                             true);
    throw connection_error("the connection was lost while " + what + ": " +
                               (u.revisions.size() > 1 ? "the run's single transaction" : "its transaction") +
                               " was rolled back by the server and nothing of it was recorded; run again (" +
                               lost.what() + ")",
                           true);
  }
}

// What a non-transactional revision's failure leaves, added to its message.
template <connection C>
migration_error outside_transaction_failure(C& conn, const catalog_entry& e, const migration_error& err) {
  const bool code = err.statement_number() == 0 && e.facts->up == body_kind::code;
  std::string message = err.what();
  message = message.substr(message.find(": ") + 2);
  if (code)
    message += "\n  this migration is not transactional: its code body may have run statements before the failure; they stay applied";
  else if (err.statements_already_run() > 0)
    message += "\n  this migration is not transactional: statements 1 to " + std::to_string(err.statements_already_run()) +
               " ran and stay applied";
  else
    message += "\n  none of its statements took effect";
  const std::size_t at = std::max<std::size_t>(err.statement_number(), 1);
  message += "; its history row says 'started', and the next run " +
             (code ? std::string("stops until you check it (a code body is not resumed automatically)")
                   : "continues at statement " + std::to_string(at));
  try {
    if (const auto invalid = invalid_indexes_of(conn, e); !invalid.empty())
      message += "\n  INVALID index left behind by the failed concurrent build: " + join(invalid) +
                 " (the next run drops it before building again)";
  } catch (...) {
  }
  return migration_error(err.revision(), err.sqlstate(), err.statement(), err.statement_number(), err.position(),
                         err.statements_already_run(), message);
}

// What a transactional revision's failure leaves, added to its message: nothing, it was rolled
// back (in single-transaction mode, with every revision of the run).
inline migration_error rolled_back_failure(const migration_error& err, bool single_transaction) {
  std::string message = std::string(err.what()).substr(std::string_view(code_name(err.code())).size() + 2);
  message += single_transaction ? "\n  the run's single transaction was rolled back: none of its revisions was applied"
                                : "\n  its transaction was rolled back, nothing of it was applied";
  return migration_error(err.revision(), err.sqlstate(), err.statement(), err.statement_number(), err.position(),
                         err.statements_already_run(), message);
}

// What a failed run had committed before its failure, in order: those revisions stay applied
// (or reverted), added to the failure's message.
inline std::string committed_before(const report& r, bool up) {
  const auto& list = up ? r.applied : r.reverted;
  if (list.empty()) return std::string("\n  nothing was ") + (up ? "applied" : "reverted") + " before it in this run";
  std::vector<std::string> ids;
  for (const step& s : list) ids.push_back(s.revision);
  return std::string("\n  ") + (up ? "applied" : "reverted") + " before it in this run, and committed: " + join(ids);
}
inline migration_error with_committed(const migration_error& err, const report& r, bool up) {
  const std::string message = std::string(err.what()).substr(std::string_view(code_name(err.code())).size() + 2);
  return migration_error(err.revision(), err.sqlstate(), err.statement(), err.statement_number(), err.position(),
                         err.statements_already_run(), message + committed_before(r, up));
}

// Runs a program: each unit, retried while a table lock is not available (within
// options.lock_retry_for), with the session's settings put back after each.
template <connection C>
void run_program(C& conn, const catalog& cat, const program& prog, const history_view& h, const options& o, report& r) {
  using D = protocol_for<C>;
  if (prog.units.empty()) return;
  // The session's settings, read only when a unit may change them (through a pooler, each unit
  // puts them back inside its own transaction instead).
  const bool watch_settings = !pooled(o) && std::any_of(prog.units.begin(), prog.units.end(), [](const program_unit& u) {
    return u.may_change_settings || !u.session_settings.empty();
  });
  const session_settings before = watch_settings ? read_session_settings(conn) : session_settings{};
  // On the way out of a failed unit: best effort, the failure is what gets reported.
  auto put_back_quietly = [&]() noexcept {
    try {
      if (watch_settings) restore_session_settings(conn, before, o);
    } catch (...) {
    }
  };
  // The checks a database cannot suspend inside a transaction (SQLite's foreign keys): off for
  // the run, outside its transactions, and on again after it whatever happens; each revision
  // looks for what they would have caught before its COMMIT (step_kind::check_violations).
  std::vector<std::string> put_back;
  if (const std::string suspended = D::suspended_checks_sql(); !suspended.empty())
    for (const row& x : conn.query(suspended, {})) {
      conn.execute(x.at(0).value_or(""));
      put_back.push_back(x.at(1).value_or(""));
    }
  struct checks_restored {
    C& conn;
    const std::vector<std::string>& statements;
    ~checks_restored() {
      for (const auto& s : statements) {
        try {
          conn.execute(s);
        } catch (...) {  // the run's own outcome is the one to report
        }
      }
    }
  } restored{conn, put_back};
  std::mt19937_64 jitter{std::random_device{}()};
  for (const program_unit& u : prog.units) {
    if (o.stop.stop_requested()) {
      r.stopped = true;
      log(o, log_level::warning, "stop requested: revision " + std::string(cat.entries[u.revisions.front()].id) +
                                     " and those after it are left for the next run");
      return;
    }
    if (u.resumes()) r.resumed.emplace_back(cat.entries[u.revisions.front()].id);
    if (u.resume_at > 0)
      log(o, log_level::warning, std::string(u.up ? "resuming revision " : "reverting the interrupted revision ") +
                                     std::string(cat.entries[u.revisions.front()].id) +
                                     ": an earlier run began it and was interrupted; " +
                                     (u.resume_at > 1 ? "it continues at statement " + std::to_string(u.resume_at)
                                                      : std::string("it runs from its first statement")));
    std::vector<step> done;
    std::size_t from = 0;
    const auto deadline = std::chrono::steady_clock::now() + o.lock_retry_for;
    for (unsigned attempt = 1;; ++attempt) {
      try {
        if (!run_unit(conn, cat, u, from, h, o, done, !put_back.empty())) done.clear();
        break;
      } catch (const migration_error& err) {
        const catalog_entry& e = *std::find_if(cat.entries.begin(), cat.entries.end(),
                                                [&](const catalog_entry& c) { return c.id == err.revision(); });
        if (!D::lock_not_available(err.sqlstate())) {
          if (!u.transactional) {  // what it left is looked up with its settings (a tenant's search_path) still on
            const migration_error left = outside_transaction_failure(conn, e, err);
            put_back_quietly();
            throw with_committed(left, r, u.up);
          }
          put_back_quietly();
          throw with_committed(rolled_back_failure(err, o.mode == mode::single_transaction), r, u.up);
        }
        // It gave up waiting for a table lock, and nothing of it holds one now (a transactional
        // revision was rolled back; a non-transactional statement was cancelled whole): wait, then
        // run it again, from the cancelled statement where not transactional.
        const std::string holders = lock_holders(conn);
        const auto delay = backoff{o.lock_retry_base, o.lock_retry_cap}.delay_of_at_least_half(
            attempt - 1, std::uniform_real_distribution<double>(0, 1)(jitter));
        const std::string what = "revision " + std::string(e.id) +
                                 (err.statement_number() ? " (statement " + std::to_string(err.statement_number()) + ")" : "");
        if (std::chrono::steady_clock::now() + delay > deadline) {
          put_back_quietly();
          throw lock_timeout_error(what + " could not take the table locks it needs: " + std::string(D::lock_wait_name) + " ran out on " +
                                   std::to_string(attempt) + " attempt(s) within the retry budget of " +
                                   std::to_string(o.lock_retry_for.count()) + " ms; sessions holding locks: " + holders +
                                   (u.transactional ? "; it was rolled back, nothing of it was applied"
                                                    : "; its history row says 'started' and the next run resumes it") +
                                   committed_before(r, u.up));
        }
        log(o, log_level::warning, what + " waited longer than " + std::string(D::lock_wait_name) + " for a lock and was " +
                                       (u.transactional ? "rolled back" : "cancelled") + " (attempt " +
                                       std::to_string(attempt) + "); retrying in " + std::to_string(delay.count()) +
                                       " ms; sessions holding locks: " + holders);
        std::this_thread::sleep_for(delay);
        if (u.transactional) {
          done.clear();
          from = 0;
        } else {
          for (const auto& invalid : invalid_indexes_of(conn, e)) conn.execute(D::drop_index_sql(invalid));
          // from the cancelled statement's first step (its guard or transaction), or from the
          // body's own BEGIN when the statement was inside the body's transaction
          const auto failed = std::find_if(u.steps.begin(), u.steps.end(), [&](const program_step& s) {
            return s.statement == err.statement_number() && s.statement > 0;
          });
          const std::size_t restart = failed == u.steps.end() ? 0 : failed->restart_at;
          from = static_cast<std::size_t>(std::find_if(u.steps.begin(), u.steps.end(), [&](const program_step& s) {
                                            return restart > 0 && s.for_statement == restart;
                                          }) - u.steps.begin());
          if (from >= u.steps.size()) from = 0;
        }
      }
    }
    if (watch_settings && (u.may_change_settings || !u.session_settings.empty())) restore_session_settings(conn, before, o);
    for (const step& s : done)
      log(o, log_level::info, std::string(u.up ? "applied " : "reverted ") + s.revision + " in " +
                                  std::to_string(s.duration.count()) + " ms");
    auto& list = u.up ? r.applied : r.reverted;
    list.insert(list.end(), done.begin(), done.end());
  }
}

}  // namespace strata::detail
