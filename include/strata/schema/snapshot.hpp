#pragma once
// strata::schema_snapshot: a database's schema as one line per object ("column users.email:
// text not null"), read from the catalogs, independent of OIDs and creation order; comparable,
// printable, parsable, and with a difference in words. strata's own tables are left out.

#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../exec/dialect.hpp"

namespace strata {

class schema_snapshot {
 public:
  // object ("column users.email") -> definition ("text not null")
  using objects_type = std::map<std::string, std::string, std::less<>>;

  schema_snapshot() = default;
  explicit schema_snapshot(objects_type objects) : objects_(std::move(objects)) {}

  const objects_type& objects() const noexcept { return objects_; }
  bool empty() const noexcept { return objects_.empty(); }
  friend bool operator==(const schema_snapshot&, const schema_snapshot&) = default;

  // One line per object, sorted: "<object>: <definition>" ("<object>:" when the definition is
  // empty), line breaks in a definition escaped. No line ends in a blank: editors strip those
  // from a committed file, so a definition's last blank is written escaped.
  std::string text() const {
    std::string out = std::string(header);
    for (const auto& [object, definition] : objects_) {
      out += object;
      out += ':';
      if (!definition.empty()) {
        out += ' ';
        out += escaped(definition);
      }
      out += '\n';
    }
    return out;
  }

  // Whether `text` is what text() writes: it starts with the header (after a byte order mark or
  // blank lines, which editors may add). An empty file or a file of another kind is not a snapshot.
  static bool is_snapshot_text(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && text.substr(first).starts_with(header.substr(0, header.find(':')));
  }

  // The text back (lines starting with "--" and blank lines are skipped; "<object>:" and
  // "<object>: " both read as an empty definition). Throws strata::config_error naming the first
  // line that is not "<object>: <definition>".
  static schema_snapshot parse(std::string_view text) {
    objects_type objects;
    std::size_t line_number = 0;
    while (!text.empty()) {
      const std::size_t end = std::min(text.find('\n'), text.size());
      std::string_view line = text.substr(0, end);
      text.remove_prefix(std::min(end + 1, text.size()));
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line.starts_with("--")) continue;
      const std::size_t colon = split_point(line);
      if (colon == std::string_view::npos)
        throw config_error("schema snapshot line " + std::to_string(line_number) +
                           " is not '<object>: <definition>'");
      const std::string_view definition = line.substr(std::min(colon + 2, line.size()));
      objects.emplace(std::string(line.substr(0, colon)), unescaped(definition));
    }
    return schema_snapshot(std::move(objects));
  }

  static constexpr std::string_view header =
      "-- strata schema snapshot: one object per line, sorted; compare with `schema --check FILE`\n";

 private:
  // The ": " after the object's name; a quoted identifier may hold one.
  static std::size_t split_point(std::string_view line) {
    bool quoted = false;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      if (line[i] == '"') quoted = !quoted;
      else if (!quoted && line[i] == ':' && line[i + 1] == ' ') return i;
    }
    if (!quoted && line.ends_with(":")) return line.size() - 1;
    return std::string_view::npos;
  }
  static std::string escaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
      if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else out += c;
    }
    // Only the last character can leave a blank at the end of the line: escaped if it is one.
    if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
      const char blank = out.back();
      out.pop_back();
      out += blank == ' ' ? "\\s" : "\\t";
    }
    return out;
  }
  static std::string unescaped(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        const char next = s[++i];
        out += next == 'n' ? '\n' : next == 'r' ? '\r' : next == 's' ? ' ' : next == 't' ? '\t' : next;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  objects_type objects_;
};

inline std::ostream& operator<<(std::ostream& os, const schema_snapshot& s) { return os << s.text(); }

// One difference between two snapshots.
struct schema_change {
  enum kind_type { appeared, disappeared, changed } kind;
  std::string object;
  std::string before, after;  // definitions; empty for the side where the object is absent
};

// Differences from `before` to `after`, in object order.
inline std::vector<schema_change> changes_between(const schema_snapshot& before, const schema_snapshot& after) {
  std::vector<schema_change> out;
  auto b = before.objects().begin(), a = after.objects().begin();
  const auto b_end = before.objects().end(), a_end = after.objects().end();
  while (b != b_end || a != a_end) {
    if (a == a_end || (b != b_end && b->first < a->first)) {
      out.push_back({schema_change::disappeared, b->first, b->second, {}});
      ++b;
    } else if (b == b_end || a->first < b->first) {
      out.push_back({schema_change::appeared, a->first, {}, a->second});
      ++a;
    } else {
      if (b->second != a->second) out.push_back({schema_change::changed, b->first, b->second, a->second});
      ++a, ++b;
    }
  }
  return out;
}

// How a difference is put in words: what each side is called and what an object present on only
// one side is said to be.
struct change_wording {
  std::string before = "before", after = "after";
  std::string appeared = "is still there";  // present only after
  std::string disappeared = "is missing";   // present only before
};

namespace detail {
// A definition shown in a message: short definitions whole, long ones (function bodies) cut.
inline std::string shown_definition(std::string_view d) {
  std::string out;
  for (char c : d) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (out.empty()) return "(nothing)";
  if (out.size() > 200) out = out.substr(0, 197) + "...";
  return out;
}
}  // namespace detail

inline std::string describe(const schema_change& c, const change_wording& w = {}) {
  switch (c.kind) {
    case schema_change::appeared: return c.object + " " + w.appeared;
    case schema_change::disappeared: return c.object + " " + w.disappeared;
    case schema_change::changed: break;
  }
  return c.object + ": " + detail::shown_definition(c.before) + " " + w.before + ", " +
         detail::shown_definition(c.after) + " " + w.after;
}

// Every difference, one per line, each starting with `prefix`; "" when there is none.
inline std::string describe_changes(const schema_snapshot& before, const schema_snapshot& after,
                                    std::string_view prefix = "", const change_wording& w = {}) {
  std::string out;
  for (const auto& c : changes_between(before, after)) {
    out += prefix;
    out += describe(c, w);
    out += '\n';
  }
  return out;
}

// The schema of the database `conn` is connected to, without strata's own tables (those `o`
// names). Reads in a transaction of its own with search_path = public, so that definitions
// qualify names the same way whatever the session's settings.
template <connection C>
schema_snapshot read_schema(C& conn, const options& o = {}) {
  using D = detail::protocol_for<C>;
  const value params[] = {o.schema, o.history_table, o.log_table, o.instances_table};
  conn.execute(D::schema_snapshot_begin_sql());
  rows result;
  try {
    result = conn.query(D::schema_snapshot_sql(), params);
  } catch (...) {
    try {
      conn.execute(D::rollback_sql);
    } catch (...) {
    }
    throw;
  }
  conn.execute(D::commit_sql);
  schema_snapshot::objects_type objects;
  for (auto& r : result) {
    if (r.size() < 2 || !r[0]) continue;
    objects.emplace(std::move(*r[0]), r[1] ? std::move(*r[1]) : std::string());
  }
  return schema_snapshot(std::move(objects));
}

}  // namespace strata
