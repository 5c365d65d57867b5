#pragma once
// What every folder format shares: its row (how a folder lays out its files, how `new` numbers and
// writes one, the tool's own history table), the files it reads and the migrations it makes of
// them, and the few questions a format asks the database's language. Each format is one header
// beside this one; dsl/formats.hpp lists them.

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../source.hpp"

namespace strata {

enum class folder_layout : unsigned char {
  sections,   // one file per revision, its up and down under markers (strata, goose, dbmate)
  pairs,      // VERSION_NAME.up.sql and VERSION_NAME.down.sql (golang-migrate, sqlx)
  versioned,  // V<version>__<name>.sql, its undo U<version>__<name>.sql (Flyway)
};

struct folder_format {
  std::string_view name;
  folder_layout layout;
  std::string_view up_marker, down_marker;  // a new file's sections (layout sections)
  std::size_t first_version_width;          // a new folder's first version: 1, zero-padded to this width (unless timestamps)
  bool timestamps;                          // a new folder's versions are UTC timestamps
  bool dotted;                              // versions are dotted (1.2.3): `new` takes the next major one
  bool names_parents;                       // a file names its description and parents (strata's own)
  std::string_view history_table;           // the tool's own history table (`baseline --from`), or empty
  std::string_view no_transaction_words;    // how a file says it runs outside a transaction, for messages
  std::string_view irreversible_words;      // what makes a file's revision irreversible, for messages
};

// One file of the folder, as read from disk (without a byte order mark).
struct folder_file {
  std::string name;  // the file's name in the folder
  std::string text;
};

// One migration a format made of one file or two.
struct folder_migration {
  std::string file;        // the .sql (the up file for pairs)
  std::string down_file;   // golang-migrate's .down.sql, Flyway's undo file
  std::string version;     // digits (Flyway: digits and dots)
  std::string id;          // the revision id
  std::string up, down;    // SQL
  std::size_t up_line = 1, down_line = 1;  // where each body starts in its file
  bool has_down = false;
  bool transactional = true;
  // golang-migrate and Flyway decide by the statements: a file holding one the database refuses
  // in a transaction block runs outside one (golang-migrate sends a file as one query, Flyway's
  // parser detects them).
  bool transaction_by_content = false;
  bool explicit_parents = false;
  bool after_deploy = false;  // `-- strata:after-deploy` (README "Rolling deploys")
  std::vector<std::string> parents;
  std::string description;
};

// What a format asks the database's language (a dialect's language gives it: folder_language_of).
struct folder_language {
  bool (*refused_in_transaction)(std::string_view body);
  bool (*opens_transaction)(std::string_view statement);   // BEGIN; and its spellings
  bool (*closes_transaction)(std::string_view statement);  // COMMIT; and its spellings
  std::string_view transaction_wrapper;                     // how a file's own wrapper reads, for messages
};

template <class Language>
constexpr folder_language folder_language_of() noexcept {
  return {[](std::string_view body) { return Language::refused_in_transaction(body); },
          [](std::string_view statement) { return Language::opens_transaction(statement); },
          [](std::string_view statement) { return Language::closes_transaction(statement); },
          Language::transaction_wrapper};
}

struct folder_problem {
  std::string file;  // empty: the folder
  std::size_t line = 1;
  std::string message;
};

// A folder being read: the migrations made so far and every problem found (all reported at once).
struct folder_reading {
  folder_language language;
  std::vector<folder_migration> migrations{};
  std::vector<folder_problem> problems{};
  std::vector<std::string> notes{};  // what the reading decided without the folder saying it (a guess)
  // the folder's other files by name (Flyway's <script>.sql.conf)
  const std::vector<folder_file>* side_files = nullptr;

  void fail(std::string file, std::string message, std::size_t line = 1) {
    problems.push_back({std::move(file), line, std::move(message)});
  }
  const folder_file* side_file(std::string_view name) const {
    if (side_files)
      for (const folder_file& f : *side_files)
        if (f.name == name) return &f;
    return nullptr;
  }
};

namespace formats {

inline std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

inline std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// The words of a `--` comment line ("-- +goose Up" -> "+goose Up"), or nullopt for another line.
inline std::optional<std::string> comment_words(std::string_view line) {
  const std::string t = trim(line);
  if (t.rfind("--", 0) != 0) return std::nullopt;
  return trim(std::string_view(t).substr(2));
}

// The lines of a text, each with its line break.
inline std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    if (nl == std::string_view::npos) {
      out.emplace_back(text.substr(at));
      break;
    }
    out.emplace_back(text.substr(at, nl - at + 1));
    at = nl + 1;
  }
  return out;
}

// Whether a `--` comment line of the text starts with `prefix` (lowercase).
inline bool has_marker(std::string_view text, std::string_view prefix) {
  for (const auto& l : lines_of(text))
    if (auto w = comment_words(l); w && lower(*w).rfind(prefix, 0) == 0) return true;
  return false;
}

// "add_orders" -> "add orders": a file name's words as the description.
inline std::string words_of(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == '_') c = ' ';
  return trim(out);
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

inline bool ends_with(std::string_view s, std::string_view tail) noexcept {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// <digits>_<name>.sql: the version and the name (empty when the file is not named so).
struct versioned_name {
  std::string version, name;
  explicit operator bool() const noexcept { return !version.empty(); }
};
inline versioned_name version_underscore_name(std::string_view file, std::string_view suffix = ".sql") {
  if (!ends_with(file, suffix)) return {};
  std::size_t n = 0;
  while (n < file.size() && is_digit(file[n])) ++n;
  if (n == 0 || n >= file.size() || file[n] != '_' || file.size() <= n + 1 + suffix.size()) return {};
  return {std::string(file.substr(0, n)), std::string(file.substr(n + 1, file.size() - suffix.size() - n - 1))};
}

// The annotation that makes a file's migration `after_deploy`: its first line, in every format.
inline constexpr std::string_view after_deploy_annotation = "strata:after-deploy";
inline bool first_line_is_after_deploy(std::string_view text) {
  const auto words = comment_words(text.substr(0, text.find('\n')));
  return words && lower(*words) == after_deploy_annotation;
}

inline std::size_t line_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

}  // namespace formats

}  // namespace strata
