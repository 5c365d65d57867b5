#pragma once
// How a run behaves: strata::options, passed to upgrade, downgrade, status and the rest.

#include <chrono>
#include <stop_token>
#include <string>

#include "log.hpp"

namespace strata {

enum class mode {
  per_migration,       // each migration in its own transaction with its history row (default)
  single_transaction,  // all or nothing: one transaction for the whole run
};

// How the connection reaches the server. A pooler in transaction mode (PgBouncer's
// pool_mode = transaction) may hand each transaction to another server session: a session's
// advisory lock or SET would not stay with strata, and would stay behind for another client.
enum class pooling {
  detect,       // from the connection (strata::reports_backend_pid); direct when it cannot tell
  direct,       // the session is strata's for the whole run
  transaction,  // every lock and setting lives inside one transaction
};

struct options {
  std::string target{};  // upgrade: default head; downgrade: a revision or "base"
  strata::mode mode = mode::per_migration;
  std::string schema{};  // of the history tables; empty: the connection's current schema
  // A tenant schema (fleets): put first on search_path while the migrations run, inside each
  // transaction and around each non-transactional migration (put back after it), so that the same
  // unqualified SQL serves every tenant; empty: the connection's search_path as it is.
  std::string search_path_schema{};
  std::string history_table = "strata_history";
  std::string log_table = "strata_log";
  std::string instances_table = "strata_instances";  // live instances of the service (README "Rolling deploys")
  // How long to wait for strata's own migration lock (the advisory lock another runner holds);
  // not PostgreSQL's lock_timeout setting (pg_lock_timeout below).
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};
  bool allow_unknown_revisions = false;   // rolling deploys: warn about revisions of a newer build
  bool remove_unknown_revisions = false;  // stamp: may remove revisions unknown to this build
  log_sink log{};                         // empty: silent
  strata::pooling pooling = pooling::detect;
  // Once requested (SIGTERM during a fleet run), no further revision starts: the one running
  // finishes, what is left stays pending for the next run.
  std::stop_token stop{};

  // PostgreSQL's own lock_timeout for each migration (a migration's `lock_timeout` member wins): a
  // statement that waits longer for a table lock is cancelled, so that the sessions queued behind
  // it wait at most this long; the migration is rolled back and tried again, with jittered
  // exponential backoff from lock_retry_base to lock_retry_cap, for up to lock_retry_for.
  // 0: leave the server's setting.
  std::chrono::milliseconds pg_lock_timeout{std::chrono::seconds(1)};
  // PostgreSQL's statement_timeout for each migration (a migration's member wins); 0: the server's.
  std::chrono::milliseconds pg_statement_timeout{0};
  std::chrono::milliseconds lock_retry_for{std::chrono::minutes(10)};
  std::chrono::milliseconds lock_retry_base{250};
  std::chrono::milliseconds lock_retry_cap{std::chrono::seconds(10)};
};

namespace detail {
// Through a pooler in transaction mode: every lock and setting of strata's lives in a transaction.
inline bool pooled(const options& o) { return o.pooling == pooling::transaction; }
}  // namespace detail

}  // namespace strata
