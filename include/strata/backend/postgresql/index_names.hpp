#pragma once
// Which index a CREATE INDEX statement builds, read at run time: after an interrupted concurrent
// build strata drops the INVALID index it left, and `status` names only strata's own.

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace strata::postgresql {

struct created_index {
  std::string name;   // as PostgreSQL stores it (unquoted, case-folded)
  std::string table;  // as written, for to_regclass
};

// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON [ONLY] table ...; nullopt for any
// other statement, and for an index without a name.
inline std::optional<created_index> index_created_by(std::string_view s) {
  std::size_t i = 0;
  auto skip_blank = [&] {
    for (;;) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f')) ++i;
      if (s.substr(i, 2) == "--") {  // to the line break, \n or a lone \r
        while (i < s.size() && s[i] != '\n' && s[i] != '\r') ++i;
      } else if (s.substr(i, 2) == "/*") {
        std::size_t depth = 0;
        while (i < s.size()) {
          if (s.substr(i, 2) == "/*") ++depth, i += 2;
          else if (s.substr(i, 2) == "*/") { i += 2; if (--depth == 0) break; }
          else ++i;
        }
      } else {
        return;
      }
    }
  };
  // One identifier: its stored form, and its text as written.
  auto identifier = [&](std::string& stored) -> std::string_view {
    skip_blank();
    const std::size_t begin = i;
    stored.clear();
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size(); ++i) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') { stored += '"'; ++i; continue; }
          ++i;
          break;
        }
        stored += s[i];
      }
    } else {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '$' ||
                              static_cast<unsigned char>(s[i]) >= 0x80)) {
        stored += static_cast<char>(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        ++i;
      }
    }
    return s.substr(begin, i - begin);
  };
  std::string word;
  auto next_is = [&](std::string_view keyword) {
    const std::size_t save = i;
    const std::string_view written = identifier(word);
    if (!written.empty() && written[0] != '"' && word == keyword) return true;
    i = save;
    return false;
  };
  if (!next_is("create")) return std::nullopt;
  next_is("unique");
  if (!next_is("index")) return std::nullopt;
  next_is("concurrently");
  if (next_is("if") && !(next_is("not") && next_is("exists"))) return std::nullopt;
  created_index out;
  const std::size_t before_name = i;
  const std::string_view name = identifier(out.name);
  if (name.empty() || (name[0] != '"' && out.name == "on")) {
    i = before_name;
    return std::nullopt;  // unnamed: PostgreSQL picks the name
  }
  if (!next_is("on")) return std::nullopt;
  next_is("only");
  skip_blank();
  const std::size_t table_begin = i;
  std::string part;
  for (;;) {
    if (identifier(part).empty()) break;
    if (i < s.size() && s[i] == '.') { ++i; continue; }
    break;
  }
  out.table = std::string(s.substr(table_begin, i - table_begin));
  if (out.table.empty()) return std::nullopt;
  return out;
}

}  // namespace strata::postgresql
