#pragma once
// The history tables: names always quoted as identifiers, values always sent as parameters.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace strata::detail {

inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

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

inline std::string checksum_text(std::uint64_t checksum) {
  if (checksum == 0) return {};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(checksum));
  return buf;
}

struct history_tables {
  std::string schema;  // empty: the connection's current schema
  std::string history = "strata_history";
  std::string log = "strata_log";

  std::string qualified(std::string_view table) const {
    return schema.empty() ? quote_identifier(table) : quote_identifier(schema) + "." + quote_identifier(table);
  }

  // The history's columns, in the order read_sql returns them.
  static constexpr const char* columns[] = {"revision",   "parents",  "checksum",   "checksum_version", "description",
                                            "applied_at", "execution_ms", "applied_by", "state",          "started_pid"};

  // One round trip before creating anything: whether the schema, the history and the log exist.
  // $1 the quoted schema or '', $2 the qualified history table, $3 the qualified log table.
  static std::string existing_sql() {
    return "SELECT $1 = '' OR to_regnamespace($1) IS NOT NULL, to_regclass($2) IS NOT NULL, to_regclass($3) IS NOT NULL";
  }
  std::string create_schema_sql() const { return "CREATE SCHEMA " + quote_identifier(schema); }

  // state: 'applied', or 'started' for a non-transactional revision whose statements have begun
  // (an interrupted run leaves it so; the next run resumes it). started_pid: the backend that
  // began it.
  std::string create_sql() const {
    return "CREATE TABLE IF NOT EXISTS " + qualified(history) +
           " (revision text PRIMARY KEY, parents text[] NOT NULL DEFAULT '{}', checksum text, "
           "checksum_version integer NOT NULL DEFAULT 1, description text, "
           "applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL DEFAULT 0, "
           "applied_by text NOT NULL DEFAULT current_user, state text NOT NULL DEFAULT 'applied', "
           "started_pid integer);\n"
           "CREATE TABLE IF NOT EXISTS " + qualified(log) +
           " (id bigserial PRIMARY KEY, action text NOT NULL, revision text NOT NULL, checksum text, "
           "execution_ms bigint, at timestamptz NOT NULL DEFAULT now(), by_user text NOT NULL DEFAULT current_user, "
           "strata_version text NOT NULL)";
  }

  // The one query of a run that finds nothing to do.
  std::string read_sql() const {
    return "SELECT revision, coalesce(checksum, ''), checksum_version::text, applied_at::text, execution_ms::text, "
           "applied_by, state, coalesce(started_pid::text, ''), coalesce(description, '') FROM " +
           qualified(history) + " ORDER BY applied_at, revision";
  }

  // When the history is missing: whether the log has entries (a dropped history). $1 none.
  std::string log_count_sql() const { return "SELECT count(*)::text FROM " + qualified(log); }

  // The history table's columns, to name the missing ones. $1 schema or '', $2 table.
  static std::string columns_sql() {
    return "SELECT column_name::text FROM information_schema.columns WHERE table_schema = "
           "coalesce(nullif($1, ''), current_schema()) AND table_name = $2";
  }

  // $1 revision, $2 parents (comma-separated), $3 checksum, $4 description, $5 execution ms, $6 version
  std::string record_sql(std::string_view action) const {
    return "WITH h AS (INSERT INTO " + qualified(history) +
           " (revision, parents, checksum, checksum_version, description, execution_ms) VALUES "
           "($1, coalesce(string_to_array(nullif($2, ''), ','), '{}'), nullif($3, ''), 1, nullif($4, ''), $5::bigint) RETURNING revision) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT '" + std::string(action) + "', revision, nullif($3, ''), $5::bigint, $6 FROM h";
  }

  // A non-transactional revision begins: its row says 'started' until it is done. Same
  // parameters as record_sql.
  std::string start_sql(std::string_view action) const {
    return "WITH h AS (INSERT INTO " + qualified(history) +
           " (revision, parents, checksum, checksum_version, description, execution_ms, state, started_pid) VALUES "
           "($1, coalesce(string_to_array(nullif($2, ''), ','), '{}'), nullif($3, ''), 1, nullif($4, ''), $5::bigint, "
           "'started', pg_backend_pid()) ON CONFLICT (revision) DO UPDATE SET state = 'started', "
           "started_pid = pg_backend_pid(), applied_at = now(), checksum = EXCLUDED.checksum RETURNING revision) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT '" + std::string(action) + "', revision, nullif($3, ''), $5::bigint, $6 FROM h";
  }

  // A started revision is done. $1 revision, $2 execution ms, $3 version
  std::string finish_sql(std::string_view action) const {
    return "WITH h AS (UPDATE " + qualified(history) +
           " SET state = 'applied', started_pid = NULL, applied_at = now(), execution_ms = $2::bigint "
           "WHERE revision = $1 RETURNING revision, checksum) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT '" + std::string(action) + "', revision, checksum, $2::bigint, $3 FROM h";
  }

  // $1 revision, $2 execution ms, $3 version
  std::string erase_sql(std::string_view action) const {
    return "WITH h AS (DELETE FROM " + qualified(history) + " WHERE revision = $1 RETURNING revision, checksum) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT '" + std::string(action) + "', revision, checksum, $2::bigint, $3 FROM h";
  }

  // $1 revision, $2 checksum, $3 version: this build's checksum for an edited revision.
  std::string repair_sql() const {
    return "WITH h AS (UPDATE " + qualified(history) +
           " SET checksum = nullif($2, ''), checksum_version = 1 WHERE revision = $1 RETURNING revision) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT 'repair', revision, nullif($2, ''), 0, $3 FROM h";
  }

  // Whether the backend that began a revision still works ($1 pid, $2 revision): the same pid
  // connected before the revision started.
  std::string backend_alive_sql() const {
    return "SELECT a.state FROM pg_stat_activity a JOIN " + qualified(history) +
           " h ON h.revision = $2 WHERE a.pid = $1::integer AND a.pid <> pg_backend_pid() "
           "AND a.backend_start <= h.applied_at";
  }

  // INVALID indexes among the given names ($1 index names as stored, $2 their tables as written),
  // leaving out any index a session is building right now.
  static std::string invalid_indexes_sql() {
    return "SELECT c.oid::regclass::text FROM unnest($1::text[], $2::text[]) AS w(name, tab) "
           "JOIN pg_class c ON c.relname = w.name AND c.relnamespace = "
           "(SELECT t.relnamespace FROM pg_class t WHERE t.oid = to_regclass(w.tab)) "
           "JOIN pg_index i ON i.indexrelid = c.oid WHERE NOT i.indisvalid AND NOT EXISTS "
           "(SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = c.oid) ORDER BY 1";
  }

  // Advisory lock keys: a constant class and a hash of the history table's qualified name, so
  // that two services in two schemas never block each other. $1 schema or '', $2 table.
  static constexpr const char* lock_class = "1398034993";  // "STR1"
  static std::string lock_key_sql() {
    return std::string(lock_class) + ", hashtext(coalesce(nullif($1, ''), current_schema()) || '.' || $2)";
  }
};

}  // namespace strata::detail
