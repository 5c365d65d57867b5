#pragma once
// The history tables: names always quoted as identifiers, values always sent as parameters.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace strata::detail {

inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
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

  std::string create_sql() const {
    std::string s;
    if (!schema.empty()) {
      // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists:
      // create it only when it is missing.
      std::string literal;
      for (char c : quote_identifier(schema)) literal += c == '\'' ? std::string("''") : std::string(1, c);
      s += "DO $strata$ BEGIN IF to_regnamespace('" + literal + "') IS NULL THEN CREATE SCHEMA " +
           quote_identifier(schema) + "; END IF; END $strata$;\n";
    }
    s += "CREATE TABLE IF NOT EXISTS " + qualified(history) +
         " (revision text PRIMARY KEY, parents text[] NOT NULL DEFAULT '{}', checksum text, "
         "checksum_version integer NOT NULL DEFAULT 1, description text, "
         "applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL DEFAULT 0, "
         "applied_by text NOT NULL DEFAULT current_user);\n";
    s += "CREATE TABLE IF NOT EXISTS " + qualified(log) +
         " (id bigserial PRIMARY KEY, action text NOT NULL, revision text NOT NULL, checksum text, "
         "execution_ms bigint, at timestamptz NOT NULL DEFAULT now(), by_user text NOT NULL DEFAULT current_user, "
         "strata_version text NOT NULL)";
    return s;
  }

  // The one query of a run that finds nothing to do.
  std::string read_sql() const {
    return "SELECT revision, coalesce(checksum, ''), checksum_version::text, applied_at::text, execution_ms::text, "
           "applied_by FROM " + qualified(history) + " ORDER BY applied_at, revision";
  }

  // $1 revision, $2 parents (comma-separated), $3 checksum, $4 description, $5 execution ms, $6 version
  std::string record_sql(std::string_view action) const {
    return "WITH h AS (INSERT INTO " + qualified(history) +
           " (revision, parents, checksum, checksum_version, description, execution_ms) VALUES "
           "($1, coalesce(string_to_array(nullif($2, ''), ','), '{}'), nullif($3, ''), 1, nullif($4, ''), $5::bigint) RETURNING revision) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT '" + std::string(action) + "', revision, nullif($3, ''), $5::bigint, $6 FROM h";
  }

  // $1 revision, $2 execution ms, $3 version
  std::string erase_sql(std::string_view action) const {
    return "WITH h AS (DELETE FROM " + qualified(history) + " WHERE revision = $1 RETURNING revision, checksum) "
           "INSERT INTO " + qualified(log) + " (action, revision, checksum, execution_ms, strata_version) "
           "SELECT '" + std::string(action) + "', revision, checksum, $2::bigint, $3 FROM h";
  }

  // Advisory lock keys: a constant class and a hash of the history table's qualified name, so
  // that two services in two schemas never block each other. $1 schema or '', $2 table.
  static constexpr const char* lock_class = "1398034993";  // "STR1"
  static std::string lock_key_sql() {
    return std::string(lock_class) + ", hashtext(coalesce(nullif($1, ''), current_schema()) || '.' || $2)";
  }
};

}  // namespace strata::detail
