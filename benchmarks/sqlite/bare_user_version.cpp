// The floor for an SQLite application's start-up check: open the file and read PRAGMA user_version
// (what a hand-written migration loop does first), or the query given instead; prints the
// microseconds that took. bench_bare_user_version FILE [QUERY]
#include <chrono>
#include <iostream>

#include <sqlite3.h>

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: bench_bare_user_version FILE [QUERY]\n";
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) return 1;
  sqlite3_stmt* s = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db, argc == 3 ? argv[2] : "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    version = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  std::cout << std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count()
            << "\n";
  return version >= 0 ? 0 : 1;
}
