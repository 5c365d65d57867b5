#pragma once
// The layout of golang-migrate and sqlx: <version>_<name>.up.sql and <version>_<name>.down.sql
// (sqlx also writes a lone <version>_<name>.sql), a first line `-- no-transaction` (sqlx; strata
// reads it in both) for a revision that runs outside a transaction.

#include <map>
#include <string>
#include <vector>

#include "format.hpp"

namespace strata::formats {

// <version>_<name>[.up|.down].sql: the version, the name and which half (empty: a lone file).
struct pair_name {
  versioned_name named;
  std::string half;  // "up", "down" or empty
};
inline pair_name pair_name_of(std::string_view file) {
  for (std::string_view half : {"up", "down"})
    if (versioned_name n = version_underscore_name(file, "." + std::string(half) + ".sql")) return {n, std::string(half)};
  return {version_underscore_name(file), {}};
}

// sqlx's own `-- no-transaction` first line (not strata's `-- strata:no-transaction`): evidence
// that a folder of pairs is sqlx's.
inline bool first_line_is_sqlx_no_transaction(std::string_view text) {
  const auto w = comment_words(text.substr(0, text.find('\n')));
  return w && lower(*w) == "no-transaction";
}
inline bool first_line_says_no_transaction(std::string_view text) {
  const auto w = comment_words(text.substr(0, text.find('\n')));
  return w && (lower(*w) == "no-transaction" || lower(*w) == "strata:no-transaction");
}

// Format::prepare(text, migration, reading): called on each file that does not say no-transaction;
// returns whether the file wrapped itself in a transaction of its own (golang-migrate).
template <class Format>
void read_pairs(const std::vector<folder_file>& files, folder_reading& reading) {
  std::map<std::string, folder_migration> by_stem;
  std::map<std::string, std::string> wrapped_file;  // stem -> a file of its wrapped in a transaction of its own
  for (const folder_file& file : files) {
    const pair_name p = pair_name_of(file.name);
    if (!p.named) {
      reading.fail(file.name, "not a migration file name: expected <version>_<name>.up.sql, .down.sql or .sql");
      continue;
    }
    const std::string stem = p.named.version + "_" + p.named.name;
    folder_migration& f = by_stem[stem];
    f.version = p.named.version;
    f.id = stem;
    f.description = words_of(p.named.name);
    std::string text = file.text;
    const bool no_transaction = first_line_says_no_transaction(text);
    if (!no_transaction && Format::prepare(text, f, reading)) wrapped_file.emplace(stem, file.name);
    if (p.half == "down") {
      f.down_file = file.name;
      f.down = std::move(text);
      f.has_down = true;
    } else {
      if (!f.file.empty()) reading.fail(file.name, "two up files for " + stem + ": " + f.file + " and " + file.name);
      f.file = file.name;
      f.up = std::move(text);
    }
    if (no_transaction) f.transactional = false;
  }
  for (auto& [stem, f] : by_stem) {
    if (f.file.empty()) {
      reading.fail(f.down_file, "a down file without its up file (" + stem + ".up.sql)");
      continue;
    }
    // A wrapper asks for one transaction: the revision runs in one (up and down alike), and a
    // statement refused there is named by the compiler rather than run without the wrapper.
    if (const auto w = wrapped_file.find(stem); w != wrapped_file.end()) {
      f.transaction_by_content = false;
      if (!f.transactional)
        reading.fail(w->second, "wrapped in " + std::string(reading.language.transaction_wrapper) + ", while " + (w->second == f.file ? f.down_file : f.file) +
                                    " says no-transaction: strata runs a revision's up and down the same way");
    }
    reading.migrations.push_back(std::move(f));
  }
}

}  // namespace strata::formats
