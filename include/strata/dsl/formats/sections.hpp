#pragma once
// The layout of strata, goose and dbmate: one file per revision, <version>_<name>.sql, its up and
// down under comment markers. Each format reads its own markers (Format::annotation); the walk
// over the lines and the checks after it are shared here.

#include <optional>
#include <string>
#include <vector>

#include "format.hpp"

namespace strata::formats {

// Where a file's reading stands while its lines are walked.
struct section_state {
  enum { before, up, down } section = before;
  bool seen_up = false;
  bool irreversible = false;                // strata:irreversible
  std::optional<bool> down_transactional;   // dbmate's migrate:down transaction:...
};

// Format::annotation(words, raw_words, line_number, state, migration, file, reading): whether the
// line is one of the format's markers (dropped from the bodies); `words` is lowercase.
template <class Format>
void read_sections(const std::vector<folder_file>& files, folder_reading& reading) {
  for (const folder_file& file : files) {
    const versioned_name named = version_underscore_name(file.name);
    if (!named) {
      reading.fail(file.name, "not a migration file name: expected <version>_<name>.sql");
      continue;
    }
    folder_migration f;
    f.file = file.name;
    f.version = named.version;
    f.id = named.version + "_" + named.name;
    f.description = words_of(named.name);
    section_state state;
    std::size_t number = 0;
    for (const auto& line : lines_of(file.text)) {
      ++number;
      const auto raw = comment_words(line);
      if (raw && Format::annotation(lower(*raw), *raw, number, state, f, file, reading)) continue;
      if (state.section == section_state::up) f.up += line;
      else if (state.section == section_state::down) f.down += line;
    }
    if (!state.seen_up) {
      reading.fail(file.name, "no '" + std::string(Format::row.up_marker) + "' annotation");
      continue;
    }
    if (state.down_transactional && *state.down_transactional != f.transactional)
      reading.fail(file.name, "transaction:false on only one of migrate:up and migrate:down: strata runs a revision's up and down the same way");
    if (state.irreversible && f.has_down && !trim(f.down).empty())
      reading.fail(file.name, "strata:irreversible with a strata:down section");
    if (state.irreversible) f.has_down = false;
    reading.migrations.push_back(std::move(f));
  }
}

// The marker's section begins on the next line.
inline void begin_up(section_state& state, folder_migration& f, std::size_t number) {
  state.section = section_state::up, state.seen_up = true, f.up_line = number + 1;
}
inline void begin_down(section_state& state, folder_migration& f, std::size_t number) {
  state.section = section_state::down, f.has_down = true, f.down_line = number + 1;
}

}  // namespace strata::formats
