// Applies the benchmark's migrations to an SQLite file, or (nothing pending) checks it: run.py
// times the whole process; it prints the microseconds from opening the file to the end of the
// upgrade. bench_sqlite_apply FILE
#include <chrono>
#include <iostream>

#include <strata/sqlite.hpp>

#include "migrations_200.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_sqlite_apply FILE\n";
    return 2;
  }
  try {
    const auto started = std::chrono::steady_clock::now();
    strata::sqlite::connection db{argv[1]};
    strata::upgrade<bench_sqlite::migrations>(db);
    std::cout << std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
