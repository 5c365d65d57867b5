// Two releases of one service, for the rolling-deploy tests (README "Rolling deploys"):
//   strata_release_service 1|2 serve   migrates at start-up (DATABASE_URL, STRATA_*), prints
//                                      "serving" and runs until SIGTERM or SIGINT; exits 0 then
//   strata_release_service 1|2 ARGS... the command line of that release
// Release 2 adds a column before its deploy and drops the one it replaces after it.
#include <csignal>
#include <iostream>
#include <string_view>

#include <strata/cli.hpp>
#include <strata/pq.hpp>
#include <strata/startup.hpp>

namespace release1 {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, name text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct orders : strata::migration<"0002_orders", "0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint)"};
  static constexpr strata::sql down{"DROP TABLE orders"};
};
using migrations = strata::registry<users, orders>;
}  // namespace release1

namespace release2 {
struct add_display_name : strata::migration<"0003_add_display_name", "0002_orders"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN display_name text"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN display_name"};
};
struct drop_name : strata::migration<"0004_drop_name", "0003_add_display_name"> {
  static constexpr auto phase = strata::after_deploy;
  static constexpr strata::sql up{"ALTER TABLE users DROP COLUMN name"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN name text"};
};
using migrations = strata::registry<release1::users, release1::orders, add_display_name, drop_name>;
}  // namespace release2

template <class R>
int serve() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before any thread starts: the heartbeat's inherits it
  try {
    const strata::report r = strata::migrate_on_startup<R>(strata::startup_config::from_env());
    std::cout << r << "\nserving" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << e.what() << std::endl;
    return strata::exit_code_of(e);
  }
  int signal = 0;
  sigwait(&stop, &signal);
  return 0;  // a clean exit: the instance deregisters
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: strata_release_service 1|2 serve|COMMAND...\n";
    return 2;
  }
  const bool second = std::string_view(argv[1]) == "2";
  if (std::string_view(argv[2]) == "serve") return second ? serve<release2::migrations>() : serve<release1::migrations>();
  return second ? strata::cli::main<release2::migrations>(argc - 1, argv + 1)
                : strata::cli::main<release1::migrations>(argc - 1, argv + 1);
}
