#pragma once
// PostgreSQL's protocol: everything the executor sends or reads. Transaction control, the history
// and log tables, the advisory lock and who holds it, sessions blocking a migration, INVALID
// indexes, session settings, what SQLSTATEs mean, other tools' history tables, and the schema
// snapshot's query. Names are always quoted identifiers and values always parameters: no name or
// value is ever put inside a string or a dollar quote. An instance names the history tables of
// one run (schema, history, log).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../common/quoting.hpp"
#include "expansion.hpp"
#include "schema_catalog.hpp"

namespace strata::postgresql {

using backend::quote_identifier;
using backend::quote_literal;  // for the printed script only (runs send values as parameters)

// A text[] literal for a parameter: {"a","b"} with quotes and backslashes escaped.
inline std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

struct protocol {
  std::string schema;  // empty: the connection's current schema
  std::string history = "strata_history";
  std::string log = "strata_log";
  std::string instances = "strata_instances";

  // --- what SQLSTATEs mean -------------------------------------------------------------------
  static bool undefined_table(std::string_view state) { return state == "42P01"; }
  static bool undefined_column(std::string_view state) { return state == "42703"; }
  static bool lock_not_available(std::string_view state) { return state == "55P03"; }
  static bool query_canceled(std::string_view state) { return state == "57014"; }  // statement_timeout
  // The server ended the session (shutdown, restart, pg_terminate_backend): the connection is lost,
  // whatever the error's wording.
  static bool session_ended(std::string_view state) {
    return state == "57P01" || state == "57P02" || state == "57P03" || state.substr(0, 2) == "08";
  }

  static std::string quoted(std::string_view name) { return quote_identifier(name); }
  static std::string literal(std::string_view text) { return quote_literal(text); }
  static std::string array(const std::vector<std::string>& items) { return array_literal(items); }
  // A setting's name as pg_settings shows it, safe to put in RESET.
  static bool plain_setting_name(std::string_view name) {
    for (char c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    return !name.empty();
  }

  // count, digest = `expected`, the log exists (`log` its qualified name as a text value)
  std::string digest_select(std::string_view expected, std::string_view log_name) const {
    return "SELECT count(*)::text, (coalesce(string_agg(revision || ' ' || coalesce(checksum, '') || ' ' || "
           "checksum_version || ' ' || state, E'\\n' ORDER BY revision COLLATE \"C\"), '') = " + std::string(expected) +
           ")::text, (to_regclass(" + std::string(log_name) + ") IS NOT NULL)::text FROM " + qualified(history);
  }
  std::string qualified(std::string_view table) const {
    return schema.empty() ? quote_identifier(table) : quote_identifier(schema) + "." + quote_identifier(table);
  }

  // --- the history -------------------------------------------------------------------------
  // The history's columns, in the order read_sql returns them.
  static constexpr const char* columns[] = {"revision",   "parents",      "checksum",   "checksum_version", "description",
                                            "applied_at", "execution_ms", "applied_by", "state",            "started_pid"};

  // Before anything else of a run with work to do: the current schema, whether the schema, the
  // history and the log exist, standard_conforming_strings (the splitter reads '...' as
  // PostgreSQL does with it on), the server process (a pooler gives the client another id), and
  // whether the history is of an earlier layout (strata 0.2 lacks the progress columns, 0.3 the
  // phase and the instances table). $1 the quoted schema or '', $2, $3 and $4 the qualified tables
  // (history, log, instances).
  static std::string existing_sql() {
    return "SELECT coalesce(current_schema(), ''), $1 = '' OR to_regnamespace($1) IS NOT NULL, "
           "to_regclass($2) IS NOT NULL, to_regclass($3) IS NOT NULL, current_setting('standard_conforming_strings'), "
           "pg_backend_pid()::text, to_regclass($2) IS NOT NULL AND ((SELECT count(*) FROM pg_attribute WHERE "
           "attrelid = to_regclass($2) AND attname IN ('statements_done', 'reverting', 'phase') AND NOT attisdropped) < 3 "
           "OR to_regclass($4) IS NULL)";
  }
  // Brings a history of an earlier strata to this layout, in place (under the migration lock). The
  // rows it had get no phase: "not recorded".
  std::string upgrade_layout_sql() const {
    return "ALTER TABLE " + qualified(history) +
           " ADD COLUMN IF NOT EXISTS statements_done integer NOT NULL DEFAULT 0, "
           "ADD COLUMN IF NOT EXISTS reverting boolean NOT NULL DEFAULT false, ADD COLUMN IF NOT EXISTS phase text;\n" +
           create_instances_sql();
  }
  static constexpr std::string_view layout_columns = "statements_done, reverting and phase";
  std::string create_schema_sql() const { return "CREATE SCHEMA " + quote_identifier(schema); }

  // state: 'applied', or 'started' for a non-transactional revision whose statements have begun
  // (an interrupted run leaves it so; the next run resumes it). started_pid: the backend that
  // began it; statements_done: how many of its statements are done, of its down when reverting.
  std::string create_sql() const {
    return "CREATE TABLE IF NOT EXISTS " + qualified(history) +
           " (revision text PRIMARY KEY, parents text[] NOT NULL DEFAULT '{}', checksum text, "
           "checksum_version integer NOT NULL DEFAULT 1, description text, "
           "applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL DEFAULT 0, "
           "applied_by text NOT NULL DEFAULT current_user, state text NOT NULL DEFAULT 'applied', "
           "started_pid integer, statements_done integer NOT NULL DEFAULT 0, reverting boolean NOT NULL DEFAULT false, "
           "phase text);\n"
           "CREATE TABLE IF NOT EXISTS " + qualified(log) +
           " (id bigserial PRIMARY KEY, action text NOT NULL, revision text NOT NULL, checksum text, "
           "execution_ms bigint, at timestamptz NOT NULL DEFAULT now(), by_user text NOT NULL DEFAULT current_user, "
           "strata_version text NOT NULL);\n" + create_instances_sql();
  }

  // --- live instances (README "Rolling deploys") ------------------------------------------------
  // One row per service instance that migrated at start-up and still runs: its release (its
  // registry's head), where it runs, and until when it counts without another heartbeat (the
  // server's clock alone decides, so the hosts' clocks never matter).
  std::string create_instances_sql() const {
    return "CREATE TABLE IF NOT EXISTS " + qualified(instances) +
           " (id text PRIMARY KEY, release text NOT NULL, host text NOT NULL, pid integer NOT NULL, "
           "since timestamptz NOT NULL DEFAULT now(), last_seen timestamptz NOT NULL DEFAULT now(), "
           "expires_at timestamptz NOT NULL)";
  }
  // Registers an instance or renews it (the heartbeat): $1 id, $2 release, $3 host, $4 pid, $5 how
  // long it counts without another heartbeat (ms). Rows expired for a day are removed.
  std::string register_instance_sql() const {
    return "WITH expired AS (DELETE FROM " + qualified(instances) +
           " WHERE expires_at < now() - interval '1 day') INSERT INTO " + qualified(instances) +
           " (id, release, host, pid, expires_at) VALUES ($1, $2, $3, $4::integer, now() + $5::integer * "
           "interval '1 millisecond') ON CONFLICT (id) DO UPDATE SET last_seen = now(), expires_at = EXCLUDED.expires_at";
  }
  std::string deregister_instance_sql() const { return "DELETE FROM " + qualified(instances) + " WHERE id = $1"; }
  // The live ones, oldest first: id, release, host, pid, since, last seen.
  std::string live_instances_sql() const {
    return "SELECT id, release, host, pid::text, since::text, last_seen::text FROM " + qualified(instances) +
           " WHERE expires_at > now() ORDER BY since, id";
  }
  // Inside the transaction that first records an after_deploy revision: an instance registering
  // meanwhile waits for its COMMIT, and then reads a history that holds the revision.
  std::string hold_registrations_sql() const { return "LOCK TABLE " + qualified(instances) + " IN SHARE MODE"; }
  // Two instances creating the table at once: one of them loses the race, harmlessly.
  static bool duplicate_object(std::string_view state) { return state == "23505" || state == "42P07" || state == "42710"; }

  // The history's rows. The progress columns are read through the row's jsonb, so that a history
  // of strata 0.2 or earlier, which a run with work brings to this layout, reads as one without
  // progress (as 0, not reverting).
  std::string read_sql() const {
    return "SELECT revision, coalesce(checksum, ''), checksum_version::text, applied_at::text, execution_ms::text, "
           "applied_by, state, coalesce(started_pid::text, ''), coalesce(description, ''), "
           "coalesce(to_jsonb(h) ->> 'statements_done', '0'), coalesce(to_jsonb(h) ->> 'reverting', 'false'), "
           "coalesce(to_jsonb(h) ->> 'phase', '') FROM " +
           qualified(history) + " h ORDER BY applied_at, revision";
  }

  // The no-op start-up's one query: the history's row count, whether what validation needs of it
  // (revision, checksum, checksum version, state; one line each, in byte order) is exactly $2,
  // and whether the log exists ($1 its qualified name; a dropped log is reported, not passed
  // over). When the first two match a build at its head, nothing else is read.
  std::string digest_sql() const { return digest_select("$2", "$1"); }
  // The same for the history tables of many schemas of one database (`each`, named as by
  // tables_of) in one query: a row per schema that has its history table, its position first; $1
  // the expected digest. `each` holds only schemas whose history exists (history_tables_sql).
  // current_schema() is parallel unsafe: it keeps the planner from a parallel append, whose
  // workers cost five times what these tiny scans do (1000 schemas: 0.5 s against 0.09 s).
  static std::string digests_sql(const std::vector<protocol>& each) {
    std::string out = "SELECT * FROM (";
    for (std::size_t i = 0; i < each.size(); ++i)
      out += (i ? " UNION ALL SELECT " : "SELECT ") + std::to_string(i) + ", " +
             each[i].digest_select("$1", quote_literal(each[i].qualified(each[i].log))).substr(7);
    return out + ") digests WHERE current_schema() IS NULL OR current_schema() IS NOT NULL";
  }
  // Which of the schemas $1 (text[]) hold the history table $2.
  static std::string history_tables_sql() {
    return "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = ANY($1::text[]) AND c.relname = $2 AND c.relkind IN ('r', 'p')";
  }
  // The $2 of digest_sql for a history holding exactly `rows` (revision, checksum), all applied,
  // with checksum version 1.
  static std::string expected_digest(std::vector<std::pair<std::string_view, std::string>> rows) {
    std::sort(rows.begin(), rows.end());
    std::string text;
    for (std::size_t i = 0; i < rows.size(); ++i)
      text += (i ? "\n" : "") + std::string(rows[i].first) + " " + rows[i].second + " 1 applied";
    return text;
  }
  // A boolean cast to text.
  static bool is_true(std::string_view cell) { return cell == "true"; }

  // Which of the given revisions ($1, text[]) the history holds, and in which state: read under
  // the transaction's lock, after another runner may have applied or reverted them.
  std::string states_of_sql() const {
    return "SELECT revision, state FROM " + qualified(history) + " WHERE revision = ANY($1::text[])";
  }

  // The revisions whose last log entry leaves them in the history (all but a downgrade or an
  // unstamp) but which the history lacks, with that entry's action and time: a history emptied or
  // edited. One statement, so that both tables are read in one snapshot (a runner committing a
  // revision meanwhile writes both at once).
  std::string log_without_history_sql() const {
    return "SELECT revision, action, at::text FROM (SELECT DISTINCT ON (revision) revision, action, at FROM " +
           qualified(log) + " ORDER BY revision, id DESC) last WHERE action NOT IN ('downgrade', 'unstamp') "
           "AND NOT EXISTS (SELECT 1 FROM " + qualified(history) + " h WHERE h.revision = last.revision) ORDER BY at, revision";
  }

  // When the history is missing: whether the log has entries (a dropped history).
  std::string log_count_sql() const { return "SELECT count(*)::text FROM " + qualified(log); }

  // The history table's columns, to name the missing ones. $1 schema or '', $2 table.
  static std::string columns_sql() {
    return "SELECT column_name::text FROM information_schema.columns WHERE table_schema = "
           "coalesce(nullif($1, ''), current_schema()) AND table_name = $2";
  }

  // The time since the transaction began (a transactional revision's whole run), in ms.
  static constexpr const char* transaction_ms = "(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint";
  // The time since a non-transactional revision was marked 'started', in ms.
  static constexpr const char* since_started_ms = "(extract(epoch FROM clock_timestamp() - applied_at) * 1000)::bigint";

  // Every history write appends its log row from the rows it changed (CTE h).
  std::string log_from_h(std::string_view action, std::string_view checksum, std::string_view ms,
                         std::string_view version_param) const {
    return "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) SELECT '" +
           std::string(action) + "', revision, " + std::string(checksum) + ", " + std::string(ms) + ", " +
           std::string(version_param) + " FROM h";
  }

  // Inside the revision's transaction. $1 revision, $2 parents (comma-separated), $3 checksum,
  // $4 description, $5 version, $6 phase (before_deploy or after_deploy).
  std::string record_sql(std::string_view action) const {
    return "WITH h AS (INSERT INTO " + qualified(history) +
           " (revision, parents, checksum, checksum_version, description, execution_ms, phase) VALUES "
           "($1, coalesce(string_to_array(nullif($2, ''), ','), '{}'), nullif($3, ''), 1, nullif($4, ''), " +
           transaction_ms + ", $6) RETURNING revision, execution_ms) " + log_from_h(action, "nullif($3, '')", "execution_ms", "$5");
  }

  // A non-transactional revision begins (its up, or its down when `reverting`): its row says
  // 'started' until it is done. A resumed one keeps its progress when it goes on the same way.
  // Same parameters as record_sql.
  std::string start_sql(std::string_view action, bool reverting) const {
    const std::string way = reverting ? "true" : "false";
    return "WITH h AS (INSERT INTO " + qualified(history) +
           " AS was (revision, parents, checksum, checksum_version, description, execution_ms, state, started_pid, "
           "statements_done, reverting, phase) VALUES "
           "($1, coalesce(string_to_array(nullif($2, ''), ','), '{}'), nullif($3, ''), 1, nullif($4, ''), 0, "
           "'started', pg_backend_pid(), 0, " + way + ", $6) ON CONFLICT (revision) DO UPDATE SET state = 'started', "
           "started_pid = pg_backend_pid(), applied_at = now(), checksum = EXCLUDED.checksum, phase = EXCLUDED.phase, "
           "statements_done = "
           "CASE WHEN was.state = 'started' AND was.reverting = " + way + " THEN was.statements_done ELSE 0 END, "
           "reverting = " + way + " RETURNING revision) " + log_from_h(action, "nullif($3, '')", "0", "$5");
  }
  // A statement of a started revision is done. $1 revision, $2 its number in the body.
  std::string progress_sql() const {
    return "UPDATE " + qualified(history) + " SET statements_done = $2::integer WHERE revision = $1";
  }

  // A started revision is done: its time runs from its start. $1 revision, $2 version
  std::string finish_sql(std::string_view action) const {
    return "WITH h AS (UPDATE " + qualified(history) +
           " SET state = 'applied', started_pid = NULL, statements_done = 0, reverting = false, execution_ms = " +
           since_started_ms + ", applied_at = now() WHERE revision = $1 RETURNING revision, checksum, execution_ms) " +
           log_from_h(action, "checksum", "execution_ms", "$2");
  }

  // $1 revision, $2 version; the time of the transaction, or of the non-transactional revert
  // since it was marked 'started'.
  std::string erase_sql(std::string_view action, bool in_transaction = true) const {
    return "WITH h AS (DELETE FROM " + qualified(history) + " WHERE revision = $1 RETURNING revision, checksum, " +
           (in_transaction ? transaction_ms : since_started_ms) + " AS ms) " + log_from_h(action, "checksum", "ms", "$2");
  }

  // $1 revision, $2 checksum, $3 version: this build's checksum for an edited revision.
  std::string repair_sql() const {
    return "WITH h AS (UPDATE " + qualified(history) +
           " SET checksum = nullif($2, ''), checksum_version = 1 WHERE revision = $1 RETURNING revision) " +
           log_from_h("repair", "nullif($2, '')", "0", "$3");
  }

  // --- the migration lock ---------------------------------------------------------------------
  // Advisory lock keys: a constant class and a hash of the history table's qualified name, so
  // that two services in two schemas never block each other. $1 schema or '', $2 table.
  static constexpr const char* lock_class = "1398034993";  // "STR1"
  static std::string lock_key_sql() {
    return std::string(lock_class) + ", hashtext(coalesce(nullif($1, ''), current_schema()) || '.' || $2)";
  }
  static std::string try_lock_sql() { return "SELECT pg_try_advisory_lock(" + lock_key_sql() + ")"; }
  static std::string unlock_sql() { return "SELECT pg_advisory_unlock(" + lock_key_sql() + ")"; }
  // The same lock for one transaction (through a pooler): released by COMMIT or ROLLBACK.
  static std::string try_transaction_lock_sql() { return "SELECT pg_try_advisory_xact_lock(" + lock_key_sql() + ")"; }
  // The advisory lock above is the session's, held across transactions (pooled connections use
  // the transaction's instead).
  static constexpr bool session_lock = true;
  static constexpr std::string_view lock_note =
      "through a connection pooler: strata takes its migration lock for this transaction, and skips the revision if "
      "another runner has done it meanwhile";
  static constexpr std::string_view no_lock_outside_transaction = "";  // a session lock holds there
  // An attempt at the lock returns at once: nothing to bound (exec/lock.hpp attempt_wait).
  static std::string attempt_wait_now_sql() { return {}; }
  static std::string attempt_wait_sql(long long) { return {}; }
  static constexpr const char* begin_sql = "BEGIN";
  static constexpr const char* commit_sql = "COMMIT";
  static constexpr const char* rollback_sql = "ROLLBACK";
  static bool lock_taken(std::string_view cell) { return cell == "t"; }
  static constexpr std::string_view unknown_lock_holder = "another session";  // gone before lock_holder_sql saw it
  // Who holds the lock: pid, application, connected since, state, client. Same parameters.
  static std::string lock_holder_sql() {
    return "SELECT a.pid::text, coalesce(a.application_name, ''), coalesce(a.backend_start::text, ''), "
           "coalesce(a.state, ''), coalesce(a.client_addr::text, 'local socket') FROM pg_locks l JOIN pg_stat_activity a "
           "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
           "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.classid = " +
           std::string(lock_class) + "::oid AND l.objid = hashtext(coalesce(nullif($1, ''), current_schema()) || '.' || $2)::oid";
  }

  // --- sessions in the way of a migration ------------------------------------------------------
  // After a statement gave up waiting for a lock: the other sessions in a transaction that hold
  // locks on user tables, oldest first: pid, application, state, transaction start. Never the
  // query text.
  static std::string lock_holders_sql() {
    return "SELECT DISTINCT a.pid::text, coalesce(a.application_name, ''), coalesce(a.state, ''), "
           "a.xact_start::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
           "WHERE l.locktype = 'relation' AND l.granted AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL "
           "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
           "AND l.relation >= 16384 ORDER BY 4 LIMIT 5";
  }

  // Whether the backend that began a revision still works ($1 pid, $2 revision): the same pid
  // connected before the revision started, and not this session.
  std::string backend_alive_sql() const {
    return "SELECT a.state FROM pg_stat_activity a JOIN " + qualified(history) +
           " h ON h.revision = $2 WHERE a.pid = $1::integer AND a.pid <> pg_backend_pid() "
           "AND a.backend_start <= h.applied_at";
  }

  // --- indexes ------------------------------------------------------------------------------
  // INVALID indexes among the given names ($1 index names as stored, $2 their tables as written),
  // leaving out any index a session is building right now.
  static std::string invalid_indexes_sql() {
    return "SELECT c.oid::regclass::text FROM unnest($1::text[], $2::text[]) AS w(name, tab) "
           "JOIN pg_class c ON c.relname = w.name AND c.relnamespace = "
           "(SELECT t.relnamespace FROM pg_class t WHERE t.oid = to_regclass(w.tab)) "
           "JOIN pg_index i ON i.indexrelid = c.oid WHERE NOT i.indisvalid AND NOT EXISTS "
           "(SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = c.oid) ORDER BY 1";
  }
  // On a resume, whether the statement the interrupted run may have finished is done (one row, 't'
  // or 'f'): the index it builds exists ($1 its name as stored, $2 its table as written; an INVALID
  // one was dropped before), or the one it drops is gone ($1 as written).
  static std::string index_exists_sql() {
    return "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1 "
           "AND c.relnamespace = (SELECT t.relnamespace FROM pg_class t WHERE t.oid = to_regclass($2)))";
  }
  static std::string index_gone_sql() { return "SELECT to_regclass($1) IS NULL"; }
  static std::string drop_index_sql(std::string_view regclass_text) {
    return "DROP INDEX CONCURRENTLY IF EXISTS " + std::string(regclass_text);
  }

  // --- checks suspended around a run ----------------------------------------------------------
  // PostgreSQL checks foreign keys itself, at each statement or at COMMIT: nothing to suspend
  // (no row) and nothing to look for before COMMIT.
  static std::string suspended_checks_sql() { return {}; }
  std::string violations_sql() const { return {}; }
  static std::string violation_text(std::string_view, std::string_view, std::string_view) { return {}; }
  static constexpr std::string_view violation_words = "";

  // --- words the executor's messages use -----------------------------------------------------
  // The session setting that decides how SQL text is read, named as the problem when it differs.
  static constexpr std::string_view text_reading_setting = "standard_conforming_strings";
  // Whether the session reads SQL text as the lexer does ($5 of existing_sql): why not, or "".
  static std::string session_mismatch(std::string_view standard_conforming_strings) {
    if (standard_conforming_strings != "off") return {};
    return "standard_conforming_strings is off on this connection: strata splits SQL bodies as PostgreSQL reads "
           "them with it on (the default since 9.1), where a backslash in '...' is an ordinary character; turn it on "
           "(SET standard_conforming_strings = on, or in the server's or role's settings)";
  }
  static constexpr std::string_view no_current_schema = "the connection has no current schema (an empty search_path)";
  static constexpr std::string_view name_lookup = "looked up through search_path";
  static std::string stop_backend_hint(std::string_view pid) {
    return "stop it with SELECT pg_cancel_backend(" + std::string(pid) + ")";
  }
  static constexpr std::string_view statement_time_exceeded =
      "it ran longer than its statement_timeout allows (the migration's `statement_timeout`, or "
      "options.pg_statement_timeout)";
  static constexpr std::string_view lock_wait_name = "PostgreSQL's lock_timeout";

  // --- settings -----------------------------------------------------------------------------
  // PostgreSQL's own settings for one migration: SET LOCAL inside its transaction, SET around a
  // non-transactional one (restored after it: see session_settings_sql).
  static constexpr std::string_view lock_wait_setting = "lock_timeout";
  static constexpr std::string_view statement_time_setting = "statement_timeout";
  static std::string set_sql(std::string_view name, std::int64_t ms, bool local) {
    return std::string(local ? "SET LOCAL " : "SET ") + std::string(name) + " = '" + std::to_string(ms) + "ms'";
  }
  // A tenant's schema first on search_path, the connection's own path after it (shared types and
  // extensions in public stay reachable).
  static constexpr std::string_view search_path_setting = "search_path";
  static std::string search_path_first_sql(std::string_view schema, bool local) {
    return "SELECT set_config('search_path', concat_ws(', ', " + quote_literal(quote_identifier(schema)) +
           ", nullif(current_setting('search_path'), '')), " + (local ? "true" : "false") + ")";
  }
  static std::string set_default_sql(std::string_view name, bool local) {
    return std::string(local ? "SET LOCAL " : "SET ") + std::string(name) + " TO DEFAULT";
  }
  // The settings this session changed: compared before and after each migration, so that a
  // migration's own SET (or set_config) does not reach later migrations or the history writes.
  static std::string session_settings_sql() {
    return "SELECT name, setting FROM pg_settings WHERE source = 'session' ORDER BY name";
  }
  static std::string restore_setting_sql() { return "SELECT set_config($1, $2, false)"; }
  static std::string reset_sql(std::string_view name) { return "RESET " + std::string(name); }

  // --- other tools' history tables (exec/baseline.hpp) -------------------------------------
  // Each as the tool creates it; rows (version, state) in the order the tool wrote them, state one
  // of applied, unapplied, dirty, failed, baseline (this version and every one before it applied).
  // `table` is the tool's own (its format's row, dsl/formats/).
  static std::string foreign_history_sql(std::string_view tool, std::string_view table) {
    const std::string from = " FROM " + std::string(table);
    if (tool == "golang-migrate")  // one row: the version reached (every one before it applied), or dirty
      return "SELECT version::text, CASE WHEN dirty THEN 'dirty' ELSE 'baseline' END" + from;
    if (tool == "goose")  // one row per up or down; version 0 is goose's own first row
      return "SELECT version_id::text, CASE WHEN is_applied THEN 'applied' ELSE 'unapplied' END" + from +
             " WHERE version_id <> 0 ORDER BY id";
    if (tool == "dbmate") return "SELECT version::text, 'applied'" + from + " ORDER BY version";
    if (tool == "flyway")
      return "SELECT version, CASE WHEN NOT success THEN 'failed' WHEN type = 'BASELINE' THEN 'baseline' "
             "WHEN type LIKE 'UNDO%' THEN 'unapplied' ELSE 'applied' END" +
             from + " WHERE version IS NOT NULL AND type <> 'SCHEMA' ORDER BY installed_rank";
    return "SELECT version::text, CASE WHEN success THEN 'applied' ELSE 'failed' END" + from + " ORDER BY version";
  }

  // --- the schema snapshot (schema/snapshot.hpp) ---------------------------------------------
  // One consistent read; definitions qualify names as seen from search_path = public.
  // The session's current schema (where strata's tables are when no schema is given) is kept in
  // strata.history_schema before search_path changes.
  static std::string schema_snapshot_begin_sql() {
    return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
           "SELECT set_config('strata.history_schema', coalesce(current_schema(), ''), true); "
           "SET LOCAL search_path TO public";
  }
  static std::string schema_snapshot_sql() { return schema_snapshot_query; }
  // Whether a snapshot object's change keeps the release still running working (expansion.hpp).
  static bool change_keeps_running_release(std::string_view object, std::string_view before, std::string_view after) {
    return postgresql::change_keeps_running_release(object, before, after);
  }
};

}  // namespace strata::postgresql
