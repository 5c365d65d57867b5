#pragma once
// Real SQLite files for tests: a fresh file per test under the build's temporary folder, removed
// with its journal; and a raw sqlite3 handle to look at what strata left.

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include <strata/sqlite.hpp>

namespace strata::testing {

class scratch_file {
 public:
  explicit scratch_file(const std::string& label) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::filesystem::path(dir && *dir ? dir : "/tmp") /
            ("strata_sqlite_" + label + "_" + std::to_string(::getpid()) + "_" + std::to_string(std::random_device{}()) + ".db");
  }
  ~scratch_file() {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  scratch_file(const scratch_file&) = delete;
  scratch_file& operator=(const scratch_file&) = delete;

  std::string path() const { return path_.string(); }
  std::string url() const { return "sqlite://" + path_.string(); }

  // The first column of the first row as text ("" for NULL or no row), on a connection of its own.
  std::string scalar(const std::string& sql) const {
    sqlite::connection c{path(), {std::chrono::seconds(10), false}};
    const rows r = c.query(sql, {});
    return r.empty() || r[0].empty() || !r[0][0] ? std::string() : *r[0][0];
  }
  long long count(const std::string& sql) const { return std::stoll(scalar("SELECT count(*) FROM (" + sql + ")")); }
  void run(const std::string& sql) const {
    sqlite::connection c{path(), {std::chrono::seconds(10), false}};
    c.execute(sql);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace strata::testing
