// strata's migration generator, built and run by strata_add_migrations (cmake/StrataMigrations.cmake):
//   generate_migrations NAME DIRECTORY FORMAT OUTPUT
// reads the folder's .sql files (and C++ migration headers, *.hpp), and writes OUTPUT, a header
// that declares one migration type per file, its SQL as C++ literals (so every compile-time check
// applies), and `using NAME = strata::registry<...>`. FORMAT: auto, strata, golang-migrate, sqlx,
// goose, dbmate or flyway. A problem in the folder becomes an #error in OUTPUT, placed at the
// file (#line), so the build fails naming it. C++20; it shares strata's own rules (revision ids,
// version order, the statements PostgreSQL refuses in a transaction) from its headers, which need
// no library.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <strata/backend/postgresql/statements.hpp>
#include <strata/dsl/formats.hpp>
#include <strata/dsl/migration.hpp>
#include <strata/dsl/source.hpp>

namespace fs = std::filesystem;

namespace {

struct problem {
  fs::path file;  // empty: the folder
  std::size_t line = 1;
  std::string message;
};

struct migration_file {
  fs::path path;          // the .sql (the up file for pairs) or .hpp
  fs::path down_path;     // golang-migrate's .down.sql, Flyway's undo file
  std::string version;    // digits (Flyway: digits and dots)
  std::string id;         // the revision id
  std::string up, down;   // SQL
  std::size_t up_line = 1, down_line = 1;  // where each body starts in its file
  bool has_down = false;
  bool transactional = true;
  // golang-migrate and Flyway decide by the statements: a file holding one that PostgreSQL refuses
  // in a transaction block runs outside one (golang-migrate sends a file as one query, Flyway's
  // parser detects them); the compiler decides, from the same classification the checks use.
  bool transaction_by_content = false;
  bool explicit_parents = false;
  std::vector<std::string> parents;
  std::string description;
  std::string cpp_type;   // for a C++ header: the migration type's name
  std::string type;       // for a .sql file: the generated type's name, file_<file name>
};

// A file's bytes, without the byte order mark editors on Windows write first (Flyway drops it too;
// sent to PostgreSQL it is a syntax error, and it would hide a first-line annotation).
std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The words of a `--` comment line ("-- +goose Up" -> "+goose up"), or nullopt for another line.
std::optional<std::string> comment_words(const std::string& line) {
  const std::string t = trim(line);
  if (t.rfind("--", 0) != 0) return std::nullopt;
  return trim(t.substr(2));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto nl = text.find('\n', at);
    if (nl == std::string::npos) {
      if (at < text.size()) out.push_back(text.substr(at));
      break;
    }
    out.push_back(text.substr(at, nl - at + 1));  // keeps its line break
    at = nl + 1;
  }
  return out;
}

// A version compares as a number (strata::detail::compare_versions: leading zeros do not count,
// Flyway's dotted parts one by one).
bool version_less(const std::string& a, const std::string& b) { return strata::detail::compare_versions(a, b) < 0; }
bool version_equal(const std::string& a, const std::string& b) { return !version_less(a, b) && !version_less(b, a); }
// Keys ordered as versions compare: 1, 1.0 and 01 are one key.
template <class T>
using by_version = std::map<std::string, T, bool (*)(const std::string&, const std::string&)>;

std::string words_of(std::string name) {
  for (char& c : name)
    if (c == '_') c = ' ';
  return trim(name);
}

// Whether a body holds a statement PostgreSQL refuses in a transaction block: the registry's own
// classification, so the header says `transactional = false` and the compiler reads it.
bool needs_no_transaction(const std::string& text) { return strata::postgresql::refused_in_transaction(text); }

// golang-migrate runs no transaction of its own, so its files often wrap themselves in BEGIN; ...
// COMMIT;. strata runs a transactional revision in its own transaction: both lines become
// comments (the line numbers stay). Returns whether the file was wrapped.
bool unwrap_transaction(std::string& text) {
  auto is_code = [](const std::string& line) {
    const std::string t = trim(line);
    return !t.empty() && t.rfind("--", 0) != 0;
  };
  auto statement_of = [](const std::string& line) {
    std::string out;  // lowercase, one blank between words, none before the ';'
    for (char c : lower(trim(line))) {
      if (c == '\t') c = ' ';
      if (c == ';' && !out.empty() && out.back() == ' ') out.pop_back();
      if (!(c == ' ' && (out.empty() || out.back() == ' '))) out += c;
    }
    return out;
  };
  std::vector<std::string> lines = lines_of(text);
  std::size_t first = lines.size(), last = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (is_code(lines[i])) {
      if (first == lines.size()) first = i;
      last = i;
    }
  if (first == lines.size() || first == last) return false;
  const std::string opening = statement_of(lines[first]), closing = statement_of(lines[last]);
  if (!(opening == "begin;" || opening == "begin transaction;" || opening == "begin work;" ||
        opening == "start transaction;"))
    return false;
  if (!(closing == "commit;" || closing == "commit transaction;" || closing == "commit work;" || closing == "end;" ||
        closing == "end transaction;"))
    return false;
  lines[first] = "-- " + lines[first];
  lines[last] = "-- " + lines[last];
  text.clear();
  for (const auto& l : lines) text += l;
  return true;
}

class generator {
 public:
  generator(std::string name, fs::path dir, std::string format, fs::path output)
      : name_(std::move(name)), dir_(std::move(dir)), format_(std::move(format)), output_(std::move(output)) {}

  std::string run() {
    std::vector<fs::path> sql, hpp;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      if (!e.is_regular_file()) continue;
      const std::string n = e.path().filename().string();
      if (n.size() > 4 && n.compare(n.size() - 4, 4, ".sql") == 0) sql.push_back(e.path());
      else if (n.size() > 4 && n.compare(n.size() - 4, 4, ".hpp") == 0) hpp.push_back(e.path());
      else if (n.size() > 3 && n.compare(n.size() - 3, 3, ".go") == 0 && std::isdigit(static_cast<unsigned char>(n[0])))
        fail(e.path(), "a Go migration (goose): strata runs no Go code; write it as a C++ migration header "
                       "(<version>_<name>.hpp, one strata::migration type with a code body)");
    }
    if (ec) fail({}, "cannot read the folder " + dir_.string() + ": " + ec.message());
    std::sort(sql.begin(), sql.end());
    std::sort(hpp.begin(), hpp.end());
    if (problems_.empty() && format_ == "auto") format_ = detect(sql);
    if (problems_.empty()) {
      const strata::folder_format* format = strata::folder_format_named(format_);
      if (!format) fail({}, "unknown FORMAT '" + format_ + "' (auto, " + strata::folder_format_names() + ")");
      else if (format->layout == strata::folder_layout::pairs) read_pairs(sql);
      else if (format->layout == strata::folder_layout::sections) read_sections(sql, format_);
      else read_flyway(sql);
    }
    for (const auto& p : hpp) read_header(p);
    order_and_link();
    check_ids();
    name_types();
    return emit();
  }

 private:
  // A file's text, read once (format detection and parsing both need it).
  const std::string& text_of(const fs::path& p) {
    auto found = texts_.find(p);
    if (found == texts_.end()) found = texts_.emplace(p, read_file(p)).first;
    return found->second;
  }

  void fail(fs::path file, std::string message, std::size_t line = 1) {
    problems_.push_back({std::move(file), line, std::move(message)});
  }

  static bool has_marker(const std::string& text, const std::string& prefix) {
    for (const auto& l : lines_of(text))
      if (auto w = comment_words(l); w && lower(*w).rfind(prefix, 0) == 0) return true;
    return false;
  }

  std::string detect(const std::vector<fs::path>& files) {
    std::map<std::string, fs::path> seen;  // format -> an example file
    for (const auto& p : files) {
      const std::string n = p.filename().string();
      std::string f;
      static const std::regex flyway(R"([VUR][0-9._]*__.*\.sql)"), pair(R"([0-9]+_.*\.(up|down)\.sql)");
      if (std::regex_match(n, flyway) || is_flyway_callback(n)) f = "flyway";
      else if (std::regex_match(n, pair)) f = "golang-migrate";
      else {
        const std::string& text = text_of(p);
        if (has_marker(text, "strata:up")) f = "strata";
        else if (has_marker(text, "+goose up")) f = "goose";
        else if (has_marker(text, "migrate:up")) f = "dbmate";
        else f = "sqlx";
      }
      seen.emplace(f, p);
    }
    // sqlx writes both pairs and single files: one family with golang-migrate's pairs
    if (seen.size() == 2 && seen.count("sqlx") && seen.count("golang-migrate")) return "sqlx";
    if (seen.size() > 1) {
      std::string list;
      for (const auto& [f, p] : seen) list += (list.empty() ? "" : ", ") + p.filename().string() + " (" + f + ")";
      fail({}, "the folder mixes formats: " + list + "; one format per folder, or FORMAT to choose");
      return "strata";
    }
    return seen.empty() ? "strata" : seen.begin()->first;
  }

  // golang-migrate and sqlx: <version>_<name>.up.sql + .down.sql, or sqlx's <version>_<name>.sql.
  void read_pairs(const std::vector<fs::path>& files) {
    std::map<std::string, migration_file> by_stem;
    std::map<std::string, fs::path> wrapped_file;  // stem -> a file of its wrapped in BEGIN; ... COMMIT;
    const std::regex pattern(R"(([0-9]+)_(.+?)(\.(up|down))?\.sql)");
    for (const auto& p : files) {
      std::smatch m;
      const std::string n = p.filename().string();
      if (!std::regex_match(n, m, pattern)) {
        fail(p, "not a migration file name: expected <version>_<name>.up.sql, .down.sql or .sql");
        continue;
      }
      const std::string stem = m[1].str() + "_" + m[2].str();
      auto& f = by_stem[stem];
      f.version = m[1];
      f.id = stem;
      f.description = words_of(m[2]);
      std::string text = read_file(p);
      bool no_transaction = false;
      if (auto w = comment_words(text.substr(0, text.find('\n')));
          w && (lower(*w) == "no-transaction" || lower(*w) == "strata:no-transaction"))
        no_transaction = true;
      if (format_ == "golang-migrate" && !no_transaction) {
        if (unwrap_transaction(text)) wrapped_file.emplace(stem, p);
        else if (needs_no_transaction(text)) f.transaction_by_content = true;
      }
      if (m[4] == "down") {
        f.down_path = p;
        f.down = std::move(text);
        f.has_down = true;
        if (no_transaction) f.transactional = false;
      } else {
        if (!f.path.empty()) fail(p, "two up files for " + stem + ": " + f.path.filename().string() + " and " + n);
        f.path = p;
        f.up = std::move(text);
        if (no_transaction) f.transactional = false;
      }
    }
    for (auto& [stem, f] : by_stem) {
      if (f.path.empty()) {
        fail(f.down_path, "a down file without its up file (" + stem + ".up.sql)");
        continue;
      }
      // A wrapper asks for one transaction: the revision runs in one (up and down alike), and a
      // statement refused there is named by the compiler rather than run without the wrapper.
      if (const auto w = wrapped_file.find(stem); w != wrapped_file.end()) {
        f.transaction_by_content = false;
        if (!f.transactional)
          fail(w->second, "wrapped in BEGIN; ... COMMIT;, while " +
                              (w->second == f.path ? f.down_path : f.path).filename().string() +
                              " says no-transaction: strata runs a revision's up and down the same way");
      }
      files_.push_back(std::move(f));
    }
  }

  // One file with sections: goose (-- +goose Up/Down, NO TRANSACTION), dbmate (-- migrate:up
  // transaction:false, -- migrate:down), strata (-- strata:up, -- strata:down; before them
  // strata:parents, strata:description, strata:no-transaction, strata:irreversible).
  void read_sections(const std::vector<fs::path>& files, const std::string& tool) {
    const std::regex pattern(R"(([0-9]+)_(.+)\.sql)");
    for (const auto& p : files) {
      std::smatch m;
      const std::string n = p.filename().string();
      if (!std::regex_match(n, m, pattern)) {
        fail(p, "not a migration file name: expected <version>_<name>.sql");
        continue;
      }
      migration_file f;
      f.path = p;
      f.version = m[1];
      f.id = m[1].str() + "_" + m[2].str();
      f.description = words_of(m[2]);
      enum { before, up, down } section = before;
      bool irreversible = false, seen_up = false;
      std::optional<bool> down_transactional;
      std::size_t number = 0;
      for (const auto& line : lines_of(text_of(p))) {
        ++number;
        const auto w = comment_words(line);
        const std::string words = w ? lower(*w) : std::string();
        bool marker = false;
        if (tool == "goose" && words.rfind("+goose", 0) == 0) {
          marker = true;
          const std::string what = trim(words.substr(6));
          if (what == "up") section = up, seen_up = true, f.up_line = number + 1;
          else if (what == "down") section = down, f.has_down = true, f.down_line = number + 1;
          else if (what == "no transaction") f.transactional = false;
          else if (what == "statementbegin" || what == "statementend") marker = false;  // kept: a comment
          else fail(p, "goose annotation '" + trim(w->substr(6)) + "' is not supported", number);
        } else if (tool == "dbmate" && (words.rfind("migrate:up", 0) == 0 || words.rfind("migrate:down", 0) == 0)) {
          marker = true;
          const bool is_up = words.rfind("migrate:up", 0) == 0;
          std::istringstream options(words.substr(is_up ? 10 : 12));
          bool transactional = true;
          for (std::string option; options >> option;) {
            if (option == "transaction:false") transactional = false;
            else if (option != "transaction:true") fail(p, "dbmate option '" + option + "' is not supported", number);
          }
          if (is_up) section = up, seen_up = true, f.up_line = number + 1, f.transactional = transactional;
          else section = down, f.has_down = true, f.down_line = number + 1, down_transactional = transactional;
        } else if (tool == "strata" && words.rfind("strata:", 0) == 0 && words.rfind("strata:allow", 0) != 0) {
          marker = true;
          const std::string rest = trim(w->substr(7));
          const std::string key = lower(rest.substr(0, rest.find(' ')));
          const std::string value = rest.find(' ') == std::string::npos ? std::string() : trim(rest.substr(rest.find(' ')));
          if (key == "up") section = up, seen_up = true, f.up_line = number + 1;
          else if (key == "down") section = down, f.has_down = true, f.down_line = number + 1;
          else if (section != before) fail(p, "strata:" + key + " belongs before strata:up", number);
          else if (key == "parents") {
            f.explicit_parents = true;
            std::istringstream ids(value);
            for (std::string id; ids >> id;) f.parents.push_back(id);
          } else if (key == "description") f.description = value;
          else if (key == "no-transaction") f.transactional = false;
          else if (key == "irreversible") irreversible = true;
          else fail(p, "unknown annotation 'strata:" + key +
                           "' (up, down, parents, description, no-transaction, irreversible, allow)", number);
        }
        if (marker) continue;
        if (section == up) f.up += line;
        else if (section == down) f.down += line;
      }
      if (!seen_up) {
        fail(p, tool == "goose" ? "no '-- +goose Up' annotation" : tool == "dbmate" ? "no '-- migrate:up' annotation"
                                                                                  : "no '-- strata:up' annotation");
        continue;
      }
      if (down_transactional && *down_transactional != f.transactional)
        fail(p, "transaction:false on only one of migrate:up and migrate:down: strata runs a revision's up and down the same way");
      if (irreversible && f.has_down && !trim(f.down).empty())
        fail(p, "strata:irreversible with a strata:down section");
      if (irreversible) f.has_down = false;
      files_.push_back(std::move(f));
    }
  }

  // beforeMigrate.sql, afterEachMigrate__note.sql, ...: SQL Flyway runs around its commands.
  static bool is_flyway_callback(const std::string& file_name) {
    static const std::regex callback(R"(((before|after)[A-Z][A-Za-z]*|createSchema)(__.*)?\.sql)");
    return std::regex_match(file_name, callback);
  }

  // Flyway replaces ${name} (and ${flyway:defaultSchema}, ...) before it runs a file, and fails on
  // one it has no value for; strata substitutes nothing, so the text would reach PostgreSQL as is.
  void refuse_placeholders(const fs::path& p, const std::string& text) {
    // as Flyway finds them: ${, a name, } on the same line
    for (auto at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
      const auto end = text.find_first_of("}\n", at + 2);
      if (end == std::string::npos || text[end] != '}' || end == at + 2) continue;
      fail(p, "Flyway placeholder " + text.substr(at, end - at + 1) + ": strata substitutes no placeholders; write the value itself",
           static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1);
      return;
    }
  }

  // A Flyway script's <file>.conf: executeInTransaction, placeholderReplacement.
  struct flyway_settings {
    std::optional<bool> in_transaction;
    bool placeholders = true;
  };
  flyway_settings read_flyway_conf(const fs::path& script) {
    flyway_settings settings;
    const fs::path conf = fs::path(script.string() + ".conf");
    if (!fs::exists(conf)) return settings;
    std::size_t number = 0;
    for (const auto& line : lines_of(read_file(conf))) {
      ++number;
      const std::string l = lower(trim(line));
      if (l == "executeintransaction=false") settings.in_transaction = false;
      else if (l == "executeintransaction=true") settings.in_transaction = true;
      else if (l == "placeholderreplacement=false") settings.placeholders = false;
      else if (l == "placeholderreplacement=true") settings.placeholders = true;
      else if (!l.empty() && l[0] != '#')
        fail(conf, "Flyway script setting '" + trim(line) + "' is not supported", number);
    }
    return settings;
  }

  // Flyway: V<version>__<description>.sql, undo U<version>__<description>.sql; a <file>.conf with
  // executeInTransaction; callbacks and repeatable migrations refused.
  void read_flyway(const std::vector<fs::path>& files) {
    const std::regex pattern(R"(([VUR])([0-9._]*)__(.+)\.sql)");
    by_version<fs::path> undo(version_less);
    std::set<fs::path> decided;  // scripts whose .conf says executeInTransaction
    for (const auto& p : files) {
      std::smatch m;
      const std::string n = p.filename().string();
      if (is_flyway_callback(n)) {
        fail(p, "a Flyway callback (" + n.substr(0, n.find_first_of("_.")) +
                    "): strata runs no callbacks; make it a versioned migration (V<version>__...), or run it from "
                    "the service");
        continue;
      }
      if (!std::regex_match(n, m, pattern) || (m[1] != "R" && m[2].length() == 0)) {
        fail(p, "not a Flyway migration file name: expected V<version>__<description>.sql or U<version>__<description>.sql");
        continue;
      }
      if (m[1] == "R") {
        fail(p, "Flyway's repeatable migrations (R__) re-run whenever they change; strata applies each revision once: "
                "make it a versioned migration (V<version>__...) that replaces the object");
        continue;
      }
      if (m[1] == "U") {
        const auto [at, added] = undo.emplace(m[2], p);
        if (!added) fail(p, "two undo migrations have version " + m[2].str() + ": " + at->second.filename().string() + " and " + n);
        continue;
      }
      migration_file f;
      f.path = p;
      f.version = m[2];
      f.id = "V" + m[2].str() + "__" + m[3].str();
      f.description = words_of(m[3]);
      f.up = read_file(p);
      const flyway_settings settings = read_flyway_conf(p);
      if (settings.placeholders) refuse_placeholders(p, f.up);
      f.transactional = settings.in_transaction.value_or(true);
      f.transaction_by_content = !settings.in_transaction && needs_no_transaction(f.up);
      if (settings.in_transaction) decided.insert(p);
      files_.push_back(std::move(f));
    }
    // versions equal as Flyway compares them (1.0 is 1) find each other
    by_version<migration_file*> versioned(version_less);
    for (auto& f : files_) versioned.emplace(f.version, &f);
    for (const auto& [version, p] : undo) {
      const auto at = versioned.find(version);
      if (at == versioned.end()) {
        fail(p, "an undo migration without its versioned migration V" + version + "__...");
        continue;
      }
      migration_file* const found = at->second;
      found->down_path = p;
      found->down = read_file(p);
      const flyway_settings settings = read_flyway_conf(p);
      if (settings.placeholders) refuse_placeholders(p, found->down);
      found->has_down = true;
      const bool up_decided = decided.count(found->path) != 0;
      if (settings.in_transaction && up_decided && *settings.in_transaction != found->transactional)
        fail(p, "executeInTransaction differs between " + found->path.filename().string() + " and " +
                    p.filename().string() + ": strata runs a revision's up and down the same way; set it alike on both");
      else if (settings.in_transaction && !up_decided)  // said on one of the two: for both
        found->transactional = *settings.in_transaction, found->transaction_by_content = false;
      else if (!up_decided && needs_no_transaction(found->down))
        found->transaction_by_content = true;
    }
  }

  // A C++ migration header: one strata::migration type, at global scope or in one namespace block.
  void read_header(const fs::path& p) {
    const std::string text = read_file(p);
    const std::regex type(R"(struct\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?:public\s+)?(?:::)?strata::migration\s*<\s*"([^"]*)\")");
    std::smatch m;
    if (!std::regex_search(text, m, type)) {
      fail(p, "no migration type found: expected `struct NAME : strata::migration<\"ID\", ...>`");
      return;
    }
    migration_file f;
    f.path = p;
    f.cpp_type = m[1];
    f.id = m[2];
    // The namespace the type is declared in (the last one opened before it), if any.
    const std::string before = text.substr(0, static_cast<std::size_t>(m.position(0)));
    const std::regex opened(R"(namespace\s+([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)\s*\{)");
    for (auto it = std::sregex_iterator(before.begin(), before.end(), opened); it != std::sregex_iterator(); ++it)
      f.cpp_type = (*it)[1].str() + "::" + m[1].str();
    f.cpp_type = "::" + f.cpp_type;
    const std::string n = p.filename().string();
    const auto digits = n.find_first_not_of("0123456789");
    f.version = n.substr(0, digits);
    if (f.version.empty()) {
      fail(p, "a C++ migration header's name starts with its version, as the .sql files' do");
      return;
    }
    f.explicit_parents = true;  // a C++ type names its own parents
    files_.push_back(std::move(f));
  }

  void order_and_link() {
    std::stable_sort(files_.begin(), files_.end(),
                     [](const migration_file& a, const migration_file& b) { return version_less(a.version, b.version); });
    // One version, one file; except in strata's format, where files naming their parents may
    // share a version (two branches begun the same day).
    for (std::size_t i = 1; i < files_.size(); ++i)
      if (version_equal(files_[i - 1].version, files_[i].version) &&
          !(format_ == "strata" && files_[i - 1].explicit_parents && files_[i].explicit_parents))
        fail(files_[i].path, "two migrations have version " + files_[i].version + ": " +
                                 files_[i - 1].path.filename().string() + " and " + files_[i].path.filename().string() +
                                 (format_ == "strata" ? " (files sharing a version must name their parents)" : ""));
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (files_[i].explicit_parents || i == 0) continue;
      if (i > 1 && version_equal(files_[i - 2].version, files_[i - 1].version))
        fail(files_[i].path, "follows two files of version " + files_[i - 1].version + ": name its parents");
      files_[i].parents = {files_[i - 1].id};
    }
  }

  // The length of the well-formed UTF-8 sequence at s[i], or 0 (Unicode's table 3-7).
  static std::size_t utf8_length(const std::string& s, std::size_t i) {
    auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    auto in = [](unsigned v, unsigned lo, unsigned hi) { return v >= lo && v <= hi; };
    const unsigned c = at(0);
    if (in(c, 0xC2, 0xDF)) return in(at(1), 0x80, 0xBF) ? 2 : 0;
    if (in(c, 0xE0, 0xEF)) {
      const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
      return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) ? 3 : 0;
    }
    if (in(c, 0xF0, 0xF4)) {
      const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
      return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
  }

  // The text as C++ string literals, a line each. Bytes are kept as they are: UTF-8 as written,
  // anything else (a Latin-1 file, control characters) as octal escapes, which compilers take
  // whatever their source encoding checks.
  static std::string literal(const std::string& text) {
    if (text.empty()) return "\"\"";
    std::string out;
    auto octal = [&](unsigned char c) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    };
    for (const auto& line : lines_of(text)) {
      out += "\n      \"";
      for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (c >= 0x80) {
          const std::size_t n = utf8_length(line, i);
          // bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) escaped too:
          // g++ warns of them in a literal (-Wbidi-chars)
          const auto b1 = static_cast<unsigned char>(n == 3 ? line[i + 1] : 0), b2 = static_cast<unsigned char>(n == 3 ? line[i + 2] : 0);
          const bool bidi = c == 0xE2 && ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9));
          if (n == 0 || bidi) octal(c);
          else out.append(line, i, n), i += n - 1;
          continue;
        }
        switch (c) {
          case '\\': out += "\\\\"; break;
          case '"': out += "\\\""; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          case '?': out += "\\?"; break;
          default:
            if (c < 0x20 || c == 0x7f) octal(c);
            else out += static_cast<char>(c);
        }
      }
      out += '"';
    }
    return out;
  }
  static std::string cpp_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '\n' || c == '\r') {
        out += ' ';
        continue;
      }
      if (c == '\\' || c == '"') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  // file_<file name>, unique in the folder ("1_a-b.sql" and "1_a_b.sql" would spell one name).
  void name_types() {
    std::map<std::string, int> used;
    for (auto& f : files_) {
      if (!f.cpp_type.empty()) continue;
      std::string name = "file_";
      for (char c : f.path.filename().string()) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      const int n = used[name]++;
      f.type = n == 0 ? name : name + "_" + std::to_string(n + 1);
    }
  }

  // strata's revision ids: letters, digits, _ . - (at most 128); a file name makes the id.
  void check_ids() {
    for (const auto& f : files_) {
      if (!f.cpp_type.empty()) continue;
      if (!strata::is_valid_revision_id(f.id))
        fail(f.path, "the file name makes the revision id '" + f.id +
                         "', which may hold only ASCII letters, digits, _ . and - (at most 128 characters): rename the file");
    }
  }

  std::string emit() {
    std::ostringstream h;
    h << "// Generated by strata_add_migrations from " << dir_.generic_string() << " (format " << format_
      << "): edit the folder, not this file.\n#pragma once\n#include <array>\n#include <string_view>\n\n"
      << "#include <strata/strata.hpp>\n\n";
    if (!problems_.empty()) {
      for (const auto& p : problems_) {
        if (!p.file.empty()) h << "#line " << p.line << " " << cpp_string(p.file.generic_string()) << "\n";
        h << "#error " << cpp_string("strata: " + (p.file.empty() ? dir_.filename().string() : p.file.filename().string()) +
                                     ": " + p.message)
          << "\n";
      }
      return h.str();
    }
    for (const auto& f : files_)
      if (!f.cpp_type.empty()) h << "#include " << cpp_string(f.path.generic_string()) << "\n";
    h << "\nnamespace strata_migrations_" << name_ << " {\n";
    // After a file's literals, #line puts the compiler back in this header.
    std::size_t line = 1;
    for (char c : h.str()) line += c == '\n';
    auto put = [&](const std::string& chunk) {
      h << chunk;
      for (char c : chunk) line += c == '\n';
    };
    auto back_here = [&] { put("#line " + std::to_string(line + 1) + " " + cpp_string(output_.generic_string()) + "\n"); };
    for (const auto& f : files_) {
      if (!f.cpp_type.empty()) continue;
      std::string chunk = "\n// " + f.path.filename().string() +
                          (f.down_path.empty() ? "" : " + " + f.down_path.filename().string()) + "\nstruct " +
                          f.type + " : strata::migration<" + cpp_string(f.id);
      for (const auto& parent : f.parents) chunk += ", " + cpp_string(parent);
      chunk += "> {\n  static constexpr std::string_view description = " + cpp_string(f.description) + ";\n";
      if (!f.transactional) chunk += "  static constexpr bool transactional = false;\n";
      put(chunk);
      put("#line " + std::to_string(f.up_line) + " " + cpp_string(f.path.generic_string()) + "\n");
      put("  static constexpr strata::sql up{" + literal(f.up) + "};\n");
      if (f.has_down) {
        const fs::path& down_file = f.down_path.empty() ? f.path : f.down_path;
        put("#line " + std::to_string(f.down_line) + " " + cpp_string(down_file.generic_string()) + "\n");
        put("  static constexpr strata::sql down{" + literal(f.down) + "};\n");
      } else {
        back_here();
        put("  static constexpr auto down = strata::irreversible;  // the file has no down\n");
      }
      back_here();
      if (f.transactional && f.transaction_by_content)  // by its statements (needs_no_transaction)
        put("  static constexpr bool transactional = false;  // a statement PostgreSQL runs outside a transaction only\n");
      put("};\n");
    }
    h << "\n}  // namespace strata_migrations_" << name_ << "\n\n";
    h << "using " << name_ << " = strata::registry<";
    for (std::size_t i = 0; i < files_.size(); ++i)
      h << (i ? ",\n    " : "\n    ")
        << (files_[i].cpp_type.empty() ? "strata_migrations_" + name_ + "::" + files_[i].type : files_[i].cpp_type);
    h << ">;\n\n";
    // Where the registry came from: the command line's `new` and `baseline --from` read it.
    h << "template <>\nstruct strata::migration_source<" << name_ << "> {\n"
      << "  static constexpr std::string_view directory = " << cpp_string(dir_.generic_string()) << ";\n"
      << "  static constexpr std::string_view format = " << cpp_string(format_) << ";\n"
      << "  static constexpr std::array<strata::source_file, " << files_.size() << "> files{{";
    for (std::size_t i = 0; i < files_.size(); ++i)
      h << (i ? ",\n" : "\n") << "      {" << cpp_string(files_[i].id) << ", " << cpp_string(files_[i].version) << ", "
        << cpp_string(files_[i].path.filename().string()) << "}";
    h << "}};\n};\n";
    return h.str();
  }

  std::string name_;
  fs::path dir_;
  std::string format_;
  fs::path output_;
  std::vector<migration_file> files_;
  std::vector<problem> problems_;
  std::map<fs::path, std::string> texts_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: generate_migrations NAME DIRECTORY FORMAT OUTPUT\n";
    return 2;
  }
  const fs::path output = fs::absolute(argv[4]);
  const std::string header = generator(argv[1], fs::absolute(argv[2]).lexically_normal(), argv[3], fs::absolute(output)).run();
  if (fs::exists(output) && read_file(output) == header) {  // unchanged: newer than its inputs, same text
    fs::last_write_time(output, fs::file_time_type::clock::now());
    return 0;
  }
  fs::create_directories(output.parent_path());
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << header;
  if (!out) {
    std::cerr << "generate_migrations: cannot write " << output << "\n";
    return 1;
  }
  return 0;
}
