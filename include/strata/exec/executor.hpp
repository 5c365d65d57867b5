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
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  bool allow_unknown_revisions = false;  // rolling deploys: warn about revisions of a newer build
  log_sink log{};                        // empty: silent
};

namespace detail {

struct history_row {
  std::string revision, checksum, checksum_version, applied_at, execution_ms, applied_by;
};

struct history_view {
  bool table_exists = true;
  std::vector<history_row> rows;
  std::vector<bool> applied;  // by catalog position
  std::vector<std::size_t> row_of;  // by catalog position: index into rows
  std::vector<std::string> unknown, mismatched;
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
  history_view h;
  h.applied.assign(cat.size(), false);
  h.row_of.assign(cat.size(), 0);
  rows result;
  try {
    result = conn.query(tables_of(o).read_sql(), {});
  } catch (const database_error& e) {
    if (e.sqlstate() != "42P01") throw;  // undefined_table: nothing applied yet
    h.table_exists = false;
    return h;
  }
  for (auto& r : result) {
    history_row row{r.at(0).value_or(""), r.at(1).value_or(""), r.at(2).value_or(""),
                    r.at(3).value_or(""), r.at(4).value_or(""), r.at(5).value_or("")};
    if (auto k = cat.find(row.revision)) {
      h.applied[*k] = true;
      h.row_of[*k] = h.rows.size();
      const std::string compiled = checksum_text(cat.entries[*k].facts->checksum);
      if (row.checksum_version == "1" && !row.checksum.empty() && row.checksum != compiled)
        h.mismatched.push_back(row.revision + " (history " + row.checksum + ", build " +
                               (compiled.empty() ? "none" : compiled) + ")");
    } else {
      h.unknown.push_back(row.revision);
    }
    h.rows.push_back(std::move(row));
  }
  return h;
}

// Stops the run when the history and this build disagree. Returns warnings it let pass.
inline std::vector<std::string> validate(const history_view& h, const options& o) {
  std::vector<std::string> problems, warnings;
  for (const auto& m : h.mismatched)
    problems.push_back("revision " + m + ": the migration was edited after it was applied");
  for (const auto& u : h.unknown) {
    std::string text = "revision " + u + " is applied in the database but unknown to this build";
    (o.allow_unknown_revisions ? warnings : problems).push_back(text);
  }
  if (!problems.empty())
    throw validation_error(problems, "validation failed, nothing was changed: " + join(problems, "; "));
  for (const auto& w : warnings) log(o, log_level::warning, w);
  return warnings;
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
  for (;;) {
    rows r = conn.query("SELECT pg_try_advisory_lock(" + t.lock_key_sql() + ")", params);
    if (!r.empty() && !r[0].empty() && r[0][0] == value("t")) return;
    if (std::chrono::steady_clock::now() >= deadline) break;
    log(o, log_level::info, "waiting for the migration lock held by another runner");
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

template <connection C>
std::vector<std::string> invalid_indexes(C& conn) {
  std::vector<std::string> out;
  for (auto& r : conn.query("SELECT i.indexrelid::regclass::text FROM pg_index i WHERE NOT i.indisvalid ORDER BY 1", {}))
    out.push_back(r.at(0).value_or(""));
  return out;
}

// Runs one body (SQL statements, or code) after `opening` ("BEGIN", or nothing when a
// transaction is open or the migration is not transactional).
template <connection C>
void run_body(C& conn, const catalog_entry& e, bool up, std::string_view opening = {}) {
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
      try {
        conn.execute_batch(std::span<const std::string_view>(statements));
      } catch (const batch_error& err) {
        const std::size_t k = err.index() < first ? 0 : err.index() - first;
        throw migration_error(std::string(e.id), err.sqlstate(), std::string(statements[err.index()]), k + 1,
                              err.position(), 0, describe_failure(e.id, k + 1, statements.size() - first, err));
      }
      return;
    }
  }
  if (!opening.empty()) conn.execute(opening);
  for (std::size_t k = 0; k < statements.size(); ++k) {
    try {
      conn.execute(statements[k]);
    } catch (const database_error& err) {
      throw migration_error(std::string(e.id), err.sqlstate(), std::string(statements[k]), k + 1, err.position(),
                            f.transactional ? 0 : k, describe_failure(e.id, k + 1, statements.size(), err));
    }
  }
}

template <connection C>
step apply_one(C& conn, const catalog& cat, std::size_t k, bool up, bool in_open_transaction, const options& o) {
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
  if (!f.transactional) {
    const bool code = (up ? f.up : f.down) == body_kind::code;
    try {
      run_body(conn, e, up);
    } catch (const connection_error& lost) {
      // Not retryable: statements may have run outside any transaction; a blind retry would run
      // them again.
      throw migration_error(std::string(e.id), "", "", 0, 0, 0,
                            "the connection was lost during non-transactional revision " + std::string(e.id) +
                                "; some of its statements may have run and nothing was recorded: check the "
                                "database, then `stamp` or `upgrade` (" + lost.what() + ")");
    } catch (migration_error& err) {
      std::string message = err.what();
      message = message.substr(message.find(": ") + 2);
      if (code)
        message += "\n  this migration is not transactional: its code body may have run statements before the "
                   "failure; they stay applied; nothing was recorded";
      else if (err.statements_already_run() > 0)
        message += "\n  this migration is not transactional: statements 1 to " +
                   std::to_string(err.statements_already_run()) + " ran and stay applied; nothing was recorded";
      else
        message += "\n  nothing was applied or recorded";
      try {
        const auto invalid = invalid_indexes(conn);
        if (!invalid.empty())
          message += "\n  INVALID index left behind by the failed concurrent build: " + join(invalid) +
                     " (drop it before retrying)";
      } catch (...) {
      }
      throw migration_error(err.revision(), err.sqlstate(), err.statement(), err.statement_number(), err.position(),
                            err.statements_already_run(), message);
    }
    record(elapsed_ms(started));
  } else if (in_open_transaction) {
    run_body(conn, e, up);
    record(elapsed_ms(started));
  } else {
    try {
      run_body(conn, e, up, "BEGIN");
      record(elapsed_ms(started));
    } catch (...) {
      rollback_quietly(conn);
      throw;
    }
    commit(conn, "revision " + std::string(e.id));
  }
  const step s{std::string(e.id), std::chrono::milliseconds(elapsed_ms(started))};
  log(o, log_level::info, std::string(up ? "applied " : "reverted ") + s.revision + " in " +
                              std::to_string(s.duration.count()) + " ms");
  return s;
}

template <connection C>
void run_plan(C& conn, const catalog& cat, const plan& p, bool up, const options& o, report& r) {
  if (o.mode == mode::single_transaction) {
    for (std::size_t k : p.steps)
      if (!cat.entries[k].facts->transactional)
        throw target_error("revision " + std::string(cat.entries[k].id) +
                           " is not transactional and cannot run in single-transaction mode; nothing was changed");
    conn.execute("BEGIN");
    std::vector<step> done;
    try {
      for (std::size_t k : p.steps) done.push_back(apply_one(conn, cat, k, up, true, o));
    } catch (...) {
      rollback_quietly(conn);
      log(o, log_level::error, "single transaction rolled back: nothing was changed");
      throw;
    }
    commit(conn, "the single transaction");
    (up ? r.applied : r.reverted) = std::move(done);
    return;
  }
  for (std::size_t k : p.steps) (up ? r.applied : r.reverted).push_back(apply_one(conn, cat, k, up, false, o));
}

inline void check_reversible(const catalog& cat, const plan& p) {
  for (std::size_t k : p.steps)
    if (cat.entries[k].facts->down == body_kind::irreversible)
      throw target_error("revision " + std::string(cat.entries[k].id) +
                         " is irreversible (down = strata::irreversible); nothing was reverted");
}

inline std::vector<bool> applied_after(const std::vector<bool>& applied, const plan& p, bool up) {
  std::vector<bool> out = applied;
  for (std::size_t k : p.steps) out[k] = up;
  return out;
}

}  // namespace detail

namespace detail {
// An upgrade (up) or a downgrade: validate, plan, and only when there is work take the lock,
// read the history again (another runner may have done the work meanwhile) and run the plan.
template <class R, connection C, class Planner>
report migrate(C& conn, const options& o, bool up, Planner&& make_plan) {
  const auto started = std::chrono::steady_clock::now();
  const catalog cat = catalog_of<R>();
  report r;
  r.action = up ? "upgrade" : "downgrade";
  history_view h = read_history(conn, cat, o);  // the only round trip when there is nothing to do
  r.warnings = validate(h, o);
  plan p = make_plan(cat, h.applied);
  if (!up) check_reversible(cat, p);
  r.head_before = join(heads_of(cat, h.applied));
  if (!p.steps.empty()) {
    lock_guard<C> lock(conn, o);
    r.took_lock = true;
    if (up) conn.execute(tables_of(o).create_sql());
    h = read_history(conn, cat, o);
    r.warnings = validate(h, o);
    p = make_plan(cat, h.applied);
    if (!up) check_reversible(cat, p);
    run_plan(conn, cat, p, up, o, r);
  }
  r.head_after = join(heads_of(cat, applied_after(h.applied, p, up)));
  r.duration = std::chrono::milliseconds(elapsed_ms(started));
  if (up && !r.took_lock)
    log(o, log_level::info, "database is up to date at " + (r.head_after.empty() ? "(none)" : r.head_after));
  else if (up)
    log(o, log_level::info, "upgrade done: " + std::to_string(r.applied.size()) + " applied, head " + r.head_after);
  return r;
}
}  // namespace detail

// Applies pending revisions up to options.target (default: the head).
template <class R, connection C>
report upgrade(C& conn, const options& o = {}) {
  return detail::migrate<R>(conn, o, true, [&](const catalog& cat, const std::vector<bool>& applied) {
    return plan_upgrade(cat, applied, o.target);
  });
}

// Reverts down to options.target: a revision (kept, with its ancestors) or "base" (everything).
template <class R, connection C>
report downgrade(C& conn, const options& o) {
  if (o.target.empty()) throw target_error("downgrade needs a target: a revision, \"base\", or -N");
  return detail::migrate<R>(conn, o, false, [&](const catalog& cat, const std::vector<bool>& applied) {
    return plan_downgrade(cat, applied, o.target);
  });
}

// Reverts the last `count` applied revisions.
template <class R, connection C>
report downgrade_last(C& conn, std::size_t count, const options& o = {}) {
  return detail::migrate<R>(conn, o, false, [&](const catalog& cat, const std::vector<bool>& applied) {
    return plan_downgrade_last(cat, applied, count);
  });
}

// Where the database stands against this build. Reads only.
template <class R, connection C>
state status(C& conn, const options& o = {}) {
  const catalog cat = catalog_of<R>();
  const detail::history_view h = detail::read_history(conn, cat, o);
  state s;
  s.heads = heads_of(cat, h.applied);
  s.unknown = h.unknown;
  s.checksum_mismatches = h.mismatched;
  for (std::size_t k = 0; k < cat.size(); ++k) {
    if (!h.applied[k]) {
      s.pending.emplace_back(cat.entries[k].id);
      continue;
    }
    const detail::history_row& row = h.rows[h.row_of[k]];
    s.applied.push_back({row.revision, row.applied_at, std::atoll(row.execution_ms.c_str()), row.applied_by});
  }
  s.invalid_indexes = detail::invalid_indexes(conn);
  return s;
}

// Records `target` and its ancestors as applied without running anything ("base": records
// nothing); revisions of the history outside that set are removed from it.
template <class R, connection C>
report stamp(C& conn, std::string_view target, const options& o = {}) {
  const auto started = std::chrono::steady_clock::now();
  const catalog cat = catalog_of<R>();
  std::vector<bool> wanted(cat.size(), false);
  if (target != "base") wanted = cat.ancestors_of(detail::resolve_target(cat, target));
  report r;
  r.action = "stamp";
  detail::lock_guard<C> lock(conn, o);
  r.took_lock = true;
  const detail::history_tables t = detail::tables_of(o);
  conn.execute(t.create_sql());
  const detail::history_view h = detail::read_history(conn, cat, o);
  r.head_before = detail::join(heads_of(cat, h.applied));
  conn.execute("BEGIN");
  try {
    for (std::size_t k = cat.size(); k-- > 0;)
      if (h.applied[k] && !wanted[k]) {
        conn.query(t.erase_sql("unstamp"), std::vector<value>{std::string(cat.entries[k].id), "0", version});
        r.unstamped.emplace_back(cat.entries[k].id);
      }
    for (const auto& u : h.unknown) {
      conn.query(t.erase_sql("unstamp"), std::vector<value>{u, "0", version});
      r.unstamped.push_back(u);
    }
    for (std::size_t k = 0; k < cat.size(); ++k)
      if (wanted[k] && !h.applied[k]) {
        const detail::catalog_entry& e = cat.entries[k];
        conn.query(t.record_sql("stamp"),
                   std::vector<value>{std::string(e.id), detail::parents_text(e), detail::checksum_text(e.facts->checksum),
                                      std::string(e.facts->description), "0", version});
        r.stamped.emplace_back(e.id);
      }
  } catch (...) {
    detail::rollback_quietly(conn);
    throw;
  }
  detail::commit(conn, "the stamp");
  r.head_after = detail::join(heads_of(cat, wanted));
  r.duration = std::chrono::milliseconds(detail::elapsed_ms(started));
  return r;
}

// The SQL an upgrade (up = true) or downgrade would run, as a script; changes nothing.
template <class R, connection C>
std::string sql_script(C& conn, bool up, const options& o = {}, std::size_t downgrade_count = 0) {
  const catalog cat = catalog_of<R>();
  const detail::history_view h = detail::read_history(conn, cat, o);
  detail::validate(h, o);
  const plan p = up ? plan_upgrade(cat, h.applied, o.target)
                    : (downgrade_count > 0 ? plan_downgrade_last(cat, h.applied, downgrade_count)
                                           : plan_downgrade(cat, h.applied, o.target));
  if (!up) detail::check_reversible(cat, p);
  if (o.mode == mode::single_transaction)
    for (std::size_t k : p.steps)
      if (!cat.entries[k].facts->transactional)
        throw target_error("revision " + std::string(cat.entries[k].id) +
                           " is not transactional and cannot run in single-transaction mode");
  const detail::history_tables t = detail::tables_of(o);
  std::ostringstream out;
  out << "-- strata " << version << ": " << (up ? "upgrade" : "downgrade") << ", " << p.steps.size()
      << " revision(s); nothing below has run\n";
  if (p.steps.empty()) return out.str();
  if (!h.table_exists) out << t.create_sql() << ";\n";
  const bool single = o.mode == mode::single_transaction;
  if (single) out << "BEGIN;\n";
  for (std::size_t k : p.steps) {
    const detail::catalog_entry& e = cat.entries[k];
    const detail::migration_facts& f = *e.facts;
    const bool tx = f.transactional && !single;
    out << "\n-- " << (up ? "upgrade " : "downgrade ") << e.id << (f.transactional ? "" : " (not transactional)") << "\n";
    if (tx) out << "BEGIN;\n";
    if ((up ? f.up : f.down) == body_kind::code)
      out << "-- (code body: its statements are known only when it runs)\n";
    else
      split_statements(up ? f.up_text : f.down_text, [&](std::string_view s, std::size_t) { out << s << ";\n"; });
    const std::string id = "'" + std::string(e.id) + "'";
    if (up)
      out << "INSERT INTO " << t.qualified(t.history) << " (revision, parents, checksum) VALUES (" << id
          << ", string_to_array('" << detail::parents_text(e) << "', ','), '" << detail::checksum_text(f.checksum)
          << "');\n";
    else
      out << "DELETE FROM " << t.qualified(t.history) << " WHERE revision = " << id << ";\n";
    if (tx) out << "COMMIT;\n";
  }
  if (single) out << "COMMIT;\n";
  return out.str();
}

}  // namespace strata
