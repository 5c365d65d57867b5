#pragma once
// Connecting with retries while the database comes up, for any database's connection: exponential
// backoff with full jitter up to a deadline, every attempt logged without secrets. Used by start-up
// (startup.hpp) and the command line.

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "../core/errors.hpp"
#include "../core/log.hpp"
#include "../core/redact.hpp"
#include "config.hpp"

namespace strata {

namespace detail {

struct retry_clock {
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random_unit;

  explicit retry_clock(const startup_config& c) : now(c.now), sleep(c.sleep), random_unit(c.random_unit) {
    if (!now) now = [] { return std::chrono::steady_clock::now(); };
    if (!sleep) sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    if (!random_unit) {
      auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
      random_unit = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
    }
  }
};

}  // namespace detail

// A sink that receives each line on one line and without the secrets of `secrets`.
inline log_sink guarded_sink(log_sink sink, secret_filter secrets) {
  return [sink = std::move(sink), secrets = std::move(secrets)](log_level level, std::string_view message) {
    sink(level, secrets(one_line(message)));
  };
}

namespace detail {

// "4 attempts over 5.0 s"
inline std::string attempts_over(unsigned attempts, std::chrono::steady_clock::duration spent) {
  const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(spent).count() / 100;
  return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts") + " over " + std::to_string(tenths / 10) +
         "." + std::to_string(tenths % 10) + " s";
}

// The message of a strata error without its code ("strata.connection_failed: "), to throw it
// again with more said.
inline std::string message_of(const error& e) {
  const std::string_view what = e.what(), code = code_name(e.code());
  return std::string(what.starts_with(code) ? what.substr(std::min(code.size() + 2, what.size())) : what);
}

}  // namespace detail

namespace detail {

// with_retries, given the URL's secrets and the sink that already leaves them out.
template <class Work, class Connect>
auto with_retries_logged(const startup_config& cfg, const secret_filter& secrets, const log_sink& log, Connect&& connect,
                         Work&& work) {
  detail::retry_clock clock(cfg);
  const std::string shown = secrets(redact_url(cfg.database_url));
  const auto started = clock.now();
  const auto deadline = started + cfg.retry_for;
  for (unsigned attempt = 0;; ++attempt) {
    try {
      log(attempt == 0 ? log_level::info : log_level::debug,
          "connecting to " + shown + " (attempt " + std::to_string(attempt + 1) + ")");
      auto conn = connect(cfg.database_url);
      return work(conn);
    } catch (const connection_error& e) {
      if (!e.retryable()) throw;  // the caller reports it
      const auto now = clock.now();
      if (now >= deadline) {
        if (cfg.retry_for <= std::chrono::milliseconds::zero()) throw;  // one attempt was asked for
        throw connection_error(
            detail::message_of(e) + " (the last of " + detail::attempts_over(attempt + 1, now - started) + ")", true);
      }
      const auto delay = std::min(cfg.backoff.delay(attempt, clock.random_unit()),
                                  std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
      log(log_level::warning, "attempt " + std::to_string(attempt + 1) + " failed: " + e.what() + "; retrying in " +
                                  std::to_string(delay.count()) + " ms");
      clock.sleep(delay);
    }
  }
}

}  // namespace detail

}  // namespace strata
