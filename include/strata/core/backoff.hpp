#pragma once
// Exponential backoff, the one of every wait that strata repeats: attempt n's ceiling is
// min(cap, base * 2^n). Start-up's reconnects wait a full jitter below it, a migration that gave up
// on a table lock at least half of it (the sessions holding the lock get time to finish), and the
// migration lock is polled at the ceiling itself.

#include <algorithm>
#include <chrono>

namespace strata {

struct backoff {
  static constexpr std::chrono::milliseconds least{10};  // the smallest base STRATA_RETRY_BASE_MS accepts
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};

  std::chrono::milliseconds ceiling(unsigned attempt) const {
    long long c = base.count();
    for (unsigned i = 0; i < attempt && c < cap.count(); ++i) c *= 2;
    return std::chrono::milliseconds(std::min<long long>(c, cap.count()));
  }
  // Full jitter: uniform in [0, ceiling), `unit` a uniform random number in [0, 1); the base is at
  // least `least`, so reconnects never hammer a database that is coming up.
  std::chrono::milliseconds delay(unsigned attempt, double unit) const {
    const backoff floored{std::max(base, least), cap};
    return std::chrono::milliseconds(static_cast<long long>(unit * static_cast<double>(floored.ceiling(attempt).count())));
  }
  // Equal jitter: in [ceiling / 2, ceiling).
  std::chrono::milliseconds delay_of_at_least_half(unsigned attempt, double unit) const {
    const long long c = ceiling(attempt).count();
    return std::chrono::milliseconds(c / 2 + static_cast<long long>(unit * 0.5 * static_cast<double>(c)));
  }
};

}  // namespace strata
