#pragma once
// The history as the executor reads it: which revisions are applied or begun, and whether the
// history agrees with this build and adds up (validation). Reads only.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/options.hpp"
#include "../detail/text.hpp"
#include "../plan/planner.hpp"
#include "dialect.hpp"

namespace strata::detail {

inline std::string checksum_text(std::uint64_t checksum) {
  if (checksum == 0) return {};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(checksum));
  return buf;
}

inline void log(const options& o, log_level level, const std::string& message) {
  if (o.log) o.log(level, message);
}

inline long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

struct history_row {
  std::string revision, checksum, checksum_version, applied_at, execution_ms, applied_by, state, started_pid,
      description, statements_done, reverting, phase;  // phase: before_deploy, after_deploy, or "" (not recorded)
};

struct history_view {
  bool table_exists = true;
  std::vector<history_row> rows;
  std::vector<bool> applied;  // by catalog position: recorded as applied
  std::vector<bool> started;  // by catalog position: a non-transactional revision an earlier run began
  std::vector<bool> reverting;  // by catalog position: begun by a downgrade (started)
  std::vector<std::size_t> statements_done;  // by catalog position: of a started revision's up (or down)
  std::vector<bool> edited;   // by catalog position: its checksum differs from this build's
  std::vector<std::size_t> row_of;  // by catalog position: index into rows
  std::vector<std::string> unknown, mismatched;
  std::vector<std::string> unknown_phases;  // by `unknown`: the phase its history row records
  std::vector<std::string> damage;  // a history that does not add up: always a validation error
  std::vector<std::string> warnings;  // what does not stop a run but is reported (a dropped log)

  // What a downgrade may revert: applied, or begun and interrupted.
  std::vector<bool> present() const {
    std::vector<bool> out = applied;
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = out[k] || started[k];
    return out;
  }
};


template <connection C>
history_view read_history(C& conn, const catalog& cat, const options& o) {
  using D = protocol_for<C>;
  const D t = tables_of<D>(o);
  history_view h;
  h.applied.assign(cat.size(), false);
  h.started.assign(cat.size(), false);
  h.reverting.assign(cat.size(), false);
  h.statements_done.assign(cat.size(), 0);
  h.edited.assign(cat.size(), false);
  h.row_of.assign(cat.size(), 0);
  rows result;
  for (int pass = 0;; ++pass) {
    try {
      result = conn.query(t.read_sql(), {});
      break;
    } catch (const database_error& e) {
      if (D::undefined_column(e.sqlstate())) {  // the table was altered
        std::vector<std::string> missing;
        const rows have = conn.query(D::columns_sql(), std::vector<value>{o.schema, o.history_table});
        for (const char* column : D::columns)
          if (std::none_of(have.begin(), have.end(), [&](const row& r) { return r.at(0) == value(column); }))
            missing.emplace_back(column);
        h.damage.push_back("the history table " + t.qualified(t.history) + " lacks column(s) " + join(missing) +
                           ": it was changed by hand; restore them");
        return h;
      }
      if (!D::undefined_table(e.sqlstate())) throw;  // no history: nothing applied yet, unless the log says otherwise
    }
    h.table_exists = false;
    std::string logged = "0";
    try {
      const rows count = conn.query(t.log_count_sql(), {});
      if (!count.empty() && !count[0].empty()) logged = count[0][0].value_or("0");
    } catch (const database_error& e) {
      if (!D::undefined_table(e.sqlstate())) throw;
    }
    if (logged == "0") return h;
    // Another runner may have created both tables between the two reads (the history first):
    // read it once more before calling it dropped.
    if (pass == 0) {
      h.table_exists = true;
      continue;
    }
    h.damage.push_back("the history table " + t.qualified(t.history) + " is missing while the log table " +
                       t.qualified(t.log) + " holds " + logged +
                       " entries: the history was dropped or renamed; restore it (strata will not run again what "
                       "the log says was applied)");
    return h;
  }
  for (auto& r : result) {
    auto cell = [&r](std::size_t i) { return i < r.size() ? r[i].value_or("") : std::string(); };
    history_row row{cell(0), cell(1), cell(2), cell(3), cell(4), cell(5), cell(6), cell(7), cell(8), cell(9), cell(10), cell(11)};
    if (auto k = cat.find(row.revision)) {
      if (row.state == "applied") h.applied[*k] = true;
      else if (row.state == "started") {
        h.started[*k] = true;
        h.reverting[*k] = row.reverting == "true";
        std::from_chars(row.statements_done.data(), row.statements_done.data() + row.statements_done.size(),
                        h.statements_done[*k]);
      }
      else h.damage.push_back("revision " + row.revision + " has the state '" + row.state + "' in the history, which strata never writes");
      h.row_of[*k] = h.rows.size();
      const std::string compiled = checksum_text(cat.entries[*k].facts->checksum);
      if (row.checksum_version != "1") {
        h.edited[*k] = true;
        h.mismatched.push_back(row.revision + " (checksum version " + row.checksum_version +
                               " in the history is unknown to this build)");
      } else if (row.checksum != compiled) {
        h.edited[*k] = true;
        h.mismatched.push_back(row.revision + " (history " + (row.checksum.empty() ? "none" : row.checksum) +
                               ", build " + (compiled.empty() ? "none" : compiled) + ")");
      }
    } else {
      h.unknown.push_back(row.revision);
      h.unknown_phases.push_back(row.phase);
    }
    h.rows.push_back(std::move(row));
  }
  // The log agrees: every revision its last entry leaves in the history is there. A history
  // emptied or replaced (the log kept) would otherwise have its revisions run again.
  try {
    for (const row& r : conn.query(t.log_without_history_sql(), {}))
      h.damage.push_back("revision " + r.at(0).value_or("") + " is missing from the history table " +
                         t.qualified(t.history) + ", but the log table " + t.qualified(t.log) +
                         " says it is there (its last entry: " + r.at(1).value_or("") + " at " + r.at(2).value_or("") +
                         "): the history was emptied, replaced or edited by hand; restore it");
  } catch (const database_error& e) {
    if (!D::undefined_table(e.sqlstate())) throw;
    h.warnings.push_back("the log table " + t.qualified(t.log) + " is missing beside the history " +
                         t.qualified(t.history) + ": it was dropped and its entries are lost (the next run with work "
                         "creates it again); restore it from a backup to keep them");
  }
  // Every recorded revision's parents are applied: strata applies parents first and reverts
  // children first, so a gap means a row was removed by hand.
  for (std::size_t k = 0; k < cat.size(); ++k) {
    if (!h.applied[k] && !h.started[k]) continue;
    for (std::uint32_t p : cat.parents_of(k))
      if (!h.applied[p]) {
        h.damage.push_back("revision " + std::string(cat.entries[k].id) + " is recorded as applied but its parent " +
                           std::string(cat.entries[p].id) + " is not: a history row was removed by hand");
        break;
      }
  }
  return h;
}

// Stops the run when the history and this build disagree. Returns warnings it let pass.
inline std::vector<std::string> validate(const history_view& h, const options& o) {
  std::vector<std::string> problems, warnings = h.warnings;
  for (const auto& m : h.mismatched)
    problems.push_back("revision " + m + " was edited after it was applied: restore its text as applied, or "
                       "accept this build's text with `repair`");
  problems.insert(problems.end(), h.damage.begin(), h.damage.end());
  // A newer release's revisions (README "Rolling deploys"): before_deploy ones only grew the
  // schema, and this build starts; an after_deploy one (or one whose phase an earlier strata did
  // not record) may have removed what this build uses.
  for (std::size_t i = 0; i < h.unknown.size(); ++i) {
    const std::string& u = h.unknown[i];
    const std::string phase = i < h.unknown_phases.size() ? h.unknown_phases[i] : std::string();
    if (phase == "before_deploy") {
      warnings.push_back("revision " + u + " is applied in the database but unknown to this build (a newer release's "
                         "before_deploy revision: the schema only grew, this build runs on it)");
      continue;
    }
    std::string text = "revision " + u + " is applied in the database but unknown to this build, and " +
                       (phase == "after_deploy" ? std::string("it is after_deploy: the schema may no longer have what this "
                                                              "release uses")
                                                : std::string("its phase is not recorded (applied by strata 0.3 or "
                                                              "earlier), so it may have removed what this release uses"));
    if (!o.allow_unknown_revisions) text += "; deploy the newer build, or allow it with STRATA_ALLOW_UNKNOWN_REVISIONS=true";
    (o.allow_unknown_revisions ? warnings : problems).push_back(text);
  }
  if (!problems.empty())
    throw validation_error(problems, "validation failed, nothing was changed: " + join(problems, "; "));
  for (const auto& w : warnings) log(o, log_level::warning, w);
  return warnings;
}

}  // namespace strata::detail
