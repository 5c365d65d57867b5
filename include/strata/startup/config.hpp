#pragma once
// strata::startup_config: how a service migrates at start-up. from_env() is the only place
// strata reads the environment; a config can as well be built in code.

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <string_view>

#include "../core/errors.hpp"
#include "../core/log.hpp"
#include "../core/options.hpp"
#include "../core/backoff.hpp"
#include "../core/redact.hpp"

namespace strata {

// Writes "2024-01-01T12:00:00.123Z strata <level>: message" lines to stderr, one line each.
inline log_sink stderr_sink(log_level min_level = log_level::info) {
  return [min_level](log_level level, std::string_view message) {
    if (level < min_level) return;
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms));
    std::string line = std::string(stamp) + " strata " + level_name(level) + ": " + one_line(message) + "\n";
    std::cerr << line << std::flush;
  };
}

struct startup_config {
  std::string database_url{};                                  // DATABASE_URL
  std::chrono::milliseconds retry_for{std::chrono::seconds(30)};  // STRATA_RETRY_FOR (seconds; 0: one attempt)
  strata::backoff backoff{};                                   // STRATA_RETRY_BASE_MS, STRATA_RETRY_CAP_MS
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(60)};  // STRATA_LOCK_TIMEOUT (seconds): strata's own lock
  // PostgreSQL's lock_timeout and statement_timeout for each migration, and the retry budget when
  // a migration gives up waiting for a table lock (see options).
  std::chrono::milliseconds pg_lock_timeout{std::chrono::seconds(1)};        // STRATA_PG_LOCK_TIMEOUT_MS
  std::chrono::milliseconds pg_statement_timeout{0};                         // STRATA_PG_STATEMENT_TIMEOUT_MS
  std::chrono::milliseconds lock_retry_for{std::chrono::minutes(10)};        // STRATA_LOCK_RETRY_FOR (seconds)
  std::string schema{};                                        // STRATA_SCHEMA
  std::string history_table = "strata_history";                // STRATA_HISTORY_TABLE
  std::string log_table = "strata_log";                        // STRATA_LOG_TABLE
  std::string instances_table = "strata_instances";            // STRATA_INSTANCES_TABLE
  // The instance's heartbeat (README "Rolling deploys"): it counts as live for three of them
  // after the last; 0: the instance does not register (it holds no after_deploy revision back).
  std::chrono::milliseconds instance_heartbeat{std::chrono::seconds(10)};  // STRATA_INSTANCE_HEARTBEAT (seconds)
  strata::mode mode = mode::per_migration;                     // STRATA_MODE: per-migration | single-transaction
  strata::pooling pooling = pooling::detect;                   // STRATA_POOLING: detect | direct | transaction
  std::string target{};                                        // STRATA_TARGET (default: head)
  bool allow_unknown_revisions = false;                        // STRATA_ALLOW_UNKNOWN_REVISIONS: true | false
  log_level level = log_level::info;                           // STRATA_LOG_LEVEL: debug | info | warning | error
  log_sink log{};                                              // empty: stderr at `level`

  // Injectable for tests: the clock, the sleeper and the jitter source.
  std::function<std::chrono::steady_clock::time_point()> now{};
  std::function<void(std::chrono::milliseconds)> sleep{};
  std::function<double()> random_unit{};

  // Reads DATABASE_URL and the STRATA_* variables above; a malformed value is a config_error
  // naming the variable.
  static startup_config from_env() {
    return from_env([](const char* name) -> const char* { return std::getenv(name); });
  }
  static startup_config from_env(const std::function<const char*(const char*)>& getenv);

  options executor_options() const {
    options o;
    o.target = target;
    o.mode = mode;
    o.pooling = pooling;
    o.schema = schema;
    o.history_table = history_table;
    o.log_table = log_table;
    o.instances_table = instances_table;
    o.lock_timeout = lock_timeout;
    o.pg_lock_timeout = pg_lock_timeout;
    o.pg_statement_timeout = pg_statement_timeout;
    o.lock_retry_for = lock_retry_for;
    o.allow_unknown_revisions = allow_unknown_revisions;
    o.log = sink();
    return o;
  }
  log_sink sink() const { return log ? log : stderr_sink(level); }
};

namespace detail {

inline long long parse_count(std::string_view variable, std::string_view text) {
  long long value = 0;
  if (text.empty()) throw config_error(std::string(variable) + " is empty; expected a whole number");
  for (char c : text) {
    if (c < '0' || c > '9')
      throw config_error(std::string(variable) + "='" + std::string(text) + "' is not a whole number >= 0");
    value = value * 10 + (c - '0');
    if (value > 100'000'000) throw config_error(std::string(variable) + "='" + std::string(text) + "' is too large");
  }
  return value;
}

inline bool parse_bool(std::string_view variable, std::string_view text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  throw config_error(std::string(variable) + "='" + std::string(text) + "': expected true or false");
}

inline strata::mode parse_mode(std::string_view variable, std::string_view text) {
  if (text == "per-migration") return mode::per_migration;
  if (text == "single-transaction") return mode::single_transaction;
  throw config_error(std::string(variable) + "='" + std::string(text) + "': expected per-migration or single-transaction");
}

inline strata::pooling parse_pooling(std::string_view variable, std::string_view text) {
  if (text == "detect") return pooling::detect;
  if (text == "direct") return pooling::direct;
  if (text == "transaction") return pooling::transaction;
  throw config_error(std::string(variable) + "='" + std::string(text) + "': expected detect, direct or transaction");
}

inline log_level parse_level(std::string_view variable, std::string_view text) {
  for (log_level l : {log_level::debug, log_level::info, log_level::warning, log_level::error})
    if (text == level_name(l)) return l;
  throw config_error(std::string(variable) + "='" + std::string(text) + "': expected debug, info, warning or error");
}

}  // namespace detail

inline startup_config startup_config::from_env(const std::function<const char*(const char*)>& getenv) {
  startup_config c;
  auto read = [&](const char* name, auto&& apply) {
    if (const char* v = getenv(name); v != nullptr) apply(std::string_view(v));
  };
  read("DATABASE_URL", [&](std::string_view v) { c.database_url = v; });
  read("STRATA_RETRY_FOR", [&](std::string_view v) { c.retry_for = std::chrono::seconds(detail::parse_count("STRATA_RETRY_FOR", v)); });
  read("STRATA_RETRY_BASE_MS", [&](std::string_view v) {
    c.backoff.base = std::chrono::milliseconds(detail::parse_count("STRATA_RETRY_BASE_MS", v));
    if (c.backoff.base < backoff::least)  // a tight reconnect loop would hammer a database coming up
      throw config_error("STRATA_RETRY_BASE_MS='" + std::string(v) + "' is below " + std::to_string(backoff::least.count()) + " ms");
  });
  read("STRATA_RETRY_CAP_MS", [&](std::string_view v) { c.backoff.cap = std::chrono::milliseconds(detail::parse_count("STRATA_RETRY_CAP_MS", v)); });
  read("STRATA_LOCK_TIMEOUT", [&](std::string_view v) { c.lock_timeout = std::chrono::seconds(detail::parse_count("STRATA_LOCK_TIMEOUT", v)); });
  read("STRATA_PG_LOCK_TIMEOUT_MS", [&](std::string_view v) { c.pg_lock_timeout = std::chrono::milliseconds(detail::parse_count("STRATA_PG_LOCK_TIMEOUT_MS", v)); });
  read("STRATA_PG_STATEMENT_TIMEOUT_MS", [&](std::string_view v) { c.pg_statement_timeout = std::chrono::milliseconds(detail::parse_count("STRATA_PG_STATEMENT_TIMEOUT_MS", v)); });
  read("STRATA_LOCK_RETRY_FOR", [&](std::string_view v) { c.lock_retry_for = std::chrono::seconds(detail::parse_count("STRATA_LOCK_RETRY_FOR", v)); });
  read("STRATA_SCHEMA", [&](std::string_view v) { c.schema = v; });
  read("STRATA_HISTORY_TABLE", [&](std::string_view v) { c.history_table = v; });
  read("STRATA_LOG_TABLE", [&](std::string_view v) { c.log_table = v; });
  read("STRATA_INSTANCES_TABLE", [&](std::string_view v) { c.instances_table = v; });
  read("STRATA_INSTANCE_HEARTBEAT", [&](std::string_view v) {
    c.instance_heartbeat = std::chrono::seconds(detail::parse_count("STRATA_INSTANCE_HEARTBEAT", v));
  });
  read("STRATA_MODE", [&](std::string_view v) { c.mode = detail::parse_mode("STRATA_MODE", v); });
  read("STRATA_POOLING", [&](std::string_view v) { c.pooling = detail::parse_pooling("STRATA_POOLING", v); });
  read("STRATA_TARGET", [&](std::string_view v) { c.target = v; });
  read("STRATA_ALLOW_UNKNOWN_REVISIONS", [&](std::string_view v) { c.allow_unknown_revisions = detail::parse_bool("STRATA_ALLOW_UNKNOWN_REVISIONS", v); });
  read("STRATA_LOG_LEVEL", [&](std::string_view v) { c.level = detail::parse_level("STRATA_LOG_LEVEL", v); });
  if (c.backoff.cap < c.backoff.base)
    throw config_error("STRATA_RETRY_CAP_MS (" + std::to_string(c.backoff.cap.count()) + ") is below STRATA_RETRY_BASE_MS (" +
                       std::to_string(c.backoff.base.count()) + ")");
  if (c.history_table.empty() || c.log_table.empty() || c.instances_table.empty())
    throw config_error("STRATA_HISTORY_TABLE, STRATA_LOG_TABLE and STRATA_INSTANCES_TABLE must not be empty");
  return c;
}

}  // namespace strata
