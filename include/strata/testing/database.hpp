#pragma once
// strata::testing::database: a fresh, empty database for one test, dropped when the object goes
// (also when the test failed or threw).

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

#include <unistd.h>

#include "../adapters/libpq_url.hpp"
#include "../adapters/pqxx.hpp"
#include "../backend/postgresql/dialect.hpp"
#include "kit.hpp"
#include "server.hpp"

namespace strata::testing {

class database {
 public:
  // On the kit's server (server.hpp).
  database() : database(server_url()) {}
  // On the server at `server_url` (any database of it; the role must be allowed to create one).
  explicit database(std::string server_url) : server_(std::move(server_url)) {
    static std::atomic<unsigned> counter{0};  // unique names within the process
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(std::random_device{}()));
    name_ = "strata_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + suffix;
    url_ = pq::with_database(server_, name_);
    create();
  }
  ~database() {
    try {
      drop();
    } catch (...) {  // a server already gone leaves nothing to drop
    }
  }
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  // Connection string of this database (key=value form).
  const std::string& url() const noexcept { return url_; }
  const std::string& name() const noexcept { return name_; }

  // Runs SQL (one or more statements) on a connection of its own.
  void execute(std::string_view sql) const {
    pq::connection c(url_);
    c.execute(sql);
  }
  // The first column of the first row as text; "" for NULL or no row.
  std::string value(std::string_view sql) const {
    pq::connection c(url_);
    const rows r = c.query(sql, {});
    return r.empty() || r[0].empty() || !r[0][0] ? std::string() : *r[0][0];
  }

  // Empty again: dropped and created anew under the same name.
  void recreate() {
    drop();
    create();
  }

 private:
  void create() {
    pq::connection admin(server_);
    admin.execute("CREATE DATABASE " + postgresql::quote_identifier(name_));
  }
  void drop() {
    pq::connection admin(server_);
    admin.execute("DROP DATABASE IF EXISTS " + postgresql::quote_identifier(name_) + " WITH (FORCE)");
  }

  std::string server_, name_, url_;
};

template <>
struct kit<postgresql::dialect> {
  using database = testing::database;
  using connection = pq::connection;
};

}  // namespace strata::testing
