#pragma once
// golang-migrate: <version>_<name>.up.sql and .down.sql, each sent as one query with no
// transaction of its own. So a file holding a statement the database refuses in a transaction runs
// outside one (decided by the language's own classification), and a file that wraps itself in
// BEGIN; ... COMMIT; has the two lines made comments (line numbers kept) and runs as one
// transactional revision. Its history table is schema_migrations.

#include <string>
#include <vector>

#include "pairs.hpp"

namespace strata::formats {

struct golang_migrate_format {
  static constexpr folder_format row{"golang-migrate", folder_layout::pairs, "", "", 6, false, false, false, "schema_migrations",
                                     "the file without its transaction wrapper", "no .down.sql file"};
  static constexpr int detection = 0;  // by its file names
  static bool claims(const folder_file& f) { return !pair_name_of(f.name).half.empty(); }
  static void read(const std::vector<folder_file>& files, folder_reading& reading) {
    read_pairs<golang_migrate_format>(files, reading);
  }

  static bool prepare(std::string& text, folder_migration& f, folder_reading& reading) {
    if (unwrap_transaction(text, reading.language)) return true;
    if (reading.language.refused_in_transaction(text)) f.transaction_by_content = true;
    return false;
  }

  // BEGIN; as the first line of code and COMMIT; as the last become comments; whether they were.
  static bool unwrap_transaction(std::string& text, const folder_language& language) {
    auto is_code = [](const std::string& line) {
      const std::string t = trim(line);
      return !t.empty() && t.rfind("--", 0) != 0;
    };
    std::vector<std::string> lines = lines_of(text);
    std::size_t first = lines.size(), last = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (is_code(lines[i])) {
        if (first == lines.size()) first = i;
        last = i;
      }
    if (first == lines.size() || first == last) return false;
    if (!language.opens_transaction(lines[first]) || !language.closes_transaction(lines[last])) return false;
    lines[first] = "-- " + lines[first];
    lines[last] = "-- " + lines[last];
    text.clear();
    for (const auto& l : lines) text += l;
    return true;
  }
};

}  // namespace strata::formats
