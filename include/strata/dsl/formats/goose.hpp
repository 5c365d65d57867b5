#pragma once
// goose: <version>_<name>.sql with `-- +goose Up`, `-- +goose Down` and `-- +goose NO TRANSACTION`
// (StatementBegin/End stay as comments: strata's lexer cuts statements itself). Its history table
// is goose_db_version. Go migrations (.go) are refused by the generator.

#include <string>

#include "sections.hpp"

namespace strata::formats {

struct goose_format {
  static constexpr folder_format row{"goose", folder_layout::sections, "-- +goose Up", "-- +goose Down", 5, false, false, false,
                                     "goose_db_version", "`-- +goose NO TRANSACTION`",
                                     "no `-- +goose Down` section"};
  static constexpr int detection = 1;  // by its markers
  static bool claims(const folder_file& f) { return has_marker(f.text, "+goose up"); }
  static void read(const std::vector<folder_file>& files, folder_reading& reading) { read_sections<goose_format>(files, reading); }

  static bool annotation(const std::string& words, const std::string& raw, std::size_t number, section_state& state,
                         folder_migration& f, const folder_file& file, folder_reading& reading) {
    if (words.rfind("+goose", 0) != 0) return false;
    const std::string what = trim(std::string_view(words).substr(6));
    if (what == "up") begin_up(state, f, number);
    else if (what == "down") begin_down(state, f, number);
    else if (what == "no transaction") f.transactional = false;
    else if (what == "statementbegin" || what == "statementend") return false;  // kept: a comment
    else reading.fail(file.name, "goose annotation '" + trim(std::string_view(raw).substr(6)) + "' is not supported", number);
    return true;
  }
};

}  // namespace strata::formats
