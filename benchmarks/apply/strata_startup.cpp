// The no-op start-up as a service makes it: bench_strata_startup URL. Prints the milliseconds
// migrate_on_startup took (the instance's registration included unless STRATA_INSTANCE_HEARTBEAT=0);
// the exit, which deregisters, is not part of it.
#include <chrono>
#include <iostream>

#include <strata/startup.hpp>

#include "migrations_200.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: bench_strata_startup URL\n";
    return 2;
  }
  try {
    strata::startup_config cfg = strata::startup_config::from_env();
    cfg.database_url = argv[1];
    cfg.level = strata::log_level::warning;
    const auto started = std::chrono::steady_clock::now();
    const strata::report r = strata::migrate_on_startup<bench::migrations>(cfg);
    const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    std::cout << took.count() << "\n";
    return r.changed() ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
