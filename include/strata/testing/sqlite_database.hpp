#pragma once
// strata::testing::sqlite_database: a fresh SQLite file for one test, in $TMPDIR (or /tmp), removed
// with its journal when the object goes. No server to start: the kit's cases on an SQLite registry
// use one per case.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include <unistd.h>

#include "../adapters/sqlite.hpp"
#include "kit.hpp"

namespace strata::testing {

class sqlite_database {
 public:
  sqlite_database() {
    static std::atomic<unsigned> counter{0};  // unique names within the process
    const char* dir = std::getenv("TMPDIR");
    path_ = (std::filesystem::path(dir && *dir ? dir : "/tmp") /
             ("strata_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
              std::to_string(std::random_device{}()) + ".db"))
                .string();
  }
  ~sqlite_database() { remove(); }
  sqlite_database(const sqlite_database&) = delete;
  sqlite_database& operator=(const sqlite_database&) = delete;

  // The file as a URL (sqlite:///path); strata::sqlite::connection opens it.
  std::string url() const { return "sqlite://" + path_; }
  const std::string& path() const noexcept { return path_; }

  // Runs SQL (one or more statements) on a connection of its own.
  void execute(std::string_view sql) const {
    sqlite::connection c(path_);
    c.execute(sql);
  }
  // The first column of the first row as text; "" for NULL or no row.
  std::string value(std::string_view sql) const {
    sqlite::connection c(path_);
    const rows r = c.query(sql, {});
    return r.empty() || r[0].empty() || !r[0][0] ? std::string() : *r[0][0];
  }
  // Empty again: the file removed (the next connection creates it).
  void recreate() { remove(); }

 private:
  void remove() const {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix, ignored);
  }
  std::string path_;
};

template <>
struct kit<sqlite::dialect> {
  using database = sqlite_database;
  using connection = sqlite::connection;
};

}  // namespace strata::testing
