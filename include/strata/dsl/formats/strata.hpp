#pragma once
// strata's own folder format: <version>_<name>.sql with `-- strata:up` and `-- strata:down`, and
// before them strata:parents, strata:description, strata:no-transaction, strata:irreversible,
// strata:after-deploy
// (`-- strata:allow` lines belong to the bodies: the lint reads them).

#include <sstream>
#include <string>

#include "sections.hpp"

namespace strata::formats {

struct strata_format {
  static constexpr folder_format row{"strata", folder_layout::sections, "-- strata:up", "-- strata:down", 4, false, false, true, "", "a line `-- strata:no-transaction`",
                                     "`-- strata:irreversible`, or no `-- strata:down` section"};
  static constexpr int detection = 1;  // by its markers
  static bool claims(const folder_file& f) { return has_marker(f.text, "strata:up"); }
  static void read(const std::vector<folder_file>& files, folder_reading& reading) { read_sections<strata_format>(files, reading); }

  static bool annotation(const std::string& words, const std::string& raw, std::size_t number, section_state& state,
                         folder_migration& f, const folder_file& file, folder_reading& reading) {
    if (words.rfind("strata:", 0) != 0 || words.rfind("strata:allow", 0) == 0) return false;
    const std::string rest = trim(std::string_view(raw).substr(7));
    const std::string key = lower(rest.substr(0, rest.find(' ')));
    const std::string value = rest.find(' ') == std::string::npos ? std::string() : trim(rest.substr(rest.find(' ')));
    if (key == "up") begin_up(state, f, number);
    else if (key == "down") begin_down(state, f, number);
    else if (state.section != section_state::before) reading.fail(file.name, "strata:" + key + " belongs before strata:up", number);
    else if (key == "parents") {
      f.explicit_parents = true;
      std::istringstream ids(value);
      for (std::string id; ids >> id;) f.parents.push_back(id);
    } else if (key == "description") f.description = value;
    else if (key == "no-transaction") f.transactional = false;
    else if (key == "irreversible") state.irreversible = true;
    else if (key == "after-deploy") f.after_deploy = true;
    else reading.fail(file.name, "unknown annotation 'strata:" + key +
                                     "' (up, down, parents, description, no-transaction, irreversible, after-deploy, allow)", number);
    return true;
  }
};

}  // namespace strata::formats
