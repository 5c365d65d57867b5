#pragma once
// The command line's `fleet upgrade|status|check`: the URL file, SIGTERM, the progress line, and
// each target as a line of text or a JSON object (README "Fleets").

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/errors.hpp"
#include "../detail/text.hpp"
#include "../fleet/fleet.hpp"

namespace strata::cli::detail {

// One URL a line; blank lines and lines starting with # are left out. Nullopt: unreadable.
inline std::optional<std::vector<std::string>> read_url_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::vector<std::string> urls;
  for (std::string line; std::getline(in, line);) {
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::size_t last = line.find_last_not_of(" \t\r");
    urls.push_back(line.substr(first, last - first + 1));
  }
  return urls;
}

// While it lives, SIGTERM and SIGINT request a stop (no new target starts; running ones finish
// their revision) instead of ending the process; a second one ends it at once. A thread waits
// for them, so no signal handler and no global flag is needed.
class stop_on_signals {
 public:
  stop_on_signals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals_, &before_);  // the threads started from here on inherit it
    watcher_ = std::jthread([this] {
      const timespec tick{0, 100'000'000};
      while (!done_) {
        const int got = sigtimedwait(&signals_, nullptr, &tick);
        if (got <= 0 || done_) continue;
        if (source_.stop_requested()) std::_Exit(128 + got);
        source_.request_stop();
      }
    });
  }
  stop_on_signals(const stop_on_signals&) = delete;
  stop_on_signals& operator=(const stop_on_signals&) = delete;
  ~stop_on_signals() {
    done_ = true;
    pthread_kill(watcher_.native_handle(), SIGTERM);  // wakes it now rather than at its next tick
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &before_, nullptr);
  }
  std::stop_token token() const { return source_.get_token(); }

 private:
  sigset_t signals_{}, before_{};
  std::stop_source source_;
  std::atomic<bool> done_{false};
  std::jthread watcher_;
};

inline nlohmann::json to_json(const fleet_result& t) {
  nlohmann::json j{{"target", t.name},
                   {"outcome", outcome_name(t.outcome)},
                   {"head_before", t.head_before},
                   {"head_after", t.head_after},
                   {"applied", t.applied},
                   {"pending", t.pending},
                   {"ms", t.duration.count()}};
  j["error"] = t.ok() ? nlohmann::json(nullptr) : nlohmann::json{{"code", t.error_code}, {"message", t.message}};
  return j;
}

// A target as a line (a failure's further lines indented under it); none for a target up to
// date unless `all` (status).
inline std::string fleet_line(const fleet_result& t, bool all) {
  const std::string head = t.head_after.empty() ? std::string("(none)") : t.head_after;
  switch (t.outcome) {
    case fleet_outcome::up_to_date: return all ? "up to date  " + t.name + " at " + head + "\n" : std::string();
    case fleet_outcome::applied:
      return "applied     " + t.name + ": " + strata::detail::count_of(t.applied.size(), "revision") + " (" +
             t.applied.front() + (t.applied.size() > 1 ? " .. " + t.applied.back() : std::string()) + ") in " +
             std::to_string(t.duration.count()) + " ms, head " + head + "\n";
    case fleet_outcome::pending:
      return "pending     " + t.name + ": " + strata::detail::count_of(t.pending.size(), "revision") + ", next " +
             t.pending.front() + " (head " + head + ")\n";
    case fleet_outcome::stopped:
    case fleet_outcome::failed:
    case fleet_outcome::not_started: {
      std::string message = t.message;
      for (std::size_t at = message.find('\n'); at != std::string::npos; at = message.find('\n', at + 5))
        message.replace(at, 1, "\n    ");
      const char* word = t.outcome == fleet_outcome::failed ? "FAILED      " : t.outcome == fleet_outcome::stopped ? "stopped     " : "not started ";
      return word + t.name + ": " + t.error_code + ": " + message + "\n";
    }
  }
  return {};
}

// "4.2 s"
inline std::string seconds_text(std::chrono::steady_clock::duration d) {
  const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

inline std::string fleet_summary(const fleet_report& r) {
  std::string s = "fleet " + r.action + ": " + strata::detail::count_of(r.targets.size(), "target") + ", " +
                  std::to_string(r.count(fleet_outcome::up_to_date)) + " up to date";
  if (r.action == "upgrade") s += ", " + std::to_string(r.count(fleet_outcome::applied)) + " upgraded";
  else s += ", " + std::to_string(r.count(fleet_outcome::pending)) + " pending";
  s += ", " + std::to_string(r.count(fleet_outcome::failed)) + " failed";
  if (const std::size_t n = r.count(fleet_outcome::not_started)) s += ", " + std::to_string(n) + " not started";
  if (const std::size_t n = r.count(fleet_outcome::stopped)) s += ", " + std::to_string(n) + " stopped";
  return s + " in " + seconds_text(r.duration) + "\n";
}

// The progress line a terminal shows while a fleet runs: done / failed / total, elapsed.
inline std::string progress_line(std::string_view action, std::size_t done, std::size_t failed, std::size_t total,
                                 std::chrono::steady_clock::duration elapsed) {
  return "\rfleet " + std::string(action) + ": " + std::to_string(done) + "/" + std::to_string(total) + " done, " +
         std::to_string(failed) + " failed, " + seconds_text(elapsed);
}

inline bool is_terminal(const std::ostream& stream) { return &stream == &std::cerr && isatty(STDERR_FILENO) == 1; }

}  // namespace strata::cli::detail
