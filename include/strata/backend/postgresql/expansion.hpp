#pragma once
// Whether a change of one object of the schema snapshot (schema_catalog.hpp) keeps the release
// still running working: the changes a `before_deploy` migration may make besides adding objects
// (README "Rolling deploys", "What only expands"). Everything else that changes or goes is not.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::postgresql {

namespace detail {

// A column's definition in its parts: type, collation, not null, default, generated or identity.
struct column_definition {
  std::string type, collate, generated;
  bool not_null = false, has_default = false;
};

inline column_definition read_column(std::string_view d) {
  column_definition c;
  // the type runs up to the first clause the snapshot writes after it
  std::size_t end = d.size();
  for (std::string_view clause : {" collate ", " not null", " default ", " generated "}) {
    const std::size_t at = d.find(clause);
    if (at != std::string_view::npos && at < end) end = at;
  }
  c.type = std::string(d.substr(0, end));
  std::string_view rest = d.substr(end);
  if (const std::size_t at = rest.find(" collate "); at != std::string_view::npos)
    c.collate = std::string(rest.substr(at, rest.find(' ', at + 9) - at));
  c.not_null = rest.find(" not null") != std::string_view::npos;
  c.has_default = rest.find(" default ") != std::string_view::npos;
  if (const std::size_t at = rest.find(" generated "); at != std::string_view::npos) c.generated = std::string(rest.substr(at));
  return c;
}

// "character varying(20)" -> 20; -1 without a length.
inline long long type_modifier(std::string_view type, std::string_view name) {
  if (type.substr(0, name.size()) != name) return -2;
  if (type.size() == name.size()) return -1;
  if (type[name.size()] != '(') return -2;
  long long n = 0;
  std::size_t i = name.size() + 1;
  for (; i < type.size() && type[i] >= '0' && type[i] <= '9'; ++i) n = n * 10 + (type[i] - '0');
  return n;
}

// The widenings that keep a table's file (as the lint's changing-column-type lets through).
inline bool type_only_widens(std::string_view before, std::string_view after) {
  if (before == after) return true;
  const long long b = type_modifier(before, "character varying");
  if (b >= -1) {
    const long long a = type_modifier(after, "character varying");
    return after == "text" || a == -1 || (b >= 0 && a >= b);
  }
  if (before.substr(0, 8) == "numeric(" && (after == "numeric" || after.substr(0, 8) == "numeric(")) {
    if (after == "numeric") return true;
    const std::size_t bc = before.find(','), ac = after.find(',');
    if (bc == std::string_view::npos || ac == std::string_view::npos) return false;
    return before.substr(bc) == after.substr(ac) && type_modifier(before.substr(0, bc), "numeric") <=
                                                        type_modifier(after.substr(0, ac), "numeric");
  }
  return false;
}

// enum ('a', 'b'): the labels, in order.
inline std::vector<std::string> enum_labels(std::string_view d) {
  std::vector<std::string> out;
  for (std::size_t i = d.find('\''); i != std::string_view::npos && i < d.size(); i = d.find('\'', i)) {
    std::string label;
    for (++i; i < d.size(); ++i) {
      if (d[i] == '\'' && i + 1 < d.size() && d[i + 1] == '\'') {
        label += '\'';
        ++i;
      } else if (d[i] == '\'') {
        ++i;
        break;
      } else {
        label += d[i];
      }
    }
    out.push_back(label);
  }
  return out;
}

}  // namespace detail

inline bool change_keeps_running_release(std::string_view object, std::string_view before, std::string_view after) {
  auto kind_is = [&](std::string_view k) { return object.substr(0, k.size()) == k; };
  if (kind_is("comment on ")) return true;
  // Replaced under the same name and signature: PostgreSQL keeps a view's columns and a
  // function's result type through CREATE OR REPLACE.
  for (std::string_view k : {"view ", "function ", "procedure ", "trigger "})
    if (kind_is(k)) return true;
  if (kind_is("column ")) {
    const detail::column_definition b = detail::read_column(before), a = detail::read_column(after);
    return detail::type_only_widens(b.type, a.type) && b.collate == a.collate && b.generated == a.generated &&
           (b.not_null || !a.not_null) && (!b.has_default || a.has_default);
  }
  if (kind_is("constraint ")) {  // validated: NOT VALID dropped
    constexpr std::string_view not_valid = " NOT VALID";
    return before.size() == after.size() + not_valid.size() && before.substr(after.size()) == not_valid &&
           before.substr(0, after.size()) == after;
  }
  if (kind_is("type ") && before.substr(0, 5) == "enum " && after.substr(0, 5) == "enum ") {  // values added
    const auto b = detail::enum_labels(before), a = detail::enum_labels(after);
    std::size_t j = 0;
    for (std::size_t i = 0; i < a.size() && j < b.size(); ++i) j += a[i] == b[j];
    return j == b.size();
  }
  return false;
}

}  // namespace strata::postgresql
