#pragma once
// Flyway: V<version>__<description>.sql (versions dotted: 1, 1.1, 2.0.3), its undo
// U<version>__<description>.sql, a <script>.sql.conf with executeInTransaction and
// placeholderReplacement. A script holding a statement the database refuses in a transaction runs
// outside one, as Flyway's parser decides. Refused, naming the file: repeatable migrations (R__),
// callbacks, ${placeholders}, two undo files of one version. Its history table is
// flyway_schema_history.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "format.hpp"

namespace strata::formats {

struct flyway_format {
  static constexpr folder_format row{"flyway", folder_layout::versioned, "", "", 1, false, true, false, "flyway_schema_history",
                                     "`executeInTransaction=false` in the script's .sql.conf",
                                     "no U<version>__ undo file"};
  static constexpr int detection = 0;  // by its file names
  static bool claims(const folder_file& f) { return script_name(f.name, true).prefix != 0 || is_callback(f.name); }

  // [VUR]<version>__<description>.sql; prefix 0 when the file is not named so. The version is the
  // longest run of digits, dots and underscores that leaves a "__" and a description after it.
  struct script {
    char prefix = 0;
    std::string version, description;
  };
  static script script_name(std::string_view n, bool description_may_be_empty = false) {
    if (n.size() < 7 || (n[0] != 'V' && n[0] != 'U' && n[0] != 'R') || !ends_with(n, ".sql")) return {};
    const std::string_view body = n.substr(1, n.size() - 5);
    std::size_t run = 0;
    while (run < body.size() && (is_digit(body[run]) || body[run] == '.' || body[run] == '_')) ++run;
    for (std::size_t v = run + 1; v-- > 0;)
      if (body.substr(v, 2) == "__" && (description_may_be_empty || body.size() > v + 2))
        return {n[0], std::string(body.substr(0, v)), std::string(body.substr(v + 2))};
    return {};
  }

  // beforeMigrate.sql, afterEachMigrate__note.sql, createSchema.sql: SQL Flyway runs around its commands.
  static bool is_callback(std::string_view n) {
    if (!ends_with(n, ".sql")) return false;
    std::string_view stem = n.substr(0, n.size() - 4);
    if (const auto sep = stem.find("__"); sep != std::string_view::npos) stem = stem.substr(0, sep);
    if (stem == "createSchema") return true;
    std::string_view rest;
    if (stem.rfind("before", 0) == 0) rest = stem.substr(6);
    else if (stem.rfind("after", 0) == 0) rest = stem.substr(5);
    else return false;
    if (rest.empty() || rest[0] < 'A' || rest[0] > 'Z') return false;
    for (char c : rest)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
    return true;
  }

  // Flyway replaces ${name} (and ${flyway:defaultSchema}, ...) before it runs a file, and fails on
  // one it has no value for; strata substitutes nothing, so the text would reach the database as is.
  static void refuse_placeholders(const std::string& file, const std::string& text, folder_reading& reading) {
    for (auto at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {  // ${, a name, } on one line
      const auto end = text.find_first_of("}\n", at + 2);
      if (end == std::string::npos || text[end] != '}' || end == at + 2) continue;
      reading.fail(file, "Flyway placeholder " + text.substr(at, end - at + 1) +
                             ": strata substitutes no placeholders; write the value itself",
                   line_of(text, at));
      return;
    }
  }

  // A script's <file>.conf: executeInTransaction, placeholderReplacement.
  struct settings {
    std::optional<bool> in_transaction;
    bool placeholders = true;
  };
  static settings read_conf(const std::string& script, folder_reading& reading) {
    settings s;
    const folder_file* conf = reading.side_file(script + ".conf");
    if (!conf) return s;
    std::size_t number = 0;
    for (const auto& line : lines_of(conf->text)) {
      ++number;
      const std::string l = lower(trim(line));
      if (l == "executeintransaction=false") s.in_transaction = false;
      else if (l == "executeintransaction=true") s.in_transaction = true;
      else if (l == "placeholderreplacement=false") s.placeholders = false;
      else if (l == "placeholderreplacement=true") s.placeholders = true;
      else if (!l.empty() && l[0] != '#') reading.fail(conf->name, "Flyway script setting '" + trim(line) + "' is not supported", number);
    }
    return s;
  }

  static bool version_less(const std::string& a, const std::string& b) { return detail::compare_versions(a, b) < 0; }

  static void read(const std::vector<folder_file>& files, folder_reading& reading) {
    std::map<std::string, const folder_file*, bool (*)(const std::string&, const std::string&)> undo(version_less);
    std::set<std::string> decided;  // scripts whose .conf says executeInTransaction
    const std::size_t first = reading.migrations.size();
    for (const folder_file& file : files) {
      const std::string& n = file.name;
      if (is_callback(n)) {
        reading.fail(n, "a Flyway callback (" + n.substr(0, n.find_first_of("_.")) +
                            "): strata runs no callbacks; make it a versioned migration (V<version>__...), or run it from "
                            "the service");
        continue;
      }
      const script m = script_name(n);
      if (m.prefix == 0 || (m.prefix != 'R' && m.version.empty())) {
        reading.fail(n, "not a Flyway migration file name: expected V<version>__<description>.sql or U<version>__<description>.sql");
        continue;
      }
      if (m.prefix == 'R') {
        reading.fail(n, "Flyway's repeatable migrations (R__) re-run whenever they change; strata applies each revision once: "
                        "make it a versioned migration (V<version>__...) that replaces the object");
        continue;
      }
      if (m.prefix == 'U') {
        const auto [at, added] = undo.emplace(m.version, &file);
        if (!added) reading.fail(n, "two undo migrations have version " + m.version + ": " + at->second->name + " and " + n);
        continue;
      }
      folder_migration f;
      f.file = n;
      f.version = m.version;
      f.id = "V" + m.version + "__" + m.description;
      f.description = words_of(m.description);
      f.up = file.text;
      const settings s = read_conf(n, reading);
      if (s.placeholders) refuse_placeholders(n, f.up, reading);
      f.transactional = s.in_transaction.value_or(true);
      f.transaction_by_content = !s.in_transaction && reading.language.refused_in_transaction(f.up);
      if (s.in_transaction) decided.insert(n);
      reading.migrations.push_back(std::move(f));
    }
    // versions equal as Flyway compares them (1.0 is 1) find each other
    std::map<std::string, folder_migration*, bool (*)(const std::string&, const std::string&)> versioned(version_less);
    for (std::size_t i = first; i < reading.migrations.size(); ++i) versioned.emplace(reading.migrations[i].version, &reading.migrations[i]);
    for (const auto& [version, file] : undo) {
      const auto at = versioned.find(version);
      if (at == versioned.end()) {
        reading.fail(file->name, "an undo migration without its versioned migration V" + version + "__...");
        continue;
      }
      folder_migration* const found = at->second;
      found->down_file = file->name;
      found->down = file->text;
      const settings s = read_conf(file->name, reading);
      if (s.placeholders) refuse_placeholders(file->name, found->down, reading);
      found->has_down = true;
      const bool up_decided = decided.count(found->file) != 0;
      if (s.in_transaction && up_decided && *s.in_transaction != found->transactional)
        reading.fail(file->name, "executeInTransaction differs between " + found->file + " and " + file->name +
                                     ": strata runs a revision's up and down the same way; set it alike on both");
      else if (s.in_transaction && !up_decided)  // said on one of the two: for both
        found->transactional = *s.in_transaction, found->transaction_by_content = false;
      else if (!up_decided && reading.language.refused_in_transaction(found->down))
        found->transaction_by_content = true;
    }
  }
};

}  // namespace strata::formats
