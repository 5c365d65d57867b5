#pragma once
// strata::exit_code_of: the exit status a service returns when migrating at start-up failed, the
// command line's codes for the same failures, so that a deploy tells them apart alike.

#include <exception>

#include "../core/errors.hpp"

namespace strata {

// 1 a migration failed (or any other error), 2 a configuration error (a malformed or missing
// DATABASE_URL or STRATA_* value, an unknown STRATA_TARGET, a plan that cannot be carried out),
// 4 could not connect (also after every retry) or the connection was lost, 5 validation failed
// (an edited or unknown revision), 6 strata's migration lock was not acquired in time, 7 live
// instances of an older release hold back an after_deploy revision this start needs (or `finish`).
inline int exit_code_of(const std::exception& e) noexcept {
  if (const auto* known = dynamic_cast<const error*>(&e)) {
    switch (known->code()) {
      case error_code::migration_failed:
      case error_code::database: return 1;
      case error_code::bad_config:
      case error_code::bad_target: return 2;
      case error_code::connection_failed:
      case error_code::state_unknown: return 4;
      case error_code::validation_failed: return 5;
      case error_code::lock_timeout: return 6;
      case error_code::instances_running: return 7;
    }
  }
  return 1;
}

}  // namespace strata
