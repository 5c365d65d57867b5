// strata's migration generator, built and run by strata_add_migrations (cmake/StrataMigrations.cmake):
//   generate_migrations NAME DIRECTORY FORMAT OUTPUT [--lint-from REVISION] [--lint-off RULE]...
// reads the folder's .sql files (and C++ migration headers, *.hpp), and writes OUTPUT, a header
// that declares one migration type per file, its SQL as C++ literals, and `using NAME =
// strata::registry<...>`. FORMAT: auto, strata, golang-migrate, sqlx, goose, dbmate or flyway, each
// read by its header in strata/dsl/formats/. The dialect's own analysis runs here, once per change
// of the folder: each type carries what it found (strata::analysed_sql), which the registry trusts
// instead of reading the SQL again in the compiler. Every defect and lint finding of the folder is
// printed at once as `file.sql:LINE:COL: error: ...` and fails the build (exit 1; OUTPUT holds
// them as #error lines); the lint policy (the options, or the folder's strata.conf) exempts old
// revisions or rules. A problem reading the folder becomes an #error in OUTPUT, placed at the file.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <strata/backend/default.hpp>
#include <strata/backend/postgresql/dialect.hpp>
#include <strata/backend/sqlite/dialect.hpp>
#include <strata/dsl/findings.hpp>
#include <strata/dsl/formats.hpp>
#include <strata/dsl/migration.hpp>
#include <strata/dsl/source.hpp>
#include <strata/detail/text.hpp>

namespace fs = std::filesystem;

namespace {

// A migration of the folder: what its format made of its file(s), or a C++ migration header.
struct migration_file : strata::folder_migration {
  std::string cpp_type;  // for a C++ header: the migration type's name
  std::string type;      // for a .sql file: the generated type's name, file_<file name>
  std::uint64_t checksum = 0, lint_hits = 0;  // the dialect's analysis (strata::analysed_sql)
};


// The registry's lint policy (strata_add_migrations' LINT_FROM and LINT_OFF, or the folder's
// strata.conf): lint only the revisions after `from`, and not the rules of `off`.
struct lint_settings {
  std::string from;
  std::vector<std::string> off;
};

// A file's bytes, without the byte order mark editors on Windows write first (Flyway drops it too;
// sent to the database it is a syntax error, and it would hide a first-line annotation).
std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  return text;
}

using strata::formats::ends_with;
using strata::formats::lines_of;

// A version compares as a number (strata::detail::compare_versions: leading zeros do not count,
// Flyway's dotted parts one by one).
bool version_less(const std::string& a, const std::string& b) { return strata::detail::compare_versions(a, b) < 0; }
bool version_equal(const std::string& a, const std::string& b) { return !version_less(a, b) && !version_less(b, a); }

// D: the dialect whose language reads the folder (strata_add_migrations' DIALECT).
template <class D>
class generator {
  using language = typename D::language;
  static constexpr bool default_dialect = std::is_same_v<D, strata::default_dialect>;

 public:
  generator(std::string name, fs::path dir, std::string format, fs::path output, lint_settings lint)
      : name_(std::move(name)), dir_(std::move(dir)), format_(std::move(format)), output_(std::move(output)),
        lint_(std::move(lint)) {}

  // A finding that fails the build: where, and the line a compiler would print.
  struct build_error {
    std::string file;  // empty: the folder
    std::size_t line = 1;
    std::string message;
  };
  // What the reading guessed, for a warning.
  const std::vector<std::string>& notes() const { return reading_.notes; }
  const fs::path& directory() const { return dir_; }
  // The findings that fail the build (the header then holds them as #error lines too).
  const std::vector<build_error>& errors() const { return errors_; }

  std::string run() {
    std::vector<strata::folder_file> sql, side;
    std::vector<fs::path> hpp;
    std::vector<std::string> go;  // goose's Go migrations, refused in version order
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      if (!e.is_regular_file()) continue;
      const std::string n = e.path().filename().string();
      if (n.size() > 4 && ends_with(n, ".sql")) sql.push_back({n, read_file(e.path())});
      else if (ends_with(n, ".sql.conf")) side.push_back({n, read_file(e.path())});
      else if (n == "strata.conf") read_policy_file(e.path());
      else if (n.size() > 4 && ends_with(n, ".hpp")) hpp.push_back(e.path());
      else if (n.size() > 3 && ends_with(n, ".go") && std::isdigit(static_cast<unsigned char>(n[0])))
        go.push_back(n);
    }
    std::sort(go.begin(), go.end(), version_less);
    for (const std::string& n : go)
      reading_.fail(n, "a Go migration (goose): strata runs no Go code; write it as a C++ migration header "
                       "(<version>_<name>.hpp, one strata::migration type with a code body)");
    if (ec) reading_.fail({}, "cannot read the folder " + dir_.string() + ": " + ec.message());
    std::sort(sql.begin(), sql.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::sort(hpp.begin(), hpp.end());
    reading_.side_files = &side;
    if (reading_.problems.empty() && format_ == "auto") format_ = strata::detect_folder_format(sql, reading_);
    if (reading_.problems.empty()) {
      format_row_ = strata::folder_format_named(format_);
      if (!format_row_) reading_.fail({}, "unknown FORMAT '" + format_ + "' (auto, " + strata::folder_format_names() + ")");
      else strata::known_formats::read(format_, sql, reading_);
    }
    for (auto& m : reading_.migrations) files_.push_back({std::move(m), {}, {}});
    for (const auto& p : hpp) read_header(p);
    order_and_link();
    check_ids();
    name_types();
    if (reading_.problems.empty()) analyse();
    return emit();
  }

 private:
  void fail(const fs::path& file, std::string message, std::size_t line = 1) {
    reading_.fail(file.filename().string(), std::move(message), line);
  }

  // strata.conf: `lint-from = REVISION`, `lint-off = RULE[, RULE]`, `#` comments. The build's own
  // options (LINT_FROM, LINT_OFF) add to it; two different lint-from are refused.
  void read_policy_file(const fs::path& p) {
    std::size_t number = 0;
    for (const std::string& raw : lines_of(read_file(p))) {
      ++number;
      const std::string line = strata::formats::trim(raw.substr(0, raw.find('#')));
      if (line.empty()) continue;
      const auto eq = line.find('=');
      const std::string key = eq == std::string::npos ? line : strata::formats::trim(line.substr(0, eq));
      const std::string value = eq == std::string::npos ? std::string() : strata::formats::trim(line.substr(eq + 1));
      if (key == "lint-from" && !value.empty()) {
        if (!lint_.from.empty() && lint_.from != value)
          fail(p, "lint-from = " + value + ", while the build says LINT_FROM " + lint_.from + ": keep one", number);
        lint_.from = value;
      } else if (key == "lint-off" && !value.empty()) {
        std::stringstream rules(value);
        for (std::string rule; std::getline(rules, rule, ',');)
          if (!strata::formats::trim(rule).empty()) lint_.off.push_back(strata::formats::trim(rule));
      } else {
        fail(p, "'" + line + "' is no setting of strata.conf (lint-from = REVISION, lint-off = RULE[, RULE])", number);
      }
    }
  }

  // The dialect's analysis of each .sql migration, as the registry would make it in the compiler:
  // its facts are written into the header, and every finding the policy does not exempt fails the build.
  void analyse() {
    strata::lint_rules_mask off = 0;
    for (const std::string& rule : lint_.off) {
      const std::uint8_t r = strata::lint_rule_named<language>(rule);
      if (r == strata::no_lint_rule) errors_.push_back({{}, 1, dir_.generic_string() + ": error: lint-off names '" + rule +
                                                           "', which is no rule of the lint (" + rule_names() + ")"});
      else off |= strata::rule_bit(r);
    }
    std::size_t lint_start = 0;  // the first position linted: after lint-from
    if (!lint_.from.empty()) {
      const auto from = std::find_if(files_.begin(), files_.end(), [&](const migration_file& f) { return f.id == lint_.from; });
      if (from == files_.end()) {
        errors_.push_back({{}, 1, dir_.generic_string() + ": error: lint-from names '" + lint_.from +
                                      "', which is no revision of the folder"});
        return;
      }
      lint_start = static_cast<std::size_t>(from - files_.begin()) + 1;
    }
    std::vector<std::string_view> earlier;  // the up bodies before this file, in apply order
    for (std::size_t i = 0; i < files_.size(); ++i) {
      migration_file& f = files_[i];
      if (!f.cpp_type.empty()) continue;  // a C++ migration keeps the compiler's checks
      const strata::detail::migration_facts facts = facts_of(f);
      // what the earlier files show harmless (a widening), as the registry clears it
      const strata::lint_rules_mask cleared = strata::detail::cleared_by_earlier<language>(facts, earlier);
      earlier.push_back(f.up);
      f.checksum = facts.checksum;
      f.lint_hits = facts.lint_hits & ~cleared;
      const strata::file_origins at = strata::origins_of(dir_.generic_string(), f.file, f.up_line, f.down_file, f.down_line);
      const std::string_view words = format_row_ ? format_row_->no_transaction_words : std::string_view();
      for (const strata::located_finding& l : strata::findings_in<language>(facts, at.up, at.down, words)) {
        if (l.finding.kind == strata::finding_kind::lint &&
            (i < lint_start || ((off | cleared) & strata::rule_bit(l.finding.rule))))
          continue;
        errors_.push_back({l.file, l.line, l.message(f.id)});
      }
    }
  }

  // A file's migration as the registry's inspect() sees the generated type.
  static strata::detail::migration_facts facts_of(const migration_file& f) {
    strata::detail::migration_facts m;
    m.up = strata::body_kind::sql;
    m.down = f.has_down ? strata::body_kind::sql : strata::body_kind::irreversible;
    m.transactional = f.transactional && !f.transaction_by_content;
    m.after_deploy = f.after_deploy;
    m.up_text = f.up;
    m.down_text = f.has_down ? std::string_view(f.down) : std::string_view();
    m.up_nul_terminated = true;  // std::string's text is followed by '\0', as a literal's
    m.down_nul_terminated = f.has_down;
    return strata::detail::analyse_bodies<language>(m);
  }

  static std::string rule_names() {
    std::vector<std::string> names;
    for (const auto& row : language::lint_rules) names.emplace_back(row.name);
    return strata::detail::join(names);
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
    f.file = p.filename().string();
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
          !(names_parents() && files_[i - 1].explicit_parents && files_[i].explicit_parents))
        fail(files_[i].file, "two migrations have version " + files_[i].version + ": " + files_[i - 1].file + " and " +
                                 files_[i].file + (names_parents() ? " (files sharing a version must name their parents)" : ""));
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (files_[i].explicit_parents || i == 0) continue;
      if (i > 1 && version_equal(files_[i - 2].version, files_[i - 1].version))
        fail(files_[i].file, "follows two files of version " + files_[i - 1].version + ": name its parents");
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
      for (char c : f.file) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      const int n = used[name]++;
      f.type = n == 0 ? name : name + "_" + std::to_string(n + 1);
    }
  }

  // strata's revision ids: letters, digits, _ . - (at most 128); a file name makes the id.
  void check_ids() {
    for (const auto& f : files_) {
      if (!f.cpp_type.empty()) continue;
      if (!strata::is_valid_revision_id(f.id))
        fail(f.file, "the file name makes the revision id '" + f.id +
                         "', which may hold only ASCII letters, digits, _ . and - (at most 128 characters): rename the file");
    }
  }

  static std::string hash_literal(std::string_view id) {
    return std::to_string(strata::detail::hash_id(id)) + "ull";
  }

  std::string emit() {
    std::ostringstream h;
    h << "// Generated by strata_add_migrations from " << dir_.generic_string() << " (format " << format_
      << "): edit the folder, not this file.\n#pragma once\n#include <array>\n#include <cstdint>\n#include <string_view>\n\n"
      << "#include <strata/strata.hpp>\n"
      << (default_dialect ? std::string() : "#include <strata/backend/" + std::string(D::name) + "/dialect.hpp>\n") << "\n";
    if (!reading_.problems.empty()) {
      for (const auto& p : reading_.problems) {
        if (!p.file.empty()) h << "#line " << p.line << " " << cpp_string((dir_ / p.file).generic_string()) << "\n";
        h << "#error " << cpp_string("strata: " + (p.file.empty() ? dir_.filename().string() : p.file) +
                                     ": " + p.message)
          << "\n";
      }
      return h.str();
    }
    // The findings, at their files: a header left behind by a failed generation never compiles.
    for (const build_error& e : errors_) {
      if (!e.file.empty()) h << "#line " << e.line << " " << cpp_string(e.file) << "\n";
      h << "#error " << cpp_string("strata: " + e.message) << "\n";
    }
    if (!errors_.empty()) {
      std::size_t here = 2;
      for (char c : h.str()) here += c == '\n';
      h << "#line " << here << " " << cpp_string(output_.generic_string()) << "\n";
    }
    for (const auto& f : files_)
      if (!f.cpp_type.empty()) h << "#include " << cpp_string((dir_ / f.file).generic_string()) << "\n";
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
      // The members strata::migration<"id", "parent"> gives a type, written out: the ids were checked
      // here (check_ids) and are hashed here, so the compiler instantiates no template per file.
      std::string chunk = "\n// " + f.file + (f.down_file.empty() ? "" : " + " + f.down_file) + "\nstruct " + f.type +
                          " {\n  static constexpr std::string_view id = " + cpp_string(f.id) + ";\n" +
                          "  static constexpr std::array<std::string_view, " + std::to_string(f.parents.size()) + "> parents{";
      for (std::size_t k = 0; k < f.parents.size(); ++k) chunk += (k ? ", " : "") + cpp_string(f.parents[k]);
      chunk += "};\n  static constexpr std::uint64_t id_hash = " + hash_literal(f.id) + ";\n" +
               "  static constexpr std::array<std::uint64_t, " + std::to_string(f.parents.size()) + "> parent_hashes{";
      for (std::size_t k = 0; k < f.parents.size(); ++k) chunk += (k ? ", " : "") + hash_literal(f.parents[k]);
      chunk += "};\n  static constexpr bool ids_are_valid = true;\n";
      chunk += "  static constexpr std::string_view description = " + cpp_string(f.description) + ";\n";
      if (!f.transactional) chunk += "  static constexpr bool transactional = false;\n";
      if (f.after_deploy) chunk += "  static constexpr auto phase = strata::after_deploy;\n";
      put(chunk);
      put("#line " + std::to_string(f.up_line) + " " + cpp_string((dir_ / f.file).generic_string()) + "\n");
      put("  static constexpr strata::sql up{" + literal(f.up) + "};\n");
      if (f.has_down) {
        const fs::path down_file = dir_ / (f.down_file.empty() ? f.file : f.down_file);
        put("#line " + std::to_string(f.down_line) + " " + cpp_string(down_file.generic_string()) + "\n");
        put("  static constexpr strata::sql down{" + literal(f.down) + "};\n");
      } else {
        back_here();
        put("  static constexpr auto down = strata::irreversible;  // the file has no down\n");
        if (format_row_ && !format_row_->irreversible_words.empty())
          put("  static constexpr std::string_view irreversible_because = " + cpp_string(std::string(format_row_->irreversible_words)) +
              ";\n");
      }
      back_here();
      if (f.transactional && f.transaction_by_content)  // by its statements (needs_no_transaction)
        put("  static constexpr bool transactional = false;  // a statement the database runs outside a transaction only\n");
      put("  static constexpr strata::analysed_sql analysed{" + cpp_string(std::string(D::name)) + ", " +
          std::to_string(f.checksum) + "ull, " + std::to_string(f.lint_hits) + "ull};\n");
      put("};\n");
    }
    h << "\n}  // namespace strata_migrations_" << name_ << "\n\n";
    h << "using " << name_ << " = strata::registry<"
      << (default_dialect ? std::string() : "\n    strata::" + std::string(D::name) + "::dialect,") << policy();
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
        << cpp_string(files_[i].file) << ", " << files_[i].up_line << ", " << cpp_string(files_[i].down_file) << ", "
        << files_[i].down_line << "}";
    h << "}};\n};\n";
    return h.str();
  }

  // strata::lint_policy<...>, for the policy's checks in the compiler too ("" without one).
  std::string policy() const {
    std::vector<std::string> settings;
    if (!lint_.from.empty()) settings.push_back("strata::lint_from<" + cpp_string(lint_.from) + ">");
    if (!lint_.off.empty()) {
      std::vector<std::string> rules;
      for (const auto& r : lint_.off) rules.push_back(cpp_string(r));
      settings.push_back("strata::lint_off<" + strata::detail::join(rules) + ">");
    }
    return settings.empty() ? std::string() : "\n    strata::lint_policy<" + strata::detail::join(settings) + ">,";
  }

  std::string name_;
  fs::path dir_;
  std::string format_;
  fs::path output_;
  std::vector<migration_file> files_;
  lint_settings lint_;
  std::vector<build_error> errors_;
  strata::folder_reading reading_{strata::folder_language_of<language>()};
  const strata::folder_format* format_row_ = nullptr;
  bool names_parents() const { return format_row_ && format_row_->names_parents; }
};

template <class D>
int generate(char** argv, lint_settings lint) {
  const fs::path output = fs::absolute(argv[4]);
  generator<D> g(argv[1], fs::absolute(argv[2]).lexically_normal(), argv[3], fs::absolute(output), std::move(lint));
  const std::string header = g.run();
  // Every finding at once, as a compiler prints errors; the header holds them as #error lines, so
  // that a build which does not run the generator again still fails.
  for (const auto& note : g.notes()) std::cerr << g.directory().generic_string() << ": warning: " << note << "\n";
  for (const auto& e : g.errors()) std::cerr << e.message << "\n";
  if (!g.errors().empty())
    std::cerr << "strata: " << g.errors().size() << " finding(s) in the migrations of " << argv[1]
              << ": mend them, allow them (`-- strata:allow RULE: reason`), or adopt the history with LINT_FROM\n";
  const int status = g.errors().empty() ? 0 : 1;
  if (fs::exists(output) && read_file(output) == header) {  // unchanged: newer than its inputs, same text
    fs::last_write_time(output, fs::file_time_type::clock::now());
    return status;
  }
  fs::create_directories(output.parent_path());
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << header;
  if (!out) {
    std::cerr << "generate_migrations: cannot write " << output << "\n";
    return 1;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage =
      "usage: generate_migrations NAME DIRECTORY FORMAT OUTPUT [--dialect postgresql|sqlite] [--lint-from REVISION] "
      "[--lint-off RULE]...\n";
  if (argc < 5) {
    std::cerr << usage;
    return 2;
  }
  lint_settings lint;
  std::string dialect = "postgresql";
  for (int i = 5; i < argc; ++i) {
    const std::string option = argv[i];
    if (i + 1 >= argc || (option != "--lint-from" && option != "--lint-off" && option != "--dialect")) {
      std::cerr << usage;
      return 2;
    }
    const std::string value = argv[++i];
    if (option == "--lint-from") lint.from = value;
    else if (option == "--dialect") dialect = value;
    else lint.off.push_back(value);
  }
  if (dialect == strata::sqlite::dialect::name) return generate<strata::sqlite::dialect>(argv, std::move(lint));
  if (dialect != strata::postgresql::dialect::name) {
    std::cerr << "generate_migrations: unknown DIALECT " << dialect << " (postgresql or sqlite)\n";
    return 2;
  }
  return generate<strata::postgresql::dialect>(argv, std::move(lint));
}
