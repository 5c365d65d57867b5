// Readers' worst stall behind a migration blocked by a long transaction, side by side in one run:
// the same ALTER TABLE sent by psql (which waits for its lock, queueing every later reader of the
// table behind it) and applied by strata with its defaults (a short lock_timeout, retried).
//   bench_lock_stall URL [BLOCK_SECONDS]   (URL: a database this program may create tables in)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <strata/pq.hpp>

namespace {

using namespace std::chrono_literals;

struct table : strata::migration<"0001_stall_table"> {
  static constexpr strata::sql up{"CREATE TABLE stall (id int); INSERT INTO stall SELECT generate_series(1, 1000)"};
  static constexpr strata::sql down{"DROP TABLE stall"};
};
struct alter : strata::migration<"0002_stall_alter", "0001_stall_table"> {
  static constexpr strata::sql up{"ALTER TABLE stall ADD COLUMN c int"};
  static constexpr strata::sql down{"ALTER TABLE stall DROP COLUMN c"};
};
using app = strata::registry<table, alter>;

// Runs `migrate` while a session holds a lock on the table for `block`, with 4 readers querying
// it every 20 ms; returns the worst reader wait in ms.
template <class Migrate>
long long worst_stall(const std::string& url, std::chrono::seconds block, Migrate&& migrate) {
  pqxx::connection holder(url);
  pqxx::work held(holder);
  held.exec("SELECT count(*) FROM stall");
  std::atomic<bool> stop{false};
  std::atomic<long long> worst{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i)
    readers.emplace_back([&] {
      pqxx::connection c(url);
      while (!stop) {
        const auto t0 = std::chrono::steady_clock::now();
        pqxx::nontransaction(c).exec("SELECT count(*) FROM stall");
        const long long ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        long long seen = worst.load();
        while (ms > seen && !worst.compare_exchange_weak(seen, ms)) {
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  std::thread release([&] {
    std::this_thread::sleep_for(block);
    held.commit();
  });
  migrate();
  release.join();
  std::this_thread::sleep_for(200ms);
  stop = true;
  for (auto& r : readers) r.join();
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_lock_stall URL [BLOCK_SECONDS]\n");
    return 2;
  }
  const std::string url = argv[1];
  const auto block = std::chrono::seconds(argc > 2 ? std::atoi(argv[2]) : 6);
  strata::pq::connection conn{url};
  { pqxx::connection c(url); pqxx::nontransaction(c).exec("DROP TABLE IF EXISTS stall; DROP TABLE IF EXISTS strata_history, strata_log"); }
  strata::upgrade<app>(conn, {.target = "0001_stall_table"});

  const std::string psql = "psql -q -X -d '" + url + "' -c 'ALTER TABLE stall ADD COLUMN c int' >/dev/null";
  const long long by_psql = worst_stall(url, block, [&] {
    if (std::system(psql.c_str()) != 0) std::fprintf(stderr, "psql failed\n");
  });
  { pqxx::connection c(url); pqxx::nontransaction(c).exec("ALTER TABLE stall DROP COLUMN c"); }

  const long long by_strata = worst_stall(url, block, [&] { strata::upgrade<app>(conn); });
  std::printf("blocker held for %lld s; readers' worst stall: psql %lld ms, strata %lld ms; ratio strata/psql %.3f\n",
              static_cast<long long>(block.count()), by_psql, by_strata,
              static_cast<double>(by_strata) / static_cast<double>(by_psql));
  strata::downgrade<app>(conn, {.target = "base"});
  return 0;
}
