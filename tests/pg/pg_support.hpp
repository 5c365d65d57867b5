#pragma once
// Real PostgreSQL for tests: the server at $STRATA_TEST_DATABASE_URL, or the throwaway cluster
// the CTest fixture started (its URL in the file $STRATA_TEST_DATABASE_URL_FILE). Every test gets
// a database of its own, so tests can run in parallel.

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <strata/testing/database.hpp>

namespace strata::testing {

// The suite's server: $STRATA_TEST_DATABASE_URL, or the cluster the CTest fixture started.
inline std::string suite_server_url() {
  if (const char* url = std::getenv("STRATA_TEST_DATABASE_URL"); url && *url) return url;
  if (const char* file = std::getenv("STRATA_TEST_DATABASE_URL_FILE"); file && *file) {
    std::ifstream in(file);
    std::string url;
    if (std::getline(in, url) && !url.empty()) return url;
  }
  throw std::runtime_error("no PostgreSQL: set STRATA_TEST_DATABASE_URL or run through ctest (fixture pg)");
}

// A database of the kit (strata::testing::database) on the suite's server, with shorthands.
class scratch_database : public database {
 public:
  explicit scratch_database(const std::string& /*label*/) : database(suite_server_url()) {}

  std::string scalar(const std::string& sql) const { return value(sql); }
  long long count(const std::string& sql) const { return std::stoll(scalar("SELECT count(*) FROM (" + sql + ") q")); }
  void run(const std::string& sql) const { execute(sql); }
};

}  // namespace strata::testing
