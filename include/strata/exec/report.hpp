#pragma once
// What a run did (strata::report) and where a database stands (strata::state); both printable.

#include <chrono>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace strata {

struct step {
  std::string revision;
  std::chrono::milliseconds duration{0};
};

struct report {
  std::string action;                  // "upgrade", "downgrade", "stamp", "repair"
  std::vector<step> applied;           // in the order they ran
  std::vector<step> reverted;          // in the order they ran
  std::vector<std::string> stamped;    // recorded without running
  std::vector<std::string> unstamped;  // removed from the history without running
  std::vector<std::string> resumed;    // non-transactional revisions an interrupted run had begun
  std::vector<std::string> repaired;   // checksums replaced by this build's
  std::vector<std::string> waiting;    // after_deploy revisions left pending: live instances lack them (`finish`)
  std::vector<std::string> warnings;
  std::string head_before, head_after;  // comma-separated heads of the history, "" for none
  bool took_lock = false;
  bool stopped = false;  // options.stop was requested: the revisions after the last one run stay pending
  std::chrono::milliseconds duration{0};

  bool changed() const {
    return !applied.empty() || !reverted.empty() || !stamped.empty() || !unstamped.empty() || !repaired.empty();
  }
};

struct history_entry {
  std::string revision;
  std::string applied_at;  // as the server prints timestamptz
  long long execution_ms = 0;
  std::string applied_by;
  std::string description;  // the migration's, from this build
};

struct state {
  std::vector<std::string> heads;       // revisions of the history that no other applied revision descends from
  std::vector<history_entry> applied;   // known revisions in apply order
  std::vector<std::string> pending;     // in apply order
  std::vector<std::string> unknown;     // in the history, not in this build
  std::vector<std::string> unknown_phases;  // by `unknown`: before_deploy, after_deploy, or "" (not recorded)
  std::vector<std::string> checksum_mismatches;
  std::vector<std::string> interrupted;      // non-transactional revisions begun by a run that did not finish
  std::vector<std::string> damage;           // a history that does not add up (see the README's "Validation")
  std::vector<std::string> warnings;         // reported, not stopping a run: a dropped log table
  std::vector<std::string> invalid_indexes;  // left behind by a failed concurrent build of strata's own revisions
  // Each pending after_deploy revision and the live instances (releases lacking it) it waits for.
  struct waiting_revision {
    std::string revision;
    std::vector<std::string> instances;  // "release on host (pid N)"
  };
  std::vector<waiting_revision> waiting;
  bool up_to_date() const { return pending.empty(); }
  bool ahead() const { return !unknown.empty(); }  // the database has revisions this build does not know
};

inline std::ostream& operator<<(std::ostream& os, const report& r) {
  os << "strata " << r.action << ": ";
  if (!r.changed()) os << "nothing to do";
  else {
    std::vector<std::string> parts;
    auto count = [&](std::size_t n, const char* what) {
      if (n) parts.push_back(std::to_string(n) + " " + what);
    };
    count(r.applied.size(), "applied");
    count(r.reverted.size(), "reverted");
    count(r.stamped.size(), "stamped");
    count(r.unstamped.size(), "unstamped");
    count(r.repaired.size(), "repaired");
    for (std::size_t i = 0; i < parts.size(); ++i) os << (i ? ", " : "") << parts[i];
  }
  for (const auto& s : r.applied) os << "\n  applied  " << s.revision << " (" << s.duration.count() << " ms)";
  for (const auto& s : r.reverted) os << "\n  reverted " << s.revision << " (" << s.duration.count() << " ms)";
  for (const auto& s : r.stamped) os << "\n  stamped  " << s;
  for (const auto& s : r.unstamped) os << "\n  unstamped " << s;
  for (const auto& s : r.resumed) os << "\n  resumed  " << s << " (an earlier run was interrupted in it)";
  for (const auto& s : r.repaired) os << "\n  repaired " << s << " (checksum of this build recorded)";
  for (const auto& s : r.waiting) os << "\n  waiting  " << s;
  for (const auto& w : r.warnings) os << "\n  warning: " << w;
  os << "\n  head: " << (r.head_before.empty() ? "(none)" : r.head_before) << " -> "
     << (r.head_after.empty() ? "(none)" : r.head_after) << " in " << r.duration.count() << " ms";
  return os;
}

inline std::ostream& operator<<(std::ostream& os, const state& s) {
  os << "head: ";
  if (s.heads.empty()) os << "(none)";
  for (std::size_t i = 0; i < s.heads.size(); ++i) os << (i ? ", " : "") << s.heads[i];
  os << "\napplied: " << s.applied.size() << ", pending: " << s.pending.size();
  for (const auto& p : s.pending) os << "\n  pending " << p;
  for (const auto& u : s.unknown) os << "\n  unknown to this build: " << u;
  if (s.ahead()) os << "\n  the database is ahead of this build";
  for (const auto& i : s.interrupted) os << "\n  interrupted (the next upgrade resumes it): " << i;
  for (const auto& d : s.damage) os << "\n  history damaged: " << d;
  for (const auto& w : s.warnings) os << "\n  warning: " << w;
  for (const auto& c : s.checksum_mismatches) os << "\n  checksum differs: " << c;
  for (const auto& i : s.invalid_indexes) os << "\n  INVALID index (failed concurrent build): " << i;
  for (const auto& w : s.waiting) {
    os << "\n  after_deploy " << w.revision << (w.instances.empty() ? ": no live instance lacks it" : " waits for:");
    for (const auto& i : w.instances) os << "\n    " << i;
  }
  return os;
}

template <class T>
std::string to_string(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

}  // namespace strata
