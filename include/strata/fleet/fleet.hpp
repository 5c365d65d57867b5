#pragma once
// Fleets: one run over many databases (a URL each) or over the tenant schemas a query lists in
// one database. Each target is migrated as by `upgrade` (its own history, lock and validation),
// at most `jobs` at once on at most `jobs` connections, a canary group first; a failing target
// never stops the others, and the report says what became of every one (README "Fleets").

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../core/redact.hpp"
#include "../exec/executor.hpp"

namespace strata {

// What a fleet runs over: databases, or the schemas `schema_query` lists (its first column) in
// the database at `url`.
struct fleet_targets {
  std::vector<std::string> urls{};
  std::string url{};
  std::string schema_query{};
  bool of_schemas() const { return !schema_query.empty(); }
};

// Each URL a target, its history in the connection's current schema (or options.schema).
inline fleet_targets databases(std::vector<std::string> urls) { return {std::move(urls), {}, {}}; }

// Each schema the query lists a target: its history in that schema, its migrations run with that
// schema first on search_path.
inline fleet_targets schemas(std::string url, std::string query) { return {{}, std::move(url), std::move(query)}; }

enum class fleet_outcome {
  up_to_date,   // nothing to do
  applied,      // revisions applied, now at the head
  pending,      // status and check: revisions to apply
  failed,       // error_code and message say why; what it committed before stays applied
  not_started,  // a canary failed, or the run was stopped before this target's turn
  stopped,      // stopped after a revision: the rest is left for the next run
};

inline const char* outcome_name(fleet_outcome o) noexcept {
  switch (o) {
    case fleet_outcome::up_to_date: return "up_to_date";
    case fleet_outcome::applied: return "applied";
    case fleet_outcome::pending: return "pending";
    case fleet_outcome::failed: return "failed";
    case fleet_outcome::not_started: return "not_started";
    case fleet_outcome::stopped: return "stopped";
  }
  return "failed";
}

struct fleet_result {
  std::string name{};  // the database's URL with its password masked, or the schema
  fleet_outcome outcome = fleet_outcome::not_started;
  std::string head_before{}, head_after{};  // comma-separated heads, "" for none
  std::vector<std::string> applied{};       // by this run, in order
  std::vector<std::string> pending{};       // status and check: in apply order
  std::chrono::milliseconds duration{0};
  std::string error_code{};  // empty when it succeeded: strata.migration_failed, ..., strata.not_started
  std::string message{};     // the error, naming the revision and statement
  bool ok() const { return error_code.empty(); }
};

struct fleet_report {
  std::string action{};                 // "upgrade", "status", "check"
  std::vector<fleet_result> targets{};  // in the order of the targets
  std::chrono::milliseconds duration{0};

  std::size_t count(fleet_outcome o) const {
    return static_cast<std::size_t>(std::count_if(targets.begin(), targets.end(), [&](const fleet_result& t) { return t.outcome == o; }));
  }
  std::size_t failures() const {
    return static_cast<std::size_t>(std::count_if(targets.begin(), targets.end(), [](const fleet_result& t) { return !t.ok(); }));
  }
  bool ok() const { return failures() == 0; }
  bool up_to_date() const { return ok() && count(fleet_outcome::pending) == 0; }
};

// How far a fleet run is, as each target is done.
struct fleet_progress {
  std::size_t done = 0, failed = 0, total = 0;
};

struct fleet_options {
  std::size_t jobs = 4;    // at most this many targets at once, on at most this many connections
  std::size_t canary = 0;  // the first K targets run first; if one fails, no other target is touched
  strata::options run{};   // each target's options (a schema target's schema and search path are its own)
  std::stop_token stop{};  // requested: no target starts, a running one stops after its revision
  // Each target once it is done, one call at a time (progress lines).
  std::function<void(const fleet_result&, const fleet_progress&)> on_result{};
};

namespace detail {

template <class F>
concept url_connector = requires(F& f, const std::string& url) {
  { f(url) } -> connection;
};

enum class fleet_action { upgrade, status, check };

inline const char* fleet_action_name(fleet_action a) {
  return a == fleet_action::upgrade ? "upgrade" : a == fleet_action::status ? "status" : "check";
}

// A failed target: the error's code and message (its text without the code in front).
inline void record_failure(fleet_result& out, const std::exception& e) {
  out.outcome = fleet_outcome::failed;
  const auto* known = dynamic_cast<const error*>(&e);
  out.error_code = known ? code_name(known->code()) : "strata.error";
  std::string message = e.what();
  if (message.starts_with(out.error_code + ": ")) message = message.substr(out.error_code.size() + 2);
  out.message = std::move(message);
}

// One target on an open connection, as `upgrade`, `status` and `check` would do it alone.
template <class R, connection C>
void run_target(C& conn, fleet_action action, const options& o, fleet_result& out) {
  const catalog cat = catalog_of<R>();
  if (action == fleet_action::upgrade) {
    const report r = upgrade<R>(conn, o);
    for (const step& s : r.applied) out.applied.push_back(s.revision);
    out.head_before = r.head_before;
    out.head_after = r.head_after;
    out.outcome = r.stopped ? fleet_outcome::stopped : r.applied.empty() ? fleet_outcome::up_to_date : fleet_outcome::applied;
    if (r.stopped) {
      out.error_code = "strata.stopped";
      out.message = "stopped after " + count_of(r.applied.size(), "revision") + ": the next run applies the rest";
    }
    return;
  }
  auto bound = bind<R>(conn);
  if (action == fleet_action::check && history_at_head(bound, cat, o)) {  // the one round trip
    out.head_before = out.head_after = std::string(cat.entries[cat.size() - 1].id);
    out.outcome = fleet_outcome::up_to_date;
    return;
  }
  const state s = status<R>(conn, o);
  if (action == fleet_action::check) validate_state(s, o);
  out.head_before = out.head_after = join(s.heads);
  out.pending = s.pending;
  out.outcome = s.pending.empty() ? fleet_outcome::up_to_date : fleet_outcome::pending;
}

// Runs body(index, connection slot) for each of `todo`, at most `jobs` at once; each worker keeps
// its slot (an open connection, or none) from one target to the next. Stops taking targets once
// `stop` is requested.
template <class Slot, class Body>
void for_each_target(const std::vector<std::size_t>& todo, std::size_t jobs, std::vector<Slot>& slots,
                     const std::stop_token& stop, Body&& body) {
  std::atomic<std::size_t> next{0};
  auto work = [&](Slot& slot) {
    for (;;) {
      if (stop.stop_requested()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= todo.size()) return;
      body(todo[i], slot);
    }
  };
  const std::size_t workers = std::min({std::max<std::size_t>(jobs, 1), todo.size(), slots.size()});
  if (workers <= 1) {
    if (!todo.empty()) work(slots.front());
    return;
  }
  std::vector<std::jthread> threads;
  threads.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) threads.emplace_back([&, w] { work(slots[w]); });
}

template <class R, url_connector Connect>
fleet_report run_fleet(const fleet_targets& targets, const fleet_options& fo, Connect& connect, fleet_action action) {
  using Conn = std::remove_cvref_t<std::invoke_result_t<Connect&, const std::string&>>;
  using Slot = std::unique_ptr<Conn>;
  const auto started = std::chrono::steady_clock::now();
  const catalog cat = catalog_of<R>();
  fleet_report report;
  report.action = fleet_action_name(action);
  const std::size_t jobs = std::max<std::size_t>(fo.jobs, 1);
  std::vector<Slot> slots(jobs);
  std::vector<options> each;  // each target's
  if (targets.of_schemas()) {
    slots[0] = Slot(new Conn(connect(targets.url)));
    for (const row& r : slots[0]->query(targets.schema_query, {})) {
      if (r.empty() || !r[0]) continue;
      report.targets.emplace_back().name = *r[0];
      options o = fo.run;
      o.schema = *r[0];
      o.search_path_schema = *r[0];
      each.push_back(std::move(o));
    }
  } else {
    for (const std::string& url : targets.urls) {
      report.targets.emplace_back().name = redact_url(url);
      each.push_back(fo.run);
    }
  }
  // Each target's log lines name it, one line at a time from any worker.
  const auto log_mutex = std::make_shared<std::mutex>();
  for (std::size_t i = 0; i < each.size(); ++i) {
    each[i].stop = fo.stop;
    if (fo.run.log)
      each[i].log = [sink = fo.run.log, log_mutex, name = report.targets[i].name](log_level level, std::string_view m) {
        const std::lock_guard<std::mutex> hold(*log_mutex);
        sink(level, name + ": " + std::string(m));
      };
  }
  std::mutex done_mutex;
  fleet_progress progress{0, 0, report.targets.size()};
  const auto done = [&](std::size_t i) {
    const std::lock_guard<std::mutex> hold(done_mutex);
    ++progress.done;
    if (!report.targets[i].ok()) ++progress.failed;
    if (fo.on_result) fo.on_result(report.targets[i], progress);
  };
  // Schema targets with nothing to do are found together: one query for the whole database.
  if (targets.of_schemas() && action != fleet_action::status && !each.empty()) {
    auto bound = bind<R>(*slots[0]);
    const std::vector<bool> at_head = histories_at_head(bound, cat, each);
    for (std::size_t i = 0; i < each.size(); ++i)
      if (at_head[i]) {
        fleet_result& t = report.targets[i];
        t.outcome = fleet_outcome::up_to_date;
        t.head_before = t.head_after = std::string(cat.entries[cat.size() - 1].id);
        done(i);
      }
  }
  const auto run_one = [&](std::size_t i, Slot& slot) {
    fleet_result& t = report.targets[i];
    const auto target_started = std::chrono::steady_clock::now();
    try {
      if (!slot) slot = Slot(new Conn(connect(targets.of_schemas() ? targets.url : targets.urls[i])));
      run_target<R>(*slot, action, each[i], t);
    } catch (const std::exception& e) {
      record_failure(t, e);
      if (dynamic_cast<const connection_error*>(&e) || dynamic_cast<const state_unknown_error*>(&e)) slot.reset();
    } catch (...) {  // a code body's own throw
      record_failure(t, std::runtime_error("a migration's code threw something other than a std::exception"));
      slot.reset();  // what it left on the connection is unknown
    }
    if (!targets.of_schemas()) slot.reset();  // a database target's connection is its own
    t.duration = std::chrono::milliseconds(elapsed_ms(target_started));
    done(i);
  };
  std::vector<std::size_t> canaries, rest;
  for (std::size_t i = 0; i < report.targets.size(); ++i)
    if (report.targets[i].outcome == fleet_outcome::not_started) (i < fo.canary ? canaries : rest).push_back(i);
  for_each_target(canaries, jobs, slots, fo.stop, run_one);
  const auto failed_canary = std::find_if(canaries.begin(), canaries.end(), [&](std::size_t i) {
    return report.targets[i].outcome == fleet_outcome::failed || report.targets[i].outcome == fleet_outcome::stopped;
  });
  if (failed_canary == canaries.end()) for_each_target(rest, jobs, slots, fo.stop, run_one);
  for (fleet_result& t : report.targets)
    if (t.outcome == fleet_outcome::not_started && t.error_code.empty()) {
      t.error_code = "strata.not_started";
      t.message = failed_canary != canaries.end() && !fo.stop.stop_requested()
                      ? "not started: the canary " + report.targets[*failed_canary].name + " failed"
                      : std::string("not started: the run was stopped");
    }
  report.duration = std::chrono::milliseconds(elapsed_ms(started));
  return report;
}

}  // namespace detail

// Upgrades every target to the head (README "Fleets"); `connect` opens a connection from a URL.
template <class R, detail::url_connector Connect>
fleet_report upgrade_fleet(const fleet_targets& targets, const fleet_options& o, Connect connect) {
  return detail::run_fleet<R>(targets, o, connect, detail::fleet_action::upgrade);
}

// Where every target stands: head and pending revisions; changes nothing.
template <class R, detail::url_connector Connect>
fleet_report status_fleet(const fleet_targets& targets, const fleet_options& o, Connect connect) {
  return detail::run_fleet<R>(targets, o, connect, detail::fleet_action::status);
}

// Whether every target is at the head (report.up_to_date()), in one round trip per database when
// it is; a target whose history fails validation is failed.
template <class R, detail::url_connector Connect>
fleet_report check_fleet(const fleet_targets& targets, const fleet_options& o, Connect connect) {
  return detail::run_fleet<R>(targets, o, connect, detail::fleet_action::check);
}

}  // namespace strata
