#pragma once
// SQLite's protocol: everything the executor sends or reads. SQLite has one writer at a time and
// no session lock that outlives a transaction: strata's migration lock is each migration's own
// write transaction (BEGIN IMMEDIATE), and a run checks inside it whether another process applied
// the revision meanwhile (as through a connection pooler, README "SQLite"). Foreign keys, when the
// connection enforces them, are turned off outside each run's transactions (inside one, PRAGMA
// foreign_keys does nothing) and checked with foreign_key_check before each COMMIT. Parameters are
// named $1, $2, ... (the connection binds them by name); a text parameter holding several values is
// a JSON array, read with json_each. "Schema" is an attached database's name (main by default).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../common/quoting.hpp"
#include "schema_catalog.hpp"

namespace strata::sqlite {

using backend::quote_identifier;
using backend::quote_literal;

// A JSON array of strings, for json_each($n).
inline std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) < 0x20) {
        const char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[(c >> 4) & 0xf];
        out += hex[c & 0xf];
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out + "]";
}

struct protocol {
  std::string schema;  // an attached database's name; empty: main
  std::string history = "strata_history";
  std::string log = "strata_log";
  std::string instances = "strata_instances";

  // --- what error codes mean (the connection reports SQLite's extended code name, and for
  // SQLITE_ERROR the kind of error its message names) ----------------------------------------------
  static bool undefined_table(std::string_view state) { return state == "SQLITE_ERROR (no such table)"; }
  static bool undefined_column(std::string_view state) { return state == "SQLITE_ERROR (no such column)"; }
  static bool lock_not_available(std::string_view state) { return state.starts_with("SQLITE_BUSY") || state.starts_with("SQLITE_LOCKED"); }
  static bool query_canceled(std::string_view state) { return state == "SQLITE_INTERRUPT"; }
  static bool session_ended(std::string_view) { return false; }
  static bool duplicate_object(std::string_view state) { return state == "SQLITE_ERROR (already exists)"; }

  static std::string quoted(std::string_view name) { return quote_identifier(name); }
  static std::string literal(std::string_view text) { return quote_literal(text); }
  static std::string array(const std::vector<std::string>& items) { return json_array(items); }
  static bool plain_setting_name(std::string_view) { return false; }

  std::string database() const { return schema.empty() ? std::string("main") : schema; }
  std::string qualified(std::string_view table) const { return quote_identifier(database()) + "." + quote_identifier(table); }
  // Whether the table exists, as 't' or 'f'.
  std::string exists_sql(std::string_view table) const {
    return "(SELECT CASE WHEN EXISTS (SELECT 1 FROM " + quote_identifier(database()) +
           ".sqlite_schema WHERE type = 'table' AND name = " + quote_literal(table) + ") THEN 't' ELSE 'f' END)";
  }

  // --- the history -------------------------------------------------------------------------
  static constexpr const char* columns[] = {"revision",   "parents",      "checksum",   "checksum_version", "description",
                                            "applied_at", "execution_ms", "applied_by", "state",            "started_pid"};

  // Before a run with work to do: the schema, whether it, the history and the log exist, how text
  // is read (nothing to check), the server process (none), and whether the layout is outdated
  // (never). A database that is not attached is not created: SQLite names it ("unknown database")
  // at the history's first read.
  std::string existing_sql() const {
    return "SELECT " + quote_literal(database()) + ", 't', " + exists_sql(history) + ", " + exists_sql(log) + ", '', '', 'f'";
  }
  std::string upgrade_layout_sql() const { return create_instances_sql(); }
  static constexpr std::string_view layout_columns = "(none)";
  std::string create_schema_sql() const { return "SELECT 1"; }

  std::string create_sql() const {
    return "CREATE TABLE IF NOT EXISTS " + qualified(history) +
           " (revision TEXT PRIMARY KEY, parents TEXT NOT NULL DEFAULT '', checksum TEXT, "
           "checksum_version INTEGER NOT NULL DEFAULT 1, description TEXT, "
           "applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), execution_ms INTEGER NOT NULL DEFAULT 0, "
           "applied_by TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'applied', "
           "started_pid INTEGER, statements_done INTEGER NOT NULL DEFAULT 0, reverting INTEGER NOT NULL DEFAULT 0, "
           "phase TEXT);\n"
           "CREATE TABLE IF NOT EXISTS " + qualified(log) +
           " (id INTEGER PRIMARY KEY, action TEXT NOT NULL, revision TEXT NOT NULL, checksum TEXT, "
           "execution_ms INTEGER, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), by_user TEXT NOT NULL DEFAULT '', "
           "strata_version TEXT NOT NULL);\n" + create_instances_sql();
  }

  // --- live instances ------------------------------------------------------------------------
  // Times are julian days (SQLite's own clock for the database; the hosts' clocks never matter
  // beyond the one that writes).
  std::string create_instances_sql() const {
    return "CREATE TABLE IF NOT EXISTS " + qualified(instances) +
           " (id TEXT PRIMARY KEY, release TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, "
           "since TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), "
           "last_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')), expires_at REAL NOT NULL)";
  }
  std::string register_instance_sql() const {
    return "DELETE FROM " + qualified(instances) + " WHERE expires_at < julianday('now') - 1; INSERT INTO " +
           qualified(instances) + " (id, release, host, pid, expires_at) VALUES ($1, $2, $3, CAST($4 AS INTEGER), "
           "julianday('now') + CAST($5 AS INTEGER) / 86400000.0) ON CONFLICT (id) DO UPDATE SET "
           "last_seen = strftime('%Y-%m-%d %H:%M:%f', 'now'), expires_at = excluded.expires_at";
  }
  std::string deregister_instance_sql() const { return "DELETE FROM " + qualified(instances) + " WHERE id = $1"; }
  std::string live_instances_sql() const {
    return "SELECT id, release, host, CAST(pid AS TEXT), since, last_seen FROM " + qualified(instances) +
           " WHERE expires_at > julianday('now') ORDER BY since, id";
  }
  // The migration's write transaction already keeps every other writer out.
  std::string hold_registrations_sql() const { return "SELECT 1"; }

  std::string read_sql() const {
    return "SELECT revision, coalesce(checksum, ''), CAST(checksum_version AS TEXT), applied_at, CAST(execution_ms AS TEXT), "
           "applied_by, state, coalesce(CAST(started_pid AS TEXT), ''), coalesce(description, ''), "
           "CAST(statements_done AS TEXT), CASE WHEN reverting THEN 'true' ELSE 'false' END, coalesce(phase, '') FROM " +
           qualified(history) + " ORDER BY applied_at, revision";
  }

  // The no-op start-up's one query: row count, whether the digest is $2, whether the log exists.
  std::string digest_sql() const {
    return "SELECT CAST(count(*) AS TEXT), CASE WHEN coalesce((SELECT group_concat(line, char(10)) FROM (SELECT revision || ' ' || "
           "coalesce(checksum, '') || ' ' || checksum_version || ' ' || state AS line FROM " + qualified(history) +
           " ORDER BY revision)), '') = $2 THEN 'true' ELSE 'false' END, CASE WHEN " + exists_sql(log) +
           " = 't' THEN 'true' ELSE 'false' END FROM " + qualified(history);
  }
  // Fleets of schemas are PostgreSQL's: one SQLite file is one target.
  static std::string digests_sql(const std::vector<protocol>&) { return "SELECT 1 WHERE 0"; }
  static std::string history_tables_sql() { return "SELECT 1 WHERE 0"; }
  static std::string expected_digest(std::vector<std::pair<std::string_view, std::string>> rows) {
    std::sort(rows.begin(), rows.end());
    std::string text;
    for (std::size_t i = 0; i < rows.size(); ++i)
      text += (i ? "\n" : "") + std::string(rows[i].first) + " " + rows[i].second + " 1 applied";
    return text;
  }
  static bool is_true(std::string_view cell) { return cell == "true"; }

  std::string states_of_sql() const {
    return "SELECT revision, state FROM " + qualified(history) + " WHERE revision IN (SELECT value FROM json_each($1))";
  }
  std::string log_without_history_sql() const {
    return "SELECT l.revision, l.action, l.at FROM " + qualified(log) + " l WHERE l.id = (SELECT max(id) FROM " +
           qualified(log) + " m WHERE m.revision = l.revision) AND l.action NOT IN ('downgrade', 'unstamp') "
           "AND NOT EXISTS (SELECT 1 FROM " + qualified(history) + " h WHERE h.revision = l.revision) ORDER BY l.at, l.revision";
  }
  std::string log_count_sql() const { return "SELECT CAST(count(*) AS TEXT) FROM " + qualified(log); }
  static std::string columns_sql() { return "SELECT name FROM pragma_table_info($2, nullif($1, ''))"; }

  // The time since the transaction's lock was taken (begin_sql keeps it), in ms.
  static constexpr const char* transaction_ms =
      "CAST(round((julianday('now') - coalesce((SELECT started FROM temp.strata_clock), julianday('now'))) * 86400000) AS INTEGER)";
  static constexpr const char* since_started_ms =
      "CAST(round((julianday('now') - julianday(applied_at)) * 86400000) AS INTEGER)";

  std::string log_row(std::string_view action, std::string_view checksum, std::string_view ms, std::string_view version,
                      std::string_view where) const {
    return "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) SELECT '" +
           std::string(action) + "', revision, " + std::string(checksum) + ", " + std::string(ms) + ", " +
           std::string(version) + " FROM " + qualified(history) + " WHERE revision = " + std::string(where);
  }

  // $1 revision, $2 parents (comma-separated), $3 checksum, $4 description, $5 version, $6 phase.
  std::string record_sql(std::string_view action) const {
    return "INSERT INTO " + qualified(history) +
           " (revision, parents, checksum, checksum_version, description, execution_ms, phase) VALUES "
           "($1, $2, nullif($3, ''), 1, nullif($4, ''), " + transaction_ms + ", $6); " +
           log_row(action, "checksum", "execution_ms", "$5", "$1");
  }
  std::string start_sql(std::string_view action, bool reverting) const {
    const std::string way = reverting ? "1" : "0";
    return "INSERT INTO " + qualified(history) +
           " AS was (revision, parents, checksum, checksum_version, description, execution_ms, state, started_pid, "
           "statements_done, reverting, phase) VALUES ($1, $2, nullif($3, ''), 1, nullif($4, ''), 0, 'started', NULL, 0, " +
           way + ", $6) ON CONFLICT (revision) DO UPDATE SET state = 'started', applied_at = strftime('%Y-%m-%d %H:%M:%f', 'now'), "
           "checksum = excluded.checksum, phase = excluded.phase, statements_done = CASE WHEN was.state = 'started' AND "
           "was.reverting = " + way + " THEN was.statements_done ELSE 0 END, reverting = " + way + "; " +
           log_row(action, "checksum", "0", "$5", "$1");
  }
  std::string progress_sql() const {
    return "UPDATE " + qualified(history) + " SET statements_done = CAST($2 AS INTEGER) WHERE revision = $1";
  }
  std::string finish_sql(std::string_view action) const {
    return "UPDATE " + qualified(history) + " SET state = 'applied', started_pid = NULL, statements_done = 0, reverting = 0, "
           "execution_ms = " + since_started_ms + ", applied_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE revision = $1; " +
           log_row(action, "checksum", "execution_ms", "$2", "$1");
  }
  std::string erase_sql(std::string_view action, bool in_transaction = true) const {
    return log_row(action, "checksum", in_transaction ? transaction_ms : since_started_ms, "$2", "$1") + "; DELETE FROM " +
           qualified(history) + " WHERE revision = $1";
  }
  std::string repair_sql() const {
    return "UPDATE " + qualified(history) + " SET checksum = nullif($2, ''), checksum_version = 1 WHERE revision = $1; " +
           log_row("repair", "checksum", "0", "$3", "$1");
  }

  // --- the migration lock: each write transaction ----------------------------------------------
  static constexpr bool session_lock = false;
  static std::string try_lock_sql() { return "SELECT 't'"; }
  static std::string unlock_sql() { return "SELECT 't'"; }
  // BEGIN IMMEDIATE takes the database's write lock (or fails with SQLITE_BUSY), then the
  // transaction's start time is kept for its history row (transaction_ms): the printed script
  // holds both.
  static std::string try_transaction_lock_sql() { return "SELECT 't'"; }
  static constexpr const char* begin_sql =
      "BEGIN IMMEDIATE; CREATE TEMP TABLE IF NOT EXISTS strata_clock (started REAL NOT NULL); "
      "DELETE FROM temp.strata_clock; INSERT INTO temp.strata_clock VALUES (julianday('now'))";
  static constexpr const char* commit_sql = "COMMIT";
  static constexpr const char* rollback_sql = "ROLLBACK";
  static bool lock_taken(std::string_view cell) { return cell == "t"; }
  // BEGIN IMMEDIATE waits up to the connection's busy timeout: each attempt waits at most what is
  // left of strata's lock wait, and the connection's own timeout is put back after.
  static std::string attempt_wait_now_sql() { return "PRAGMA busy_timeout"; }
  static std::string attempt_wait_sql(long long ms) { return "PRAGMA busy_timeout = " + std::to_string(ms); }
  static std::string lock_holder_sql() { return "SELECT 1 WHERE 0"; }  // SQLite does not say who writes
  static constexpr std::string_view unknown_lock_holder = "another connection writing to the database";
  static constexpr std::string_view lock_note =
      "strata's migration lock is this write transaction; it skips the revision if another process has done it meanwhile";
  static constexpr std::string_view no_lock_outside_transaction =
      "SQLite's migration lock is each migration's write transaction (BEGIN IMMEDIATE), and none holds across the "
      "statements of a migration that runs outside one: make it transactional (VACUUM, which cannot be, belongs outside "
      "migrations)";

  // --- what SQLite has no need of --------------------------------------------------------------
  static std::string lock_holders_sql() { return "SELECT 1 WHERE 0"; }
  std::string backend_alive_sql() const { return "SELECT 1 WHERE 0"; }
  static std::string invalid_indexes_sql() { return "SELECT 1 WHERE 0"; }
  static std::string index_exists_sql() { return "SELECT 'f'"; }
  static std::string index_gone_sql() { return "SELECT 'f'"; }
  static std::string drop_index_sql(std::string_view name) { return "DROP INDEX IF EXISTS " + std::string(name); }

  // --- foreign keys around a run -----------------------------------------------------------
  // When the connection enforces foreign keys: the statement that turns them off for the run
  // (outside its transactions) and the one that turns them on again after it. No row: nothing to do.
  static std::string suspended_checks_sql() {
    return "SELECT 'PRAGMA foreign_keys = OFF', 'PRAGMA foreign_keys = ON' FROM pragma_foreign_keys WHERE foreign_keys";
  }
  // In a run that turned them off: the rows of this database breaking a foreign key (table, rowid,
  // referenced table), read before a revision's statements and again before its COMMIT.
  std::string violations_sql() const {
    return "SELECT \"table\", coalesce(CAST(rowid AS TEXT), ''), parent FROM pragma_foreign_key_check(NULL, " +
           quote_literal(database()) + ")";
  }
  static std::string violation_text(std::string_view table, std::string_view rowid, std::string_view parent) {
    return "a row of table " + std::string(table) + (rowid.empty() ? "" : " (rowid " + std::string(rowid) + ")") +
           " references a missing row of " + std::string(parent);
  }
  static constexpr std::string_view violation_words = "foreign_key_check found rows breaking a foreign key";

  // --- words the executor's messages use -----------------------------------------------------
  static constexpr std::string_view text_reading_setting = "";
  static std::string session_mismatch(std::string_view) { return {}; }
  static constexpr std::string_view no_current_schema = "the connection has no main database";
  static constexpr std::string_view name_lookup = "looked up in the main database";
  static std::string stop_backend_hint(std::string_view pid) { return "stop process " + std::string(pid); }
  static constexpr std::string_view statement_time_exceeded = "it was interrupted (sqlite3_interrupt)";
  static constexpr std::string_view lock_wait_name = "SQLite's busy timeout";

  // --- settings: SQLite has no per-migration lock wait or statement time ----------------------------
  static constexpr std::string_view lock_wait_setting = "";
  static constexpr std::string_view statement_time_setting = "";
  static std::string set_sql(std::string_view, std::int64_t, bool) { return {}; }
  static std::string set_default_sql(std::string_view, bool) { return {}; }
  static constexpr std::string_view search_path_setting = "";
  static std::string search_path_first_sql(std::string_view, bool) { return "SELECT 1"; }
  static std::string session_settings_sql() { return "SELECT '', '' WHERE 0"; }
  static std::string restore_setting_sql() { return "SELECT $1, $2 WHERE 0"; }
  static std::string reset_sql(std::string_view) { return "SELECT 1"; }

  // --- other tools' history tables, as each tool creates them in SQLite -------------------------------
  static std::string foreign_history_sql(std::string_view tool, std::string_view table) {
    const std::string from = " FROM " + std::string(table);
    if (tool == "golang-migrate")
      return "SELECT CAST(version AS TEXT), CASE WHEN dirty THEN 'dirty' ELSE 'baseline' END" + from;
    if (tool == "goose")
      return "SELECT CAST(version_id AS TEXT), CASE WHEN is_applied THEN 'applied' ELSE 'unapplied' END" + from +
             " WHERE version_id <> 0 ORDER BY id";
    if (tool == "dbmate") return "SELECT CAST(version AS TEXT), 'applied'" + from + " ORDER BY version";
    if (tool == "flyway")
      return "SELECT version, CASE WHEN NOT success THEN 'failed' WHEN type = 'BASELINE' THEN 'baseline' "
             "WHEN type LIKE 'UNDO%' THEN 'unapplied' ELSE 'applied' END" +
             from + " WHERE version IS NOT NULL AND type <> 'SCHEMA' ORDER BY installed_rank";
    return "SELECT CAST(version AS TEXT), CASE WHEN success THEN 'applied' ELSE 'failed' END" + from + " ORDER BY version";
  }

  // --- the schema snapshot (schema/snapshot.hpp) ---------------------------------------------
  static std::string schema_snapshot_begin_sql() { return "BEGIN"; }
  static std::string schema_snapshot_sql() { return std::string(schema_snapshot_query); }
  static bool change_keeps_running_release(std::string_view object, std::string_view before, std::string_view after) {
    return sqlite::change_keeps_running_release(object, before, after);
  }
};

}  // namespace strata::sqlite
