#pragma once
// Real PostgreSQL for tests: the server at $STRATA_TEST_DATABASE_URL, or the throwaway cluster
// the CTest fixture started (its URL in the file $STRATA_TEST_DATABASE_URL_FILE). Every test gets
// a database of its own, so tests can run in parallel.

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <pqxx/pqxx>

namespace strata::testing {

inline std::string server_url() {
  if (const char* url = std::getenv("STRATA_TEST_DATABASE_URL"); url && *url) return url;
  if (const char* file = std::getenv("STRATA_TEST_DATABASE_URL_FILE"); file && *file) {
    std::ifstream in(file);
    std::string url;
    if (std::getline(in, url) && !url.empty()) return url;
  }
  throw std::runtime_error("no PostgreSQL: set STRATA_TEST_DATABASE_URL or run through ctest (fixture pg)");
}

// The server URL with another database name.
inline std::string with_database(const std::string& url, const std::string& name) {
  const auto query = url.find('?');
  const std::string base = url.substr(0, query);
  const auto slash = base.rfind('/');
  std::string out = base.substr(0, slash) + "/" + name;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

// Creates an empty database for one test; dropped when the object goes.
class scratch_database {
 public:
  explicit scratch_database(const std::string& label) {
    static std::atomic<int> counter{0};
    name_ = "strata_t_" + label + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(server_url());
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + admin.quote_name(name_));
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + admin.quote_name(name_));
    url_ = with_database(server_url(), name_);
  }
  ~scratch_database() {
    try {
      pqxx::connection admin(server_url());
      pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + admin.quote_name(name_) + " WITH (FORCE)");
    } catch (...) {
    }
  }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // One value from a query, as text ("" for NULL).
  std::string scalar(const std::string& sql) const {
    pqxx::connection c(url_);
    pqxx::nontransaction tx(c);
    const pqxx::result r = tx.exec(sql);
    if (r.empty() || r[0][0].is_null()) return "";
    return r[0][0].c_str();
  }
  long long count(const std::string& sql) const { return std::stoll(scalar("SELECT count(*) FROM (" + sql + ") q")); }
  void run(const std::string& sql) const {
    pqxx::connection c(url_);
    pqxx::nontransaction(c).exec(sql);
  }

 private:
  std::string name_, url_;
};

}  // namespace strata::testing
