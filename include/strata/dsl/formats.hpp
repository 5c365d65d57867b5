#pragma once
// The folder formats strata reads, one header each in formats/: its row (folder_format: layout,
// markers, numbering for `new`, the tool's history table for `baseline --from`), how a file is
// recognised, and how its files become migrations. A format is added as one header there and one
// name in known_formats below; the generator, `new` and `baseline` read them through this list.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "formats/dbmate.hpp"
#include "formats/flyway.hpp"
#include "formats/format.hpp"
#include "formats/golang_migrate.hpp"
#include "formats/goose.hpp"
#include "formats/sqlx.hpp"
#include "formats/strata.hpp"

namespace strata {

template <class... Formats>
struct folder_format_list {
  static constexpr folder_format rows[] = {Formats::row...};

  // Reads `files` (the folder's .sql files, in name order) as the format named `name`; false
  // when no format has that name.
  static bool read(std::string_view name, const std::vector<folder_file>& files, folder_reading& reading) {
    if (!((Formats::row.name == name ? (Formats::read(files, reading), true) : false) || ...)) return false;
    for (folder_migration& m : reading.migrations)  // the phase's annotation, the same in every format
      for (const folder_file& f : files)
        if (f.name == m.file && formats::first_line_is_after_deploy(f.text)) m.after_deploy = true;
    return true;
  }

  // The format a file looks like: by its name first (detection 0), then by its markers (1), then
  // the format that takes any .sql file (2).
  static std::string_view recognise(const folder_file& file) {
    std::string_view found;
    for (int rank = 0; rank <= 2 && found.empty(); ++rank)
      (void)((Formats::detection == rank && Formats::claims(file) ? (found = Formats::row.name, true) : false) || ...);
    return found;
  }
};

using known_formats = folder_format_list<formats::strata_format, formats::golang_migrate_format, formats::goose_format,
                                         formats::dbmate_format, formats::flyway_format, formats::sqlx_format>;
inline constexpr const auto& folder_formats = known_formats::rows;

// Every row filled: a name of its own, a first version, markers exactly where the layout has sections.
constexpr bool folder_formats_are_well_formed() noexcept {
  const std::size_t n = sizeof folder_formats / sizeof folder_formats[0];
  for (std::size_t i = 0; i < n; ++i) {
    const folder_format& f = folder_formats[i];
    if (f.name.empty() || f.first_version_width == 0) return false;
    if ((f.layout == folder_layout::sections) != (!f.up_marker.empty() && !f.down_marker.empty())) return false;
    for (std::size_t j = 0; j < i; ++j)
      if (folder_formats[j].name == f.name) return false;
  }
  return true;
}
static_assert(folder_formats_are_well_formed(), "strata: a row of folder_formats is unnamed, repeated or incomplete");

// The row named `name`, or nullptr.
constexpr const folder_format* folder_format_named(std::string_view name) noexcept {
  for (const folder_format& f : folder_formats)
    if (f.name == name) return &f;
  return nullptr;
}

// "a, b, c" (or "a, b or c"): the formats' names, only other tools' (with a history table of
// their own) when `other_tools_only`.
inline std::string folder_format_names(bool other_tools_only = false, std::string_view last_separator = ", ") {
  std::string out;
  std::string_view previous;
  for (const folder_format& f : folder_formats) {
    if (other_tools_only && f.history_table.empty()) continue;
    if (!previous.empty()) out += (out.empty() ? "" : ", ") + std::string(previous);
    previous = f.name;
  }
  return out.empty() ? std::string(previous) : out + std::string(last_separator) + std::string(previous);
}

// The format of a folder's .sql files (strata's for none); a folder whose files look like two
// formats is a problem naming one file of each.
inline std::string detect_folder_format(const std::vector<folder_file>& files, folder_reading& reading) {
  std::map<std::string_view, const folder_file*> seen;  // format -> an example file
  for (const folder_file& f : files) seen.emplace(known_formats::recognise(f), &f);
  // sqlx writes both pairs and single files: one family with golang-migrate's pairs
  const std::string_view sqlx = formats::sqlx_format::row.name, golang_migrate = formats::golang_migrate_format::row.name;
  if (seen.size() == 2 && seen.count(sqlx) && seen.count(golang_migrate)) return std::string(sqlx);
  // Pairs alone are both tools' layout: decided by evidence, sqlx's `-- no-transaction` line
  // against golang-migrate's BEGIN; ... COMMIT; wrapper, and said so when nothing decides.
  if (seen.size() == 1 && seen.count(golang_migrate)) {
    const folder_file *sqlx_sign = nullptr, *golang_migrate_sign = nullptr;  // a file of each tool's words
    for (const folder_file& f : files) {
      if (!sqlx_sign && formats::first_line_is_sqlx_no_transaction(f.text)) sqlx_sign = &f;
      std::string copy = f.text;
      if (!golang_migrate_sign && formats::golang_migrate_format::unwrap_transaction(copy, reading.language))
        golang_migrate_sign = &f;
    }
    if (sqlx_sign && !golang_migrate_sign) return std::string(sqlx);
    if (!golang_migrate_sign)
      reading.notes.push_back("read as golang-migrate: <version>_<name>.up.sql and .down.sql pairs are sqlx's layout too, and "
                              "no file says which (FORMAT sqlx to choose sqlx)");
    return std::string(golang_migrate);
  }
  if (seen.size() > 1) {
    std::string list;
    for (const auto& [format, file] : seen) list += (list.empty() ? "" : ", ") + file->name + " (" + std::string(format) + ")";
    reading.fail({}, "the folder mixes formats: " + list + "; one format per folder, or FORMAT to choose");
  }
  return std::string(seen.empty() || seen.size() > 1 ? formats::strata_format::row.name : seen.begin()->first);
}

}  // namespace strata
