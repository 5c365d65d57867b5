#pragma once
// The folder formats strata reads, one row each: how a folder lays out its files, how a new one
// is numbered and written (`new`), and whether `baseline --from` reads that tool's history. The
// generator, `new` and `baseline` read this table; a format is added here (and its reading in the
// generator, its history table in each dialect's protocol).

#include <cstddef>
#include <string>
#include <string_view>

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
  bool other_tool;                          // another tool's history table (`baseline --from`)
};

inline constexpr folder_format folder_formats[] = {
    {"strata", folder_layout::sections, "-- strata:up", "-- strata:down", 4, false, false, true, false},
    {"golang-migrate", folder_layout::pairs, "", "", 6, false, false, false, true},
    {"goose", folder_layout::sections, "-- +goose Up", "-- +goose Down", 5, false, false, false, true},
    {"dbmate", folder_layout::sections, "-- migrate:up", "-- migrate:down", 4, true, false, false, true},
    {"flyway", folder_layout::versioned, "", "", 1, false, true, false, true},
    {"sqlx", folder_layout::pairs, "", "", 4, true, false, false, true},
};

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

// "a, b, c" (or "a, b or c"): the formats' names, only other tools' when `other_tools_only`.
inline std::string folder_format_names(bool other_tools_only = false, std::string_view last_separator = ", ") {
  std::string out;
  std::string_view previous;
  for (const folder_format& f : folder_formats) {
    if (other_tools_only && !f.other_tool) continue;
    if (!previous.empty()) out += (out.empty() ? "" : ", ") + std::string(previous);
    previous = f.name;
  }
  return out.empty() ? std::string(previous) : out + std::string(last_separator) + std::string(previous);
}

}  // namespace strata
