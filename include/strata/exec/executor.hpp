#pragma once
// The executor: upgrade, downgrade, status and stamp over any strata::connection.

#include <algorithm>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../plan/planner.hpp"
#include "../version.hpp"
#include "connection.hpp"
#include "errors.hpp"
#include "history.hpp"
#include "index_names.hpp"
#include "report.hpp"
#include "transaction.hpp"

namespace strata {

enum class mode {
  per_migration,       // each migration in its own transaction with its history row (default)
  single_transaction,  // all or nothing: one transaction for the whole run
};

enum class log_level { debug, info, warning, error };

constexpr const char* level_name(log_level l) noexcept {
  switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
  }
  return "info";
}

// Receives every log line; never given a password (see startup/redact.hpp).
using log_sink = std::function<void(log_level, std::string_view)>;

struct options {
  std::string target{};  // upgrade: default head; downgrade: a revision or "base"
  strata::mode mode = mode::per_migration;
  std::string schema{};  // of the history tables; empty: the connection's current schema
  std::string history_table = "strata_history";
  std::string log_table = "strata_log";
  // How long to wait for strata's own migration lock (the advisory lock another runner holds);
  // not PostgreSQL's lock_timeout setting.
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  bool allow_unknown_revisions = false;   // rolling deploys: warn about revisions of a newer build
  bool remove_unknown_revisions = false;  // stamp: may remove revisions unknown to this build
  log_sink log{};                         // empty: silent
};

namespace detail {

struct history_row {
  std::string revision, checksum, checksum_version, applied_at, execution_ms, applied_by, state, started_pid,
      description;
};

struct history_view {
  bool table_exists = true;
  std::vector<history_row> rows;
  std::vector<bool> applied;  // by catalog position: recorded as applied
  std::vector<bool> started;  // by catalog position: a non-transactional revision an earlier run began
  std::vector<bool> edited;   // by catalog position: its checksum differs from this build's
  std::vector<std::size_t> row_of;  // by catalog position: index into rows
  std::vector<std::string> unknown, mismatched;
  std::vector<std::string> damage;  // a history that does not add up: always a validation error

  // What a downgrade may revert: applied, or begun and interrupted.
  std::vector<bool> present() const {
    std::vector<bool> out = applied;
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = out[k] || started[k];
    return out;
  }
};

inline history_tables tables_of(const options& o) { return {o.schema, o.history_table, o.log_table}; }

inline void log(const options& o, log_level level, const std::string& message) {
  if (o.log) o.log(level, message);
}

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

inline long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

template <connection C>
history_view read_history(C& conn, const catalog& cat, const options& o) {
  const history_tables t = tables_of(o);
  history_view h;
  h.applied.assign(cat.size(), false);
  h.started.assign(cat.size(), false);
  h.edited.assign(cat.size(), false);
  h.row_of.assign(cat.size(), 0);
  rows result;
  try {
    result = conn.query(t.read_sql(), {});
  } catch (const database_error& e) {
    if (e.sqlstate() == "42703") {  // undefined_column: the table was altered
      std::vector<std::string> missing;
      const rows have = conn.query(history_tables::columns_sql(), std::vector<value>{o.schema, o.history_table});
      for (const char* column : history_tables::columns)
        if (std::none_of(have.begin(), have.end(), [&](const row& r) { return r.at(0) == value(column); }))
          missing.emplace_back(column);
      h.damage.push_back("the history table " + t.qualified(t.history) + " lacks column(s) " + join(missing) +
                         ": it was changed by hand; restore them");
      return h;
    }
    if (e.sqlstate() != "42P01") throw;  // undefined_table: nothing applied yet, unless the log says otherwise
    h.table_exists = false;
    try {
      const rows logged = conn.query(t.log_count_sql(), {});
      if (!logged.empty() && !logged[0].empty() && logged[0][0] != value("0"))
        h.damage.push_back("the history table " + t.qualified(t.history) + " is missing while the log table " +
                           t.qualified(t.log) + " holds " + logged[0][0].value_or("?") +
                           " entries: the history was dropped or renamed; restore it (strata will not run again "
                           "what the log says was applied)");
    } catch (const database_error& e2) {
      if (e2.sqlstate() != "42P01") throw;
    }
    return h;
  }
  for (auto& r : result) {
    auto cell = [&r](std::size_t i) { return i < r.size() ? r[i].value_or("") : std::string(); };
    history_row row{cell(0), cell(1), cell(2), cell(3), cell(4), cell(5), cell(6), cell(7), cell(8)};
    if (auto k = cat.find(row.revision)) {
      if (row.state == "applied") h.applied[*k] = true;
      else if (row.state == "started") h.started[*k] = true;
      else h.damage.push_back("revision " + row.revision + " has the state '" + row.state + "' in the history, which strata never writes");
      h.row_of[*k] = h.rows.size();
      const std::string compiled = checksum_text(cat.entries[*k].facts->checksum);
      if (row.checksum_version != "1") {
        h.edited[*k] = true;
        h.mismatched.push_back(row.revision + " (checksum version " + row.checksum_version +
                               " in the history is unknown to this build)");
      } else if (row.checksum != compiled) {
        h.edited[*k] = true;
        h.mismatched.push_back(row.revision + " (history " + (row.checksum.empty() ? "none" : row.checksum) +
                               ", build " + (compiled.empty() ? "none" : compiled) + ")");
      }
    } else {
      h.unknown.push_back(row.revision);
    }
    h.rows.push_back(std::move(row));
  }
  // Every recorded revision's parents are applied: strata applies parents first and reverts
  // children first, so a gap means a row was removed by hand.
  for (std::size_t k = 0; k < cat.size(); ++k) {
    if (!h.applied[k] && !h.started[k]) continue;
    for (std::uint32_t p : cat.parents_of(k))
      if (!h.applied[p]) {
        h.damage.push_back("revision " + std::string(cat.entries[k].id) + " is recorded as applied but its parent " +
                           std::string(cat.entries[p].id) + " is not: a history row was removed by hand");
        break;
      }
  }
  return h;
}

// Stops the run when the history and this build disagree. Returns warnings it let pass.
inline std::vector<std::string> validate(const history_view& h, const options& o) {
  std::vector<std::string> problems, warnings;
  for (const auto& m : h.mismatched)
    problems.push_back("revision " + m + " was edited after it was applied: restore its text as applied, or "
                       "accept this build's text with `repair`");
  problems.insert(problems.end(), h.damage.begin(), h.damage.end());
  for (const auto& u : h.unknown) {
    std::string text = "revision " + u + " is applied in the database but unknown to this build (the database is "
                       "ahead of it)";
    if (!o.allow_unknown_revisions) text += ": deploy the newer build, or allow it with STRATA_ALLOW_UNKNOWN_REVISIONS=true";
    (o.allow_unknown_revisions ? warnings : problems).push_back(text);
  }
  if (!problems.empty())
    throw validation_error(problems, "validation failed, nothing was changed: " + join(problems, "; "));
  for (const auto& w : warnings) log(o, log_level::warning, w);
  return warnings;
}

// Before anything is created: the schema (only when missing: CREATE SCHEMA IF NOT EXISTS needs
// CREATE on the database even when it exists), the history and the log. A log that went missing
// beside an existing history is re-created with a warning: its past is lost.
template <connection C>
void create_tables(C& conn, const options& o, std::vector<std::string>& warnings) {
  const history_tables t = tables_of(o);
  const rows e = conn.query(history_tables::existing_sql(),
                            std::vector<value>{o.schema.empty() ? std::string() : quote_identifier(o.schema),
                                               t.qualified(t.history), t.qualified(t.log)});
  auto yes = [&](std::size_t i) { return !e.empty() && i < e[0].size() && e[0][i] == value("t"); };
  if (!yes(0)) conn.execute(t.create_schema_sql());
  if (yes(1) && yes(2)) return;
  conn.execute(t.create_sql());
  if (yes(1)) {
    warnings.push_back("the log table " + t.qualified(t.log) + " was missing and was created again: its earlier entries are lost");
    log(o, log_level::warning, warnings.back());
  }
}

// Session-level advisory lock, polled so that a waiter holds no statement (and no snapshot) open
// while it waits: a waiter blocked inside pg_advisory_lock() would stall the holder's
// CREATE INDEX CONCURRENTLY forever.
template <connection C>
void acquire_lock(C& conn, const options& o) {
  const history_tables t = tables_of(o);
  const std::vector<value> params{o.schema, o.history_table};
  const auto deadline = std::chrono::steady_clock::now() + o.lock_timeout;
  auto pause = std::chrono::milliseconds(10);
  unsigned attempt = 0;
  for (;;) {
    rows r = conn.query("SELECT pg_try_advisory_lock(" + t.lock_key_sql() + ")", params);
    if (!r.empty() && !r[0].empty() && r[0][0] == value("t")) {
      log(o, log_level::debug, "took the migration lock");
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    ++attempt;
    log(o, attempt == 1 ? log_level::info : log_level::debug,
        "waiting for the migration lock held by another runner (attempt " + std::to_string(attempt) + ")");
    std::this_thread::sleep_for(std::min(pause, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    deadline - std::chrono::steady_clock::now()) +
                                                    std::chrono::milliseconds(1)));
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
  std::string holder = "another session";
  rows who = conn.query(
      "SELECT a.pid::text, coalesce(a.application_name, ''), coalesce(a.backend_start::text, ''), "
      "coalesce(a.state, ''), coalesce(a.client_addr::text, 'local socket') FROM pg_locks l JOIN pg_stat_activity a "
      "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.classid = " +
          std::string(history_tables::lock_class) +
          "::oid AND l.objid = hashtext(coalesce(nullif($1, ''), current_schema()) || '.' || $2)::oid",
      params);
  if (!who.empty()) {
    const row& w = who[0];
    holder = "backend pid " + w[0].value_or("?") + " (application '" + w[1].value_or("") + "', client " +
             w[4].value_or("") + ", connected since " + w[2].value_or("?") + ", " + w[3].value_or("") + ")";
  }
  throw lock_timeout_error("could not take the migration lock within " + std::to_string(o.lock_timeout.count()) +
                           " ms: it is held by " + holder);
}

template <connection C>
void release_lock(C& conn, const options& o) noexcept {
  try {
    const std::vector<value> params{o.schema, o.history_table};
    conn.query("SELECT pg_advisory_unlock(" + history_tables::lock_key_sql() + ")", params);
  } catch (...) {
    // The session ends with the connection, and with it the lock.
  }
}

template <connection C>
class lock_guard {
 public:
  lock_guard(C& conn, const options& o) : conn_(conn), o_(o) { acquire_lock(conn, o); }
  ~lock_guard() { release_lock(conn_, o_); }
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;

 private:
  C& conn_;
  const options& o_;
};

template <connection C>
void rollback_quietly(C& conn) noexcept {
  try {
    conn.execute("ROLLBACK");
  } catch (...) {
  }
}

template <connection C>
void commit(C& conn, std::string_view what) {
  try {
    conn.execute("COMMIT");
  } catch (const connection_error& e) {
    throw state_unknown_error("the connection was lost while committing " + std::string(what) +
                              "; it may or may not be applied: check `status` before retrying (" + e.what() + ")");
  }
}

inline std::string parents_text(const catalog_entry& e) {
  std::string out;
  for (std::size_t k = 0; k < e.parent_count; ++k) {
    if (k) out += ',';
    out += e.parents[k];
  }
  return out;
}

inline std::string describe_failure(std::string_view revision, std::size_t number, std::size_t count,
                                    const database_error& e) {
  std::string s = "revision " + std::string(revision) + " failed";
  if (number > 0) s += " at statement " + std::to_string(number) + " of " + std::to_string(count);
  s += ": " + e.server_message();
  if (!e.sqlstate().empty()) s += " [SQLSTATE " + e.sqlstate() + "]";
  if (!e.statement().empty()) s += "\n  statement: " + e.statement();
  if (e.position() > 0) s += "\n  at character " + std::to_string(e.position());
  return s;
}

// The indexes the CREATE INDEX statements of an SQL body build.
inline std::vector<created_index> indexes_built_by(std::string_view text) {
  std::vector<created_index> out;
  split_statements(text, [&](std::string_view s, std::size_t) {
    if (auto i = index_created_by(s)) out.push_back(std::move(*i));
  });
  return out;
}

// Which of `indexes` are INVALID (a concurrent build that failed or was interrupted), leaving out
// any that a session is building right now.
template <connection C>
std::vector<std::string> invalid_among(C& conn, const std::vector<created_index>& indexes) {
  std::vector<std::string> out;
  if (indexes.empty()) return out;
  std::vector<std::string> names, tables;
  for (const auto& i : indexes) {
    names.push_back(i.name);
    tables.push_back(i.table);
  }
  for (auto& r : conn.query(history_tables::invalid_indexes_sql(),
                            std::vector<value>{array_literal(names), array_literal(tables)}))
    out.push_back(r.at(0).value_or(""));
  return out;
}

// Runs one body (SQL statements, or code) after `opening` ("BEGIN", or nothing when a
// transaction is open or the migration is not transactional).
// A statement as the debug log shows it: its first line, cut at 120 characters.
inline std::string statement_head(std::string_view s) {
  s = s.substr(0, std::min(s.find('\n'), std::size_t{120}));
  return std::string(s);
}

template <connection C>
void run_body(C& conn, const catalog_entry& e, bool up, const options& o, std::string_view opening = {}) {
  const migration_facts& f = *e.facts;
  const body_kind kind = up ? f.up : f.down;
  if (kind == body_kind::code) {
    if (!opening.empty()) conn.execute(opening);
    transaction tx{conn};
    try {
      (up ? f.up_code : f.down_code)(tx);
    } catch (const database_error& err) {
      throw migration_error(std::string(e.id), err.sqlstate(), err.statement(), 0, err.position(), 0,
                            describe_failure(e.id, 0, 0, err));
    }
    return;
  }
  const std::string_view text = up ? f.up_text : f.down_text;
  std::vector<std::string_view> statements;
  split_statements(text, [&](std::string_view s, std::size_t) { statements.push_back(s); });
  if constexpr (batch_connection<C>) {
    // A transactional body goes in one round trip; a failure still names its statement.
    // (Non-transactional ones must not: a batch runs as one implicit transaction block.)
    if (f.transactional) {
      if (!opening.empty()) statements.insert(statements.begin(), opening);
      const std::size_t first = opening.empty() ? 0 : 1;
      log(o, log_level::debug, std::string(e.id) + ": sending " + std::to_string(statements.size() - first) +
                                   " statement(s) in one round trip");
      try {
        const auto sent = std::chrono::steady_clock::now();
        conn.execute_batch(std::span<const std::string_view>(statements));
        log(o, log_level::debug, std::string(e.id) + ": statements done in " + std::to_string(elapsed_ms(sent)) + " ms");
      } catch (const batch_error& err) {
        const std::size_t index = std::min(err.index(), statements.size() - 1);
        const std::size_t k = index < first ? 0 : index - first;
        throw migration_error(std::string(e.id), err.sqlstate(), std::string(statements[index]), k + 1,
                              err.position(), 0, describe_failure(e.id, k + 1, statements.size() - first, err));
      }
      return;
    }
  }
  if (!opening.empty()) conn.execute(opening);
  for (std::size_t k = 0; k < statements.size(); ++k) {
    try {
      log(o, log_level::debug, std::string(e.id) + ": statement " + std::to_string(k + 1) + " of " +
                                   std::to_string(statements.size()) + ": " + statement_head(statements[k]));
      const auto sent = std::chrono::steady_clock::now();
      conn.execute(statements[k]);
      log(o, log_level::debug, std::string(e.id) + ": statement " + std::to_string(k + 1) + " done in " +
                                   std::to_string(elapsed_ms(sent)) + " ms");
    } catch (const database_error& err) {
      throw migration_error(std::string(e.id), err.sqlstate(), std::string(statements[k]), k + 1, err.position(),
                            f.transactional ? 0 : k, describe_failure(e.id, k + 1, statements.size(), err));
    }
  }
}

// An interrupted run's backend may still be working on the revision (a concurrent index build
// goes on after its client is killed): wait for it, up to the migration-lock wait.
template <connection C>
void wait_for_interrupted_backend(C& conn, const catalog_entry& e, const history_row& row, const options& o) {
  if (row.started_pid.empty()) return;
  const auto deadline = std::chrono::steady_clock::now() + o.lock_timeout;
  for (;;) {
    const rows alive = conn.query(tables_of(o).backend_alive_sql(), std::vector<value>{row.started_pid, std::string(e.id)});
    if (alive.empty()) return;
    if (std::chrono::steady_clock::now() >= deadline)
      throw lock_timeout_error("revision " + std::string(e.id) + " is still being applied by backend pid " +
                               row.started_pid + " of an interrupted run (" + alive[0].at(0).value_or("") +
                               "): wait for it to finish, or stop it with SELECT pg_cancel_backend(" + row.started_pid +
                               "); nothing was changed");
    log(o, log_level::info, "waiting for backend pid " + row.started_pid + ", which still works on revision " +
                                std::string(e.id) + " for an interrupted run");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// A non-transactional revision: its history row says 'started' before its first statement and
// 'applied' after its last, so that an interrupted run is resumed by the next one: the INVALID
// indexes it left are dropped and its statements (idempotent: checked at compile time) run again
// from the first.
template <connection C>
void apply_outside_transaction(C& conn, const catalog_entry& e, bool up, const history_view& h, std::size_t k,
                               const options& o, std::chrono::steady_clock::time_point started, report& r) {
  const migration_facts& f = *e.facts;
  const history_tables t = tables_of(o);
  const bool code = (up ? f.up : f.down) == body_kind::code;
  const bool resume = up && h.started[k];
  if (resume) {
    const history_row& row = h.rows[h.row_of[k]];
    log(o, log_level::warning, "resuming revision " + std::string(e.id) + ": an earlier run began it (backend pid " +
                                   (row.started_pid.empty() ? std::string("?") : row.started_pid) +
                                   ") and was interrupted; its statements run again from the first");
    wait_for_interrupted_backend(conn, e, row, o);
    r.resumed.emplace_back(e.id);
  }
  conn.query(t.start_sql(!up ? "start-downgrade" : resume ? "resume" : "start"),
             std::vector<value>{std::string(e.id), parents_text(e), checksum_text(f.checksum), std::string(f.description),
                                "0", version});
  const std::vector<created_index> indexes = up && !code ? indexes_built_by(f.up_text) : std::vector<created_index>{};
  for (const auto& invalid : invalid_among(conn, indexes)) {
    log(o, log_level::warning, "dropping the INVALID index " + invalid + " that an interrupted or failed build of " +
                                   std::string(e.id) + " left behind");
    conn.execute("DROP INDEX CONCURRENTLY IF EXISTS " + invalid);
  }
  try {
    run_body(conn, e, up, o);
  } catch (migration_error& err) {
    std::string message = err.what();
    message = message.substr(message.find(": ") + 2);
    if (code)
      message += "\n  this migration is not transactional: its code body may have run statements before the failure; they stay applied";
    else if (err.statements_already_run() > 0)
      message += "\n  this migration is not transactional: statements 1 to " +
                 std::to_string(err.statements_already_run()) + " ran and stay applied";
    else
      message += "\n  none of its statements took effect";
    message += "; its history row says 'started', and the next run " +
               std::string(code ? "stops until you check it (a code body is not resumed automatically)"
                                : "runs it again from its first statement");
    try {
      const auto invalid = invalid_among(conn, indexes);
      if (!invalid.empty())
        message += "\n  INVALID index left behind by the failed concurrent build: " + join(invalid) +
                   " (the next run drops it before building again)";
    } catch (...) {
    }
    throw migration_error(err.revision(), err.sqlstate(), err.statement(), err.statement_number(), err.position(),
                          err.statements_already_run(), message);
  }
  if (const auto invalid = invalid_among(conn, indexes); !invalid.empty())
    throw migration_error(std::string(e.id), "", "", 0, 0, 0,
                          "revision " + std::string(e.id) + " left the INVALID index " + join(invalid) +
                              " (an existing invalid index under the same name?); its history row says 'started'");
  const std::vector<value> done{std::string(e.id), std::to_string(elapsed_ms(started)), version};
  conn.query(up ? t.finish_sql("upgrade") : t.erase_sql("downgrade"), done);
}

template <connection C>
step apply_one(C& conn, const catalog& cat, std::size_t k, bool up, bool in_open_transaction, const history_view& h,
               const options& o, report& r) {
  const catalog_entry& e = cat.entries[k];
  const migration_facts& f = *e.facts;
  const history_tables t = tables_of(o);
  const auto started = std::chrono::steady_clock::now();
  log(o, log_level::info, std::string(up ? "applying " : "reverting ") + std::string(e.id));
  auto record = [&](long long ms) {
    if (up) {
      conn.query(t.record_sql("upgrade"), std::vector<value>{std::string(e.id), parents_text(e), checksum_text(f.checksum),
                                                             std::string(f.description), std::to_string(ms), version});
    } else {
      conn.query(t.erase_sql("downgrade"), std::vector<value>{std::string(e.id), std::to_string(ms), version});
    }
  };
  try {
    if (!f.transactional) {
      apply_outside_transaction(conn, e, up, h, k, o, started, r);
    } else if (in_open_transaction) {
      run_body(conn, e, up, o);
      record(elapsed_ms(started));
    } else {
      try {
        run_body(conn, e, up, o, "BEGIN");
        record(elapsed_ms(started));
      } catch (...) {
        rollback_quietly(conn);
        throw;
      }
      commit(conn, "revision " + std::string(e.id));
    }
  } catch (const connection_error& lost) {
    const std::string what = std::string(up ? "applying" : "reverting") + " revision " + std::string(e.id);
    if (!f.transactional)
      throw connection_error("the connection was lost while " + what +
                                 ", which is not transactional: some of its statements may have run; its history row "
                                 "says 'started' and the next run resumes it (" + lost.what() + ")",
                             true);
    throw connection_error("the connection was lost while " + what + ": " +
                               (in_open_transaction ? "the run's single transaction" : "its transaction") +
                               " was rolled back by the server and nothing of it was recorded; run again (" +
                               lost.what() + ")",
                           true);
  } catch (const database_error& failed) {  // the history write, or a failure outside any statement
    throw migration_error(std::string(e.id), failed.sqlstate(), failed.statement(), 0, failed.position(), 0,
                          "revision " + std::string(e.id) + " failed: " + failed.server_message() +
                              (failed.sqlstate().empty() ? std::string() : " [SQLSTATE " + failed.sqlstate() + "]"));
  }
  const step s{std::string(e.id), std::chrono::milliseconds(elapsed_ms(started))};
  log(o, log_level::info, std::string(up ? "applied " : "reverted ") + s.revision + " in " +
                              std::to_string(s.duration.count()) + " ms");
  return s;
}

template <connection C>
void run_plan(C& conn, const catalog& cat, const plan& p, bool up, const history_view& h, const options& o, report& r) {
  if (o.mode == mode::single_transaction) {
    for (std::size_t k : p.steps)
      if (!cat.entries[k].facts->transactional)
        throw target_error("revision " + std::string(cat.entries[k].id) +
                           " is not transactional and cannot run in single-transaction mode; nothing was changed");
    conn.execute("BEGIN");
    std::vector<step> done;
    try {
      for (std::size_t k : p.steps) done.push_back(apply_one(conn, cat, k, up, true, h, o, r));
    } catch (...) {
      rollback_quietly(conn);
      log(o, log_level::error, "single transaction rolled back: nothing was changed");
      throw;
    }
    commit(conn, "the single transaction");
    (up ? r.applied : r.reverted) = std::move(done);
    return;
  }
  for (std::size_t k : p.steps) (up ? r.applied : r.reverted).push_back(apply_one(conn, cat, k, up, false, h, o, r));
}

// What the plan cannot do, found before anything runs.
inline void check_plan(const catalog& cat, const plan& p, bool up, const history_view& h) {
  for (std::size_t k : p.steps) {
    const migration_facts& f = *cat.entries[k].facts;
    if (!up && f.down == body_kind::irreversible)
      throw target_error("revision " + std::string(cat.entries[k].id) +
                         " is irreversible (down = strata::irreversible); nothing was reverted. To forget it without "
                         "running anything, `stamp` its parent");
    if (up && h.started[k] && f.up == body_kind::code)
      throw validation_error({std::string(cat.entries[k].id)},
                             "revision " + std::string(cat.entries[k].id) +
                                 " is not transactional and an earlier run began its code body and was interrupted: "
                                 "strata cannot tell what it did, so it does not run it again. Check the database, then "
                                 "`stamp` it (it completed) or `stamp` its parent (to run it again); nothing was changed");
  }
}

inline std::vector<bool> applied_after(const std::vector<bool>& applied, const plan& p, bool up) {
  std::vector<bool> out = applied;
  for (std::size_t k : p.steps) out[k] = up;
  return out;
}

inline std::string heads_text(const catalog& cat, const std::vector<bool>& applied) {
  return join(heads_of(cat, applied));
}

// Logs a failure at level error before it leaves the executor.
template <class Body>
auto logging_failures(const options& o, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    log(o, log_level::error, e.what());
    throw;
  }
}

}  // namespace detail

namespace detail {
// An upgrade (up) or a downgrade: validate, plan, and only when there is work take the lock,
// read the history again (another runner may have done the work meanwhile) and run the plan.
template <class R, connection C, class Planner>
report migrate(C& conn, const options& o, bool up, Planner&& make_plan) {
  return logging_failures(o, [&] {
    const auto started = std::chrono::steady_clock::now();
    const catalog cat = catalog_of<R>();
    report r;
    r.action = up ? "upgrade" : "downgrade";
    history_view h = read_history(conn, cat, o);  // the only round trip when there is nothing to do
    r.warnings = validate(h, o);
    plan p = make_plan(cat, h);
    check_plan(cat, p, up, h);
    r.head_before = heads_text(cat, h.applied);
    if (!p.steps.empty()) {
      std::string planned;
      for (std::size_t k : p.steps) planned += (planned.empty() ? "" : ", ") + std::string(cat.entries[k].id);
      log(o, log_level::debug, "plan: " + std::string(up ? "apply " : "revert ") + planned);
      lock_guard<C> lock(conn, o);
      r.took_lock = true;
      std::vector<std::string> created;
      if (up) create_tables(conn, o, created);
      h = read_history(conn, cat, o);
      r.warnings = validate(h, o);
      r.warnings.insert(r.warnings.end(), created.begin(), created.end());
      p = make_plan(cat, h);
      check_plan(cat, p, up, h);
      r.head_before = heads_text(cat, h.applied);
      run_plan(conn, cat, p, up, h, o, r);
    }
    r.head_after = heads_text(cat, applied_after(h.applied, p, up));
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

namespace detail {
// The indexes that the non-transactional revisions of a catalog build.
inline std::vector<created_index> indexes_of_catalog(const catalog& cat) {
  std::vector<created_index> out;
  for (const auto& e : cat.entries)
    if (!e.facts->transactional && e.facts->up == body_kind::sql)
      for (auto& i : indexes_built_by(e.facts->up_text)) out.push_back(std::move(i));
  return out;
}
}  // namespace detail

// Where the database stands against this build. Reads only.
template <class R, connection C>
state status(C& conn, const options& o = {}) {
  const catalog cat = catalog_of<R>();
  const detail::history_view h = detail::read_history(conn, cat, o);
  state s;
  s.heads = heads_of(cat, h.applied);
  s.unknown = h.unknown;
  s.checksum_mismatches = h.mismatched;
  s.damage = h.damage;
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
  s.invalid_indexes = detail::invalid_among(conn, detail::indexes_of_catalog(cat));
  return s;
}

// Records `target` and its ancestors as applied without running anything ("base": records
// nothing); known revisions of the history outside that set are removed from it. Revisions
// unknown to this build are removed only with options.remove_unknown_revisions.
template <class R, connection C>
report stamp(C& conn, std::string_view target, const options& o = {}) {
  return detail::logging_failures(o, [&] {
    const auto started = std::chrono::steady_clock::now();
    const catalog cat = catalog_of<R>();
    std::vector<bool> wanted(cat.size(), false);
    if (target != "base") wanted = cat.ancestors_of(detail::resolve_target(cat, target));
    report r;
    r.action = "stamp";
    detail::lock_guard<C> lock(conn, o);
    r.took_lock = true;
    const detail::history_tables t = detail::tables_of(o);
    detail::create_tables(conn, o, r.warnings);
    const detail::history_view h = detail::read_history(conn, cat, o);
    if (!h.unknown.empty() && !o.remove_unknown_revisions)
      throw validation_error(h.unknown, "stamp would remove revision(s) unknown to this build from the history: " +
                                            detail::join(h.unknown) +
                                            "; to remove them, pass --remove-unknown (options.remove_unknown_revisions); "
                                            "nothing was changed");
    r.head_before = detail::join(heads_of(cat, h.applied));
    conn.execute("BEGIN");
    try {
      for (std::size_t k = cat.size(); k-- > 0;)
        if ((h.applied[k] || h.started[k]) && !wanted[k]) {
          conn.query(t.erase_sql("unstamp"), std::vector<value>{std::string(cat.entries[k].id), "0", version});
          r.unstamped.emplace_back(cat.entries[k].id);
        }
      for (const auto& u : h.unknown) {
        conn.query(t.erase_sql("unstamp"), std::vector<value>{u, "0", version});
        r.unstamped.push_back(u);
      }
      for (std::size_t k = 0; k < cat.size(); ++k) {
        const detail::catalog_entry& e = cat.entries[k];
        if (wanted[k] && h.started[k]) {
          conn.query(t.finish_sql("stamp"), std::vector<value>{std::string(e.id), "0", version});
          r.stamped.emplace_back(e.id);
        } else if (wanted[k] && !h.applied[k]) {
          conn.query(t.record_sql("stamp"),
                     std::vector<value>{std::string(e.id), detail::parents_text(e), detail::checksum_text(e.facts->checksum),
                                        std::string(e.facts->description), "0", version});
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
    for (const auto& u : r.unstamped) detail::log(o, log_level::info, "stamp removed " + u + " from the history");
    return r;
  });
}

// Records this build's checksum for applied revisions whose text was edited after they were
// applied: the named ones, or every mismatched one when none is named. Logged in the log table
// as 'repair'; nothing else changes.
template <class R, connection C>
report repair(C& conn, const std::vector<std::string>& revisions = {}, const options& o = {}) {
  return detail::logging_failures(o, [&] {
    const auto started = std::chrono::steady_clock::now();
    const catalog cat = catalog_of<R>();
    for (const auto& id : revisions) (void)detail::resolve_target(cat, id);
    report r;
    r.action = "repair";
    detail::lock_guard<C> lock(conn, o);
    r.took_lock = true;
    const detail::history_view h = detail::read_history(conn, cat, o);
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
    const detail::history_tables t = detail::tables_of(o);
    conn.execute("BEGIN");
    try {
      for (std::size_t k : chosen) {
        const detail::catalog_entry& e = cat.entries[k];
        conn.query(t.repair_sql(), std::vector<value>{std::string(e.id), detail::checksum_text(e.facts->checksum), version});
        r.repaired.emplace_back(e.id);
      }
    } catch (...) {
      detail::rollback_quietly(conn);
      throw;
    }
    detail::commit(conn, "the repair");
    r.head_before = r.head_after = detail::join(heads_of(cat, h.applied));
    r.duration = std::chrono::milliseconds(detail::elapsed_ms(started));
    for (const auto& id : r.repaired)
      detail::log(o, log_level::info, "repair: recorded this build's checksum for " + id);
    return r;
  });
}

// The SQL an upgrade (up = true) or downgrade would run, as a script; changes nothing.
// `count`: upgrade +N or downgrade -N when non-zero.
template <class R, connection C>
std::string sql_script(C& conn, bool up, const options& o = {}, std::size_t count = 0) {
  const catalog cat = catalog_of<R>();
  const detail::history_view h = detail::read_history(conn, cat, o);
  detail::validate(h, o);
  const plan p = up ? (count > 0 ? plan_upgrade_next(cat, h.applied, count) : plan_upgrade(cat, h.applied, o.target))
                    : (count > 0 ? plan_downgrade_last(cat, h.present(), count)
                                 : plan_downgrade(cat, h.present(), o.target));
  detail::check_plan(cat, p, up, h);
  for (std::size_t k : p.steps)
    if (o.mode == mode::single_transaction && !cat.entries[k].facts->transactional)
      throw target_error("revision " + std::string(cat.entries[k].id) +
                         " is not transactional and cannot run in single-transaction mode");
  const detail::history_tables t = detail::tables_of(o);
  std::ostringstream out;
  out << "-- strata " << version << ": " << (up ? "upgrade" : "downgrade") << ", " << p.steps.size()
      << " revision(s); nothing below has run\n";
  if (p.steps.empty()) return out.str();
  if (!h.table_exists) {
    if (!o.schema.empty()) out << "CREATE SCHEMA IF NOT EXISTS " << detail::quote_identifier(o.schema) << ";\n";
    out << t.create_sql() << ";\n";
  }
  const bool single = o.mode == mode::single_transaction;
  if (single) out << "BEGIN;\n";
  auto literal = [](std::string_view text) {
    std::string q = "'";
    for (char c : text) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  };
  for (std::size_t k : p.steps) {
    const detail::catalog_entry& e = cat.entries[k];
    const detail::migration_facts& f = *e.facts;
    const bool tx = f.transactional && !single;
    if ((up ? f.up : f.down) == body_kind::code) {
      // Its statements are known only when it runs: the script stops before it rather than
      // record what it does not run.
      out << "\n-- STOP: revision " << e.id << " has a code body, whose statements are known only when it runs;\n"
          << "-- this script ends here. Run `" << (up ? "upgrade" : "downgrade") << "` to apply it and what follows.\n";
      break;
    }
    out << "\n-- " << (up ? "upgrade " : "downgrade ") << e.id << (f.transactional ? "" : " (not transactional)") << "\n";
    if (tx) out << "BEGIN;\n";
    split_statements(up ? f.up_text : f.down_text, [&](std::string_view s, std::size_t) { out << s << ";\n"; });
    if (up)
      out << "INSERT INTO " << t.qualified(t.history) << " (revision, parents, checksum) VALUES (" << literal(e.id)
          << ", string_to_array(" << literal(detail::parents_text(e)) << ", ','), "
          << literal(detail::checksum_text(f.checksum)) << ") ON CONFLICT (revision) DO UPDATE SET state = 'applied';\n";
    else
      out << "DELETE FROM " << t.qualified(t.history) << " WHERE revision = " << literal(e.id) << ";\n";
    if (tx) out << "COMMIT;\n";
  }
  if (single) out << "COMMIT;\n";
  return out.str();
}

}  // namespace strata
