#pragma once
// Live instances of a service (README "Rolling deploys"): each instance that migrated at start-up
// is a row of the instances table, renewed by its heartbeat, with its release (its registry's
// head). An after_deploy revision is applied only when no live instance runs a release that lacks
// it: these are the reads and the decision; start-up registers (startup/instance.hpp).

#include <string>
#include <string_view>
#include <vector>

#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../detail/text.hpp"
#include "../plan/planner.hpp"
#include "dialect.hpp"

namespace strata {

struct live_instance {
  std::string id;       // random, chosen by the instance
  std::string release;  // its registry's head
  std::string host;
  long long pid = 0;
  std::string since, last_seen;  // as the server prints timestamptz
};

namespace detail {

// "0006_orders on web-1 (pid 42)"
inline std::string instance_name(const live_instance& i) {
  return i.release + " on " + i.host + " (pid " + std::to_string(i.pid) + ")";
}

// The live instances, oldest first; none when the table does not exist yet.
template <connection C>
std::vector<live_instance> read_live_instances(C& conn, const options& o) {
  using D = protocol_for<C>;
  const D t = tables_of<D>(o);
  rows r;
  try {
    r = conn.query(t.live_instances_sql(), {});
  } catch (const database_error& e) {
    if (D::undefined_table(e.sqlstate())) return {};
    throw;
  }
  std::vector<live_instance> out;
  for (const row& x : r) {
    auto cell = [&x](std::size_t i) { return i < x.size() ? x[i].value_or("") : std::string(); };
    out.push_back({cell(0), cell(1), cell(2), std::atoll(cell(3).c_str()), cell(4), cell(5)});
  }
  return out;
}

// Whether an instance's release lacks revision k: its head is unknown to this build (another
// lineage, or a build that never knew k), or k is not among its head's ancestors.
inline bool release_lacks(const catalog& cat, const live_instance& i, std::size_t k) {
  const auto head = cat.find(i.release);
  return !head || !cat.ancestors_of(*head)[k];
}

inline std::vector<live_instance> instances_lacking(const catalog& cat, std::size_t k, const std::vector<live_instance>& live) {
  std::vector<live_instance> out;
  for (const live_instance& i : live)
    if (release_lacks(cat, i, k)) out.push_back(i);
  return out;
}

inline std::vector<std::string> instance_names(const std::vector<live_instance>& live) {
  std::vector<std::string> out;
  for (const auto& i : live) out.push_back(instance_name(i));
  return out;
}

// What the phase rules make of an upgrade's plan: the after_deploy revisions that live instances
// hold back, with every revision after them (their descendants wait with them).
struct phase_split {
  plan runs;                        // what may run now
  std::vector<std::size_t> held;    // after_deploy revisions held back by live instances
  std::vector<std::size_t> behind;  // revisions of the plan that wait because an ancestor is held
  std::vector<std::vector<live_instance>> holders;  // by `held`
};

inline phase_split split_by_phase(const catalog& cat, const plan& p, const std::vector<live_instance>& live) {
  phase_split out;
  std::vector<bool> waits(cat.size(), false);
  for (std::size_t k : p.steps) {
    bool after_held = false;
    for (std::uint32_t parent : cat.parents_of(k)) after_held = after_held || waits[parent];
    if (after_held) {
      waits[k] = true;
      out.behind.push_back(k);
      continue;
    }
    if (cat.entries[k].facts->after_deploy) {
      std::vector<live_instance> lacking = instances_lacking(cat, k, live);
      if (!lacking.empty()) {
        waits[k] = true;
        out.held.push_back(k);
        out.holders.push_back(std::move(lacking));
        continue;
      }
    }
    out.runs.steps.push_back(k);
  }
  return out;
}

// "0008_drop_name waits for 2 live instances of releases that lack it: 0006_orders on web-1 (pid 42), ..."
inline std::string waiting_text(const catalog& cat, const phase_split& s, std::size_t i) {
  return std::string(cat.entries[s.held[i]].id) + " (after_deploy) waits for " +
         count_of(s.holders[i].size(), "live instance") + " of a release that lacks it: " +
         join(instance_names(s.holders[i]));
}

}  // namespace detail

// The service's live instances (README "Rolling deploys"): release, host, pid, since, last seen.
template <class R, connection Given>
std::vector<live_instance> instances(Given& given, const options& o = {}) {
  auto conn = detail::bind<R>(given);
  return detail::read_live_instances(conn, o);
}

}  // namespace strata
