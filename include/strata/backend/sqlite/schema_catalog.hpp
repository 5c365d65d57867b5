#pragma once
// The catalog query behind strata::read_schema on SQLite: one row (object, definition) per table,
// column, index, foreign key, view and trigger of the main database, from sqlite_schema and the
// pragma_* table functions, leaving out SQLite's internal tables and strata's own ($2 history,
// $3 log, $4 instances). And which changes of an object keep the release still running working.

#include <string_view>

namespace strata::sqlite {

inline constexpr std::string_view schema_snapshot_query =
    "WITH t AS (SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND name NOT IN ($2, $3, $4))\n"
    "SELECT 'table ' || t.name, '' FROM t\n"
    "UNION ALL SELECT 'column ' || t.name || '.' || c.name, lower(c.type) || CASE WHEN c.\"notnull\" THEN ' not null' ELSE '' END || "
    "CASE WHEN c.dflt_value IS NOT NULL THEN ' default ' || c.dflt_value ELSE '' END || "
    "CASE WHEN c.pk > 0 THEN ' primary key' ELSE '' END || CASE WHEN c.hidden > 1 THEN ' generated' ELSE '' END "
    "FROM t, pragma_table_xinfo(t.name) c\n"
    "UNION ALL SELECT 'index ' || i.name, 'on ' || t.name || ' (' || (SELECT group_concat(coalesce(x.name, 'expression'), ', ') "
    "FROM pragma_index_xinfo(i.name) x WHERE x.key) || ')' || CASE WHEN i.\"unique\" THEN ' unique' ELSE '' END || "
    "CASE WHEN i.partial THEN ' where ' || coalesce((SELECT substr(sql, instr(upper(sql), ' WHERE ') + 7) FROM sqlite_schema "
    "WHERE type = 'index' AND name = i.name), '') ELSE '' END FROM t, pragma_index_list(t.name) i WHERE i.origin <> 'pk'\n"
    "UNION ALL SELECT 'foreign key ' || t.name || ' (' || group_concat(f.\"from\", ', ') || ')', 'references ' || f.\"table\" || "
    "' (' || group_concat(coalesce(f.\"to\", ''), ', ') || ') on update ' || lower(f.on_update) || ' on delete ' || "
    "lower(f.on_delete) FROM t, pragma_foreign_key_list(t.name) f GROUP BY t.name, f.id\n"
    "UNION ALL SELECT type || ' ' || name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger')";

// Besides objects added: a view or trigger replaced under its name, and a column that became
// nullable or got a default. Everything else that changes or goes is not.
inline bool change_keeps_running_release(std::string_view object, std::string_view before, std::string_view after) {
  auto kind_is = [&](std::string_view k) { return object.substr(0, k.size()) == k; };
  if (kind_is("view ") || kind_is("trigger ")) return true;
  if (!kind_is("column ")) return false;
  auto type_of = [](std::string_view d) { return d.substr(0, d.find(' ')); };
  const bool was_not_null = before.find(" not null") != std::string_view::npos;
  const bool is_not_null = after.find(" not null") != std::string_view::npos;
  const bool had_default = before.find(" default ") != std::string_view::npos;
  const bool has_default = after.find(" default ") != std::string_view::npos;
  return type_of(before) == type_of(after) && (was_not_null || !is_not_null) && (!had_default || has_default);
}

}  // namespace strata::sqlite
