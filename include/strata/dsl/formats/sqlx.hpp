#pragma once
// sqlx: <version>_<name>.up.sql and .down.sql, or a lone <version>_<name>.sql (versions are
// timestamps), each run in a transaction unless its first line is `-- no-transaction`. Its history
// table is _sqlx_migrations.

#include <string>
#include <vector>

#include "pairs.hpp"

namespace strata::formats {

struct sqlx_format {
  static constexpr folder_format row{"sqlx", folder_layout::pairs, "", "", 4, true, false, false, "_sqlx_migrations", "a first line `-- no-transaction`",
                                     "no .down.sql file"};
  static constexpr int detection = 2;  // a .sql file no other format claims
  static bool claims(const folder_file&) { return true; }
  static void read(const std::vector<folder_file>& files, folder_reading& reading) { read_pairs<sqlx_format>(files, reading); }
  static bool prepare(std::string&, folder_migration&, folder_reading&) { return false; }
};

}  // namespace strata::formats
