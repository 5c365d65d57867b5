#pragma once
// Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2^n)).

#include <algorithm>
#include <chrono>

namespace strata {

struct backoff {
  static constexpr std::chrono::milliseconds least{10};  // the smallest base STRATA_RETRY_BASE_MS accepts
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{5000};

  // `unit` is a uniform random number in [0, 1).
  std::chrono::milliseconds delay(unsigned attempt, double unit) const {
    long long ceiling = std::max(base, least).count();
    for (unsigned i = 0; i < attempt && ceiling < cap.count(); ++i) ceiling *= 2;
    ceiling = std::min<long long>(ceiling, cap.count());
    return std::chrono::milliseconds(static_cast<long long>(unit * static_cast<double>(ceiling)));
  }
};

}  // namespace strata
