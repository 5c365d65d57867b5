#pragma once
// The PostgreSQL server the testing kit creates its databases on: $STRATA_TEST_DATABASE_URL (a role
// that may create databases), or else a throwaway cluster the kit starts once per test process
// (initdb and pg_ctl in a temporary folder, reached through a Unix socket only) and removes at exit.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace strata::testing {

// Why the kit has no server; a test that needs one fails with it, never skips.
class no_server_error : public std::runtime_error {
 public:
  explicit no_server_error(const std::string& why)
      : std::runtime_error("strata::testing: no PostgreSQL to test against: " + why +
                           ". Set STRATA_TEST_DATABASE_URL to a server where the role may create databases "
                           "(postgresql://user:password@host:port/postgres), or install PostgreSQL's server "
                           "programs (initdb, pg_ctl; Debian: apt-get install postgresql) so the kit starts a "
                           "throwaway one") {}
};

namespace detail {

inline std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The folder holding initdb and pg_ctl: $STRATA_TEST_POSTGRES_BIN alone when set; else $PATH,
// then Debian's folders (the newest version first), then a source build's.
inline std::filesystem::path postgres_programs() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* chosen = std::getenv("STRATA_TEST_POSTGRES_BIN"); chosen != nullptr && *chosen != '\0') {
    if (::access((fs::path(chosen) / "initdb").c_str(), X_OK) == 0) return chosen;
    return {};
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty()) candidates.emplace_back(dir);
  }
  std::error_code ec;
  std::vector<fs::path> debian;
  for (const auto& version : fs::directory_iterator("/usr/lib/postgresql", ec)) debian.push_back(version.path() / "bin");
  std::sort(debian.begin(), debian.end(), [](const fs::path& a, const fs::path& b) {
    const auto number = [](const fs::path& p) { return std::atoi(p.parent_path().filename().c_str()); };
    return number(a) > number(b);  // the newest first
  });
  candidates.insert(candidates.end(), debian.begin(), debian.end());
  candidates.emplace_back("/usr/local/pgsql/bin");
  for (const auto& dir : candidates)
    if (::access((dir / "initdb").c_str(), X_OK) == 0 && ::access((dir / "pg_ctl").c_str(), X_OK) == 0) return dir;
  return {};
}

// A cluster in a temporary folder, listening on a socket in that folder only. PostgreSQL refuses
// to run as root: as root, the server runs as the `postgres` user.
class throwaway_server {
 public:
  throwaway_server() {
    namespace fs = std::filesystem;
    const fs::path programs = postgres_programs();
    if (programs.empty())
      throw no_server_error("STRATA_TEST_DATABASE_URL is not set and initdb/pg_ctl were not found" +
                            std::string(std::getenv("STRATA_TEST_POSTGRES_BIN") ? " in $STRATA_TEST_POSTGRES_BIN" : ""));
    std::string pattern = (fs::temp_directory_path() / "strata-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw no_server_error("could not create a temporary folder for a throwaway server");
    dir_ = pattern;
    std::string as_owner;
    if (::geteuid() == 0) {
      const passwd* postgres = ::getpwnam("postgres");
      if (postgres == nullptr)
        throw no_server_error("running as root, and there is no `postgres` user to run a throwaway server as");
      if (::chown(dir_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0)
        throw no_server_error("could not hand the temporary folder to the `postgres` user");
      as_owner = "runuser -u postgres -- ";
    }
    const std::string data = shell_quoted((dir_ / "data").string());
    run(as_owner + shell_quoted((programs / "initdb").string()) + " -D " + data +
            " -U postgres -A trust -E UTF8 --locale=C --no-sync > " + shell_quoted((dir_ / "initdb.log").string()) +
            " 2>&1",
        "initdb", dir_ / "initdb.log");
    pg_ctl_ = as_owner + shell_quoted((programs / "pg_ctl").string()) + " -D " + data;
    run(pg_ctl_ + " -l " + shell_quoted((dir_ / "server.log").string()) + " -w -t 60 -o " +
            shell_quoted("-k " + shell_quoted(dir_.string()) +
                         " -p 5432 -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
                         " -c full_page_writes=off -c max_connections=200") +
            " start > /dev/null 2>&1",
        "pg_ctl start", dir_ / "server.log");
    started_ = true;
    url_ = "host='" + dir_.string() + "' port=5432 user=postgres dbname=postgres";
  }
  ~throwaway_server() {
    if (started_) (void)std::system((pg_ctl_ + " -m immediate -w stop > /dev/null 2>&1").c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  throwaway_server(const throwaway_server&) = delete;
  throwaway_server& operator=(const throwaway_server&) = delete;

  const std::string& url() const { return url_; }

 private:
  void run(const std::string& command, const char* what, const std::filesystem::path& log) {
    if (std::system(command.c_str()) == 0) return;
    std::ifstream in(log);
    std::string tail, line;
    while (std::getline(in, line)) tail += "\n  " + line;
    std::error_code ec;
    if (!started_) std::filesystem::remove_all(dir_, ec);
    throw no_server_error(std::string(what) + " failed for a throwaway server:" + tail);
  }

  std::filesystem::path dir_;
  std::string pg_ctl_, url_;
  bool started_ = false;
};

}  // namespace detail

// The server to create test databases on. The throwaway server is started on first use and stopped
// when the test process exits: the one process-wide object of the kit, since a server per test
// would cost a second each. Throws no_server_error when there is none.
inline std::string server_url() {
  if (const char* url = std::getenv("STRATA_TEST_DATABASE_URL"); url != nullptr && *url != '\0') return url;
  struct started {
    std::unique_ptr<detail::throwaway_server> server;
    std::string failure;
  };
  static const started once = [] {
    started s;
    try {
      s.server = std::make_unique<detail::throwaway_server>();
    } catch (const std::exception& e) {
      s.failure = e.what();
    }
    return s;
  }();
  if (!once.server) throw std::runtime_error(once.failure);
  return once.server->url();
}

}  // namespace strata::testing
