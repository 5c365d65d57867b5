// Applies the benchmark's migrations to an SQLite file, or (nothing pending) checks it: the whole
// process is what run.py times. bench_sqlite_apply FILE
#include <iostream>

#include <strata/sqlite.hpp>

#include "migrations_200.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_sqlite_apply FILE\n";
    return 2;
  }
  try {
    strata::sqlite::connection db{argv[1]};
    strata::upgrade<bench_sqlite::migrations>(db);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
