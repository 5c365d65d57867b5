#pragma once
// strata's own migration lock: an advisory lock keyed by the history table, so that replicas
// starting at once run one after the other; held by the session on a direct connection, by each
// transaction through a pooler.

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../core/backoff.hpp"
#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "dialect.hpp"
#include "history.hpp"

namespace strata::detail {

// Tries `take` until it succeeds or options.lock_timeout runs out, pausing between attempts
// (10 ms doubling to 500 ms), so that a waiter holds no statement, snapshot or pooled server
// session while it waits: a waiter blocked inside pg_advisory_lock() would stall the holder's
// CREATE INDEX CONCURRENTLY forever, and through a pooler it would hold a server session.
// A database whose attempt itself waits (SQLite's busy timeout, protocol::attempt_wait_sql) waits
// at most what is left of options.lock_timeout in each attempt, and gets its own wait back after.
template <connection C>
class attempt_wait {
 public:
  using D = protocol_for<C>;
  explicit attempt_wait(C& conn) : conn_(conn) {
    if (const std::string now = D::attempt_wait_now_sql(); !now.empty()) {
      const rows r = conn.query(now, {});
      put_back_ = D::attempt_wait_sql(r.empty() || r[0].empty() ? 0 : std::stoll(r[0][0].value_or("0")));
    }
  }
  ~attempt_wait() {
    try {
      if (!put_back_.empty()) conn_.execute(put_back_);
    } catch (...) {  // the lock's outcome is the one to report
    }
  }
  attempt_wait(const attempt_wait&) = delete;
  attempt_wait& operator=(const attempt_wait&) = delete;
  void at_most(std::chrono::steady_clock::duration left) {
    if (put_back_.empty()) return;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    conn_.execute(D::attempt_wait_sql(std::clamp<long long>(ms, 0, 500)));
  }

 private:
  C& conn_;
  std::string put_back_;
};

template <connection C, class Take>
void poll_for_lock(C& conn, const options& o, Take&& take) {
  using D = protocol_for<C>;
  const std::vector<value> params{o.schema, o.history_table};
  const auto deadline = std::chrono::steady_clock::now() + o.lock_timeout;
  const backoff polling{std::chrono::milliseconds(10), std::chrono::milliseconds(500)};
  unsigned attempt = 0;
  attempt_wait<C> waits(conn);
  for (;;) {
    waits.at_most(deadline - std::chrono::steady_clock::now());
    if (take()) {
      log(o, log_level::debug, "took the migration lock");
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    ++attempt;
    log(o, attempt == 1 ? log_level::info : log_level::debug,
        "waiting for the migration lock held by another runner (attempt " + std::to_string(attempt) + ")");
    std::this_thread::sleep_for(std::min(polling.ceiling(attempt - 1),
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             deadline - std::chrono::steady_clock::now()) +
                                             std::chrono::milliseconds(1)));
  }
  std::string holder(D::unknown_lock_holder);
  rows who = conn.query(D::lock_holder_sql(), params);
  if (!who.empty()) {
    const row& w = who[0];
    holder = "backend pid " + w[0].value_or("?") + " (application '" + w[1].value_or("") + "', client " +
             w[4].value_or("") + ", connected since " + w[2].value_or("?") + ", " + w[3].value_or("") + ")";
  }
  throw lock_timeout_error("could not take the migration lock within " + std::to_string(o.lock_timeout.count()) +
                           " ms: it is held by " + holder);
}

template <connection C>
bool lock_answer_taken(const rows& r) {
  return !r.empty() && !r[0].empty() && protocol_for<C>::lock_taken(r[0][0].value_or(""));
}

// The session-level lock of a direct connection, held for the whole run.
template <connection C>
void acquire_lock(C& conn, const options& o) {
  const std::vector<value> params{o.schema, o.history_table};
  poll_for_lock(conn, o, [&] { return lock_answer_taken<C>(conn.query(protocol_for<C>::try_lock_sql(), params)); });
}

template <connection C>
void release_lock(C& conn, const options& o) noexcept {
  try {
    conn.query(protocol_for<C>::unlock_sql(), std::vector<value>{o.schema, o.history_table});
  } catch (...) {
    // The session ends with the connection, and with it the lock.
  }
}

// Begins a transaction that holds the migration lock until it ends: through a pooler, the only
// lock that stays with strata (and that COMMIT or ROLLBACK always releases). A waiter ends its
// transaction between attempts.
template <connection C>
void begin_locked_transaction(C& conn, const options& o) {
  using D = protocol_for<C>;
  const std::vector<value> params{o.schema, o.history_table};
  poll_for_lock(conn, o, [&] {
    try {
      conn.execute(D::begin_sql);
    } catch (const database_error& e) {  // a database whose BEGIN takes the lock (protocol::session_lock false)
      if (D::lock_not_available(e.sqlstate())) return false;
      throw;
    }
    try {
      if (lock_answer_taken<C>(conn.query(D::try_transaction_lock_sql(), params))) return true;
    } catch (...) {
      try {
        conn.execute(D::rollback_sql);
      } catch (...) {
      }
      throw;
    }
    conn.execute(D::rollback_sql);
    return false;
  });
}

// The run's lock on a direct connection; through a pooler, nothing: each transaction takes the
// lock itself (begin_locked_transaction).
template <connection C>
class lock_guard {
 public:
  lock_guard(C& conn, const options& o) : conn_(conn), o_(o) {
    if (!pooled(o)) acquire_lock(conn, o);
  }
  ~lock_guard() {
    if (!pooled(o_)) release_lock(conn_, o_);
  }
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;

 private:
  C& conn_;
  const options& o_;
};

// The pooling of a run, decided where options.pooling is `detect`: a connection that reports the
// server process it was given and a server that reports another one go through a pooler.
template <connection C>
pooling detected_pooling(C& conn, const options& o, std::string_view server_pid) {
  // A database without a session lock (SQLite): the lock is each transaction's own.
  if constexpr (!protocol_for<C>::session_lock) return pooling::transaction;
  if (o.pooling != pooling::detect) return o.pooling;
  if constexpr (reports_backend_pid<C>) {
    const std::string given = std::to_string(static_cast<long long>(conn.backend_pid()));
    if (!server_pid.empty() && given != server_pid) {
      log(o, log_level::info, "the connection goes through a connection pooler (the server process is " +
                                  std::string(server_pid) + ", the connection was given " + given +
                                  "): the migration lock and settings are kept inside each transaction");
      return pooling::transaction;
    }
  }
  return pooling::direct;
}

// Before a run with work to do, under no lock yet: whether a pooler is in the way, the schema of
// the history tables (the connection's current one when none is given), so that a migration's own
// `SET search_path` changes neither the history writes nor the lock key; and, for an upgrade, the tables created
// where missing (the schema only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the
// database even when it exists). A log that went missing beside an existing history is created
// again with a warning: its past is lost.
// What resolve_tables found before it created anything.
struct tables_found {
  bool schema = false, history = false, log = false;
  bool layout_outdated = false;  // a history of an earlier strata (exec/program.hpp: upgrade_layout)
};

template <connection C>
options resolve_tables(C& conn, const options& o, bool create, std::vector<std::string>& warnings,
                       tables_found* found = nullptr) {
  using D = protocol_for<C>;
  const D t = tables_of<D>(o);
  const std::vector<value> names{o.schema.empty() ? std::string() : D::quoted(o.schema), t.qualified(t.history),
                                 t.qualified(t.log), t.qualified(t.instances)};
  rows e = conn.query(t.existing_sql(), names);
  auto cell = [&](std::size_t i) { return !e.empty() && i < e[0].size() ? e[0][i].value_or("") : std::string(); };
  if (const std::string mismatch = D::session_mismatch(cell(4)); !mismatch.empty())
    throw validation_error({std::string(D::text_reading_setting)}, mismatch + "; nothing was changed");
  options resolved = o;
  resolved.pooling = detected_pooling(conn, o, cell(5));
  if (resolved.schema.empty()) resolved.schema = cell(0);
  if (resolved.schema.empty())
    throw config_error(std::string(D::no_current_schema) + ": set STRATA_SCHEMA (options.schema)");
  if (found) *found = {cell(1) == "t", cell(2) == "t", cell(3) == "t", cell(6) == "t"};
  if (!create) return resolved;
  const D r = tables_of<D>(resolved);
  if (cell(1) == "t" && cell(2) == "t" && cell(3) == "t" && cell(6) != "t") return resolved;
  // Through a pooler the caller holds no lock: the tables are created in a transaction that does.
  if (pooled(resolved)) begin_locked_transaction(conn, resolved);
  bool log_recreated = false;
  try {
    if (pooled(resolved)) e = conn.query(t.existing_sql(), names);  // another runner may have created them meanwhile
    log_recreated = cell(2) == "t" && cell(3) != "t";
    if (cell(1) != "t") conn.execute(r.create_schema_sql());
    if (cell(2) != "t" || cell(3) != "t") conn.execute(r.create_sql());
    if (cell(6) == "t") {
      log(o, log_level::info, "bringing the history table " + r.qualified(r.history) + " (written by an earlier strata) to this "
                                  "layout: the columns " + std::string(D::layout_columns) + ", and the table " +
                                  r.qualified(r.instances));
      conn.execute(r.upgrade_layout_sql());
    }
  } catch (...) {
    if (pooled(resolved)) {
      try {
        conn.execute(D::rollback_sql);
      } catch (...) {  // the failure above is the one to report
      }
    }
    throw;
  }
  if (pooled(resolved)) conn.execute(D::commit_sql);
  if (log_recreated) {
    warnings.push_back("the log table " + r.qualified(r.log) + " was missing and was created again: its earlier entries are lost");
    log(o, log_level::warning, warnings.back());
  }
  return resolved;
}

}  // namespace strata::detail
