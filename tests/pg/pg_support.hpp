#pragma once
// Real PostgreSQL for tests: the server at $STRATA_TEST_DATABASE_URL, or the throwaway cluster
// the CTest fixture started (its URL in the file $STRATA_TEST_DATABASE_URL_FILE). Every test gets
// a database of its own, so tests can run in parallel.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

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

// One entry's first line of the server log ("2026-12-01 10:00:00.123 UTC [4242] LOG:  statement:
// ..."): the backend's pid, the kind (LOG, ERROR, DETAIL, STATEMENT, ...) and the text; false for
// any other line. Read by hand: std::regex recurses per character and overflows the stack on the
// long lines that other tests' sessions log meanwhile.
struct server_log_entry {
  std::string pid, kind, text;
};
inline bool parse_server_log_line(const std::string& line, server_log_entry& out) {
  const auto digits = [](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (line.size() < 24 || !digits(std::string_view(line).substr(0, 4)) || line[4] != '-' || line[10] != ' ' || line[19] != '.')
    return false;
  const std::size_t open = line.find(" [", 20);
  if (open == std::string::npos) return false;
  const std::size_t close = line.find("] ", open);
  if (close == std::string::npos || !digits(std::string_view(line).substr(open + 2, close - open - 2))) return false;
  const std::size_t colon = line.find(":  ", close + 2);
  if (colon == std::string::npos || colon == close + 2) return false;
  const std::string kind = line.substr(close + 2, colon - close - 2);
  if (!std::all_of(kind.begin(), kind.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return false;
  out = {line.substr(open + 2, close - open - 2), kind, line.substr(colon + 3)};
  return true;
}

}  // namespace strata::testing
