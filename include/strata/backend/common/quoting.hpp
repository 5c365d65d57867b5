#pragma once
// Standard SQL quoting, as PostgreSQL and SQLite both read it: an identifier in double quotes, a
// string literal in single quotes, each quote inside doubled. For the names and the printed
// script strata writes (runs send values as parameters).

#include <string>
#include <string_view>

namespace strata::backend {

inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace strata::backend
