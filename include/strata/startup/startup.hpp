#pragma once
// Migrating at service start-up: connect with retries while the database comes up, upgrade,
// log every step without secrets. Blocking (migrate_on_startup) or in the background
// (migrate_async).

#include <algorithm>
#include <chrono>
#include <future>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "../adapters/libpq_url.hpp"
#include "../adapters/pqxx.hpp"
#include "../exec/executor.hpp"
#include "config.hpp"
#include "exit_code.hpp"
#include "instance.hpp"
#include "retries.hpp"
#include "../core/redact.hpp"

namespace strata {

// Runs `work(connection&)` on a fresh connection, retrying connection failures that waiting can
// heal, with exponential backoff and full jitter, until cfg.retry_for has passed: a wait is cut
// short at the deadline, so the last attempt is made there, and the error of that attempt says it
// was the last. Errors that waiting cannot heal (authentication, unknown database or role,
// malformed URL, SQL errors, validation) are thrown at once.
template <class Work, class Connect>
auto with_retries(const startup_config& cfg, Connect&& connect, Work&& work) {
  const secret_filter secrets = pq::secrets_of(cfg.database_url);
  return detail::with_retries_logged(cfg, secrets, guarded_sink(cfg.sink(), secrets), std::forward<Connect>(connect),
                                     std::forward<Work>(work));
}

// with_retries over a libpqxx connection to cfg.database_url.
template <class Work>
auto with_pq_connection(const startup_config& cfg, Work&& work) {
  return with_retries(cfg, [](const std::string& url) { return pq::connection{url}; }, std::forward<Work>(work));
}

// Upgrades the database of cfg.database_url to cfg.target (default: head). Blocking. The
// executor logs each revision and the outcome.
// The URL is read once: its secrets and whether it may be used; the log sink is guarded once.
// The instance registers first (unless cfg.instance_heartbeat is 0) and stays registered until
// the process exits: a start that fails deregisters at once (README "Rolling deploys").
template <class R>
report migrate_on_startup(const startup_config& cfg) {
  const pq::parsed_url url = pq::parse_url(cfg.database_url);
  if (!url.problem.empty()) throw config_error(url.problem);
  startup_config guarded = cfg;
  guarded.log = guarded_sink(cfg.sink(), url.secrets);
  const options o = guarded.executor_options();
  const bool registers = cfg.instance_heartbeat > std::chrono::milliseconds::zero();
  const std::string key = cfg.database_url + '\n' + o.schema + '\n' + o.instances_table + '\n' + std::string(R::head);
  detail::process_registrations* registrations = nullptr;
  bool first = false, beating = false;
  detail::instance_identity me;
  report r;
  try {
    r = detail::with_retries_logged(
        guarded, url.secrets, guarded.log, [](const std::string& u) { return pq::connection{u}; },
        [&](pq::connection& conn) {
          if (registers) {
            // Reached once a connection is open: the registrations are then destroyed at exit before
            // what the database library set up for it (its TLS), which deregistering still needs.
            if (!registrations) {
              registrations = &detail::process_registrations::of_this_process();
              me = registrations->identity(key, R::head, first);
            }
            detail::write_registration(conn, o, me, cfg.instance_heartbeat);
            // Beating from now on, so that a long upgrade does not outlast the row. The heartbeat
            // outlives this call, and the caller's sink may not: it writes to stderr.
            if (first && !beating) {
              beating = true;
              options beat = o;
              beat.log = guarded_sink(stderr_sink(log_level::warning), url.secrets);
              registrations->keep(key, std::make_unique<detail::instance_heartbeat>(cfg.database_url, beat, me,
                                                                                   cfg.instance_heartbeat));
            }
          }
          return upgrade<R>(conn, o);
        });
  } catch (...) {
    if (registrations && first) registrations->forget(key);  // its heartbeat deregisters as it stops
    throw;
  }
  return r;
}

// The same on a thread of its own; the future carries the report or the error.
template <class R>
std::future<report> migrate_async(startup_config cfg) {
  return std::async(std::launch::async, [cfg = std::move(cfg)] { return migrate_on_startup<R>(cfg); });
}

}  // namespace strata
