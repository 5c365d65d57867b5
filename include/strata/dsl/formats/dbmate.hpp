#pragma once
// dbmate: <version>_<name>.sql (versions are timestamps) with `-- migrate:up` and
// `-- migrate:down`, each optionally `transaction:false`. Its history table is schema_migrations.

#include <sstream>
#include <string>

#include "sections.hpp"

namespace strata::formats {

struct dbmate_format {
  static constexpr folder_format row{"dbmate", folder_layout::sections, "-- migrate:up", "-- migrate:down", 4, true, false, false,
                                     "schema_migrations", "`transaction:false` on `-- migrate:up` and `-- migrate:down`",
                                     "no `-- migrate:down` section"};
  static constexpr int detection = 1;  // by its markers
  static bool claims(const folder_file& f) { return has_marker(f.text, "migrate:up"); }
  static void read(const std::vector<folder_file>& files, folder_reading& reading) { read_sections<dbmate_format>(files, reading); }

  static bool annotation(const std::string& words, const std::string&, std::size_t number, section_state& state,
                         folder_migration& f, const folder_file& file, folder_reading& reading) {
    const bool is_up = words.rfind("migrate:up", 0) == 0;
    if (!is_up && words.rfind("migrate:down", 0) != 0) return false;
    std::istringstream options(words.substr(is_up ? 10 : 12));
    bool transactional = true;
    for (std::string option; options >> option;) {
      if (option == "transaction:false") transactional = false;
      else if (option != "transaction:true") reading.fail(file.name, "dbmate option '" + option + "' is not supported", number);
    }
    if (is_up) begin_up(state, f, number), f.transactional = transactional;
    else begin_down(state, f, number), state.down_transactional = transactional;
    return true;
  }
};

}  // namespace strata::formats
