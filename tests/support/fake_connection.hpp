#pragma once
// A scripted strata::connection for executor logic tests: records every round trip, answers
// history reads and lock attempts from its fields, and fails a chosen statement. It answers each
// query by the part of the dialect's protocol that made it (Protocol's texts for the default
// history tables), so it serves any dialect whose protocol keeps PostgreSQL's result shapes.

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <strata/strata.hpp>

#include "test_dialect.hpp"

namespace strata::testing {

template <class Protocol = default_dialect::protocol>
struct basic_fake_connection {
  using protocol = Protocol;
  struct call {
    std::string text;
    std::vector<value> params;
  };
  std::vector<call> calls;
  // rows returned by the history read; nullopt: the table does not exist (SQLSTATE 42P01)
  std::optional<rows> history = std::nullopt;
  bool lock_available = true;
  bool indexes_exist = false;  // what a resumed run finds when it looks up an index
  std::string fail_on;  // a statement (exact text) that fails with SQLSTATE fail_state
  std::string fail_state = "42P01";
  bool fail_once = false;  // fail_on fails the first time only
  std::string fail_message = "ERROR:  injected failure";  // the server's text, its lines too
  bool lose_connection_on_commit = false;
  std::vector<std::string> applied_meanwhile;  // recorded by "another runner" when strata takes a transaction's lock
  std::vector<std::string> removed_meanwhile;  // removed from the history by "another runner" at the same moment
  std::map<std::string, std::string> session;  // settings set at session level (SET, set_config, RESET)
  std::string lose_connection_on;  // a statement (exact text) during which the connection drops
  bool schema_exists = true;       // the schema of the history tables (options.schema, or the current one)
  protocol tables{};                // the history tables the run names (the defaults)
  std::vector<live_instance> live;  // the instances table's live rows
  // Registered "meanwhile": added when a transaction takes the instances table's lock (the gate).
  std::vector<live_instance> live_at_gate;

  // Whether the protocol's part made `text`, for the tables as named or in the current schema
  // ("public", as existing_sql answers) once the run has resolved it.
  template <class Part>
  bool made_by(std::string_view text, Part&& part) const {
    protocol resolved = tables;
    if (resolved.schema.empty()) resolved.schema = "public";
    return text == part(tables) || text == part(resolved);
  }
  // The same for a history write, with each action it may name.
  static constexpr std::string_view actions[] = {"upgrade", "downgrade", "stamp", "unstamp", "baseline",
                                                 "start", "resume", "start-downgrade", "repair"};
  template <class Part>
  bool written_by(std::string_view text, Part&& part) const {
    for (std::string_view a : actions)
      if (made_by(text, [&](const protocol& t) { return part(t, a); })) return true;
    return false;
  }

  void fail(std::string_view text) {
    if (fail_once) fail_on.clear();
    throw database_error(fail_message, fail_state, std::string(text));
  }

  void execute(std::string_view text) {
    calls.push_back({std::string(text), {}});
    if (text.starts_with("SET ") && !text.starts_with("SET LOCAL ")) {  // SET name = value
      const std::string s(text.substr(4));
      const auto eq = s.find(" = ");
      if (eq != std::string::npos) session[s.substr(0, eq)] = s.substr(eq + 3);
    }
    if (text.starts_with("RESET ")) session.erase(std::string(text.substr(6)));
    if (text.starts_with("SELECT set_config('search_path'") && text.ends_with(", false)")) session["search_path"] = text;
    if (made_by(text, [](const protocol& t) { return t.hold_registrations_sql(); })) {
      live.insert(live.end(), live_at_gate.begin(), live_at_gate.end());
      live_at_gate.clear();
    }
    if (!fail_on.empty() && text == fail_on) fail(text);
    if (lose_connection_on_commit && text == std::string_view(protocol::commit_sql)) throw connection_error("connection lost", true);
    if (!lose_connection_on.empty() && text == lose_connection_on) throw connection_error("connection lost", true);
  }

  rows query(std::string_view text, std::span<const value> params) {
    calls.push_back({std::string(text), std::vector<value>(params.begin(), params.end())});
    if (!fail_on.empty() && text == fail_on) fail(text);
    if (made_by(text, [](const protocol& t) { return t.log_without_history_sql(); })) return {};  // the log agrees with the history
    if (made_by(text, [](const protocol& t) { return t.live_instances_sql(); })) {
      rows out;
      for (const live_instance& i : live)
        out.push_back({value(i.id), value(i.release), value(i.host), value(std::to_string(i.pid)), value(i.since), value(i.last_seen)});
      return out;
    }
    if (made_by(text, [](const protocol& t) { return t.states_of_sql(); })) {  // the states of the revisions in $1 ({"a","b"})
      rows out;
      for (const row& r : history ? *history : rows{})
        if (params[0]->find('"' + r[0].value_or("") + '"') != std::string::npos) out.push_back({r[0], r[6]});
      return out;
    }
    if (made_by(text, [](const protocol& t) { return t.digest_sql(); })) {  // the history's count and digest ($2)
      if (!history) throw database_error("ERROR:  relation \"strata_history\" does not exist", "42P01", std::string(text));
      std::vector<std::pair<std::string_view, std::string>> applied;
      bool as_built = true;
      for (const row& r : *history) {
        applied.emplace_back(*r[0], r[1].value_or(""));
        as_built = as_built && r[2] == value("1") && r[6] == value("applied");
      }
      const bool same = as_built && params[1] == value(protocol::expected_digest(applied));
      return {{value(std::to_string(history->size())), value(same ? "true" : "false"), value("true")}};
    }
    if (made_by(text, [](const protocol& t) { return t.read_sql(); })) {
      if (!history) throw database_error("ERROR:  relation \"strata_history\" does not exist", "42P01", std::string(text));
      return *history;
    }
    if (text == protocol::try_lock_sql()) return {{value(lock_available ? "t" : "f")}};
    if (text == protocol::try_transaction_lock_sql()) {
      for (const auto& id : applied_meanwhile) {
        if (!history) history = rows{};
        history->push_back(history_row_of(value(id), "", "applied"));
      }
      applied_meanwhile.clear();
      for (const auto& id : removed_meanwhile)
        if (history) std::erase_if(*history, [&](const row& r) { return r[0] == value(id); });
      removed_meanwhile.clear();
      return {{value(lock_available ? "t" : "f")}};
    }
    if (text == protocol::index_exists_sql()) return {{value(indexes_exist ? "t" : "f")}};
    if (text == protocol::index_gone_sql()) return {{value(indexes_exist ? "f" : "t")}};
    if (text == protocol::session_settings_sql()) {
      rows out;
      for (const auto& [name, setting] : session) out.push_back({value(name), value(setting)});
      return out;
    }
    if (text == protocol::restore_setting_sql()) session[params[0].value_or("")] = params[1].value_or("");
    if (text == protocol::existing_sql())  // the schema; which of it, history, log exist; the server process
      return {{value("public"), value(schema_exists ? "t" : "f"), value(history ? "t" : "f"), value(history ? "t" : "f"),
               value("on"), value("4242"), value("f")}};
    if (made_by(text, [](const protocol& t) { return t.log_count_sql(); })) return {{value("0")}};
    const bool recorded = written_by(text, [](const protocol& t, std::string_view a) { return t.record_sql(a); });
    const bool started_up = written_by(text, [](const protocol& t, std::string_view a) { return t.start_sql(a, false); });
    const bool started_down = written_by(text, [](const protocol& t, std::string_view a) { return t.start_sql(a, true); });
    const bool started = started_up || started_down;
    if (recorded || started) {  // keep the history in step, like the database would
      if (!history) history = rows{};
      const value way(started_down ? "true" : "false");
      value done("0");  // a resumed revision keeps its progress when it goes on the same way
      for (const row& r : *history)
        if (r[0] == params[0] && r[6] == value("started") && r[10] == way) done = r[9];
      std::erase_if(*history, [&](const row& r) { return r[0] == params[0]; });
      history->push_back(history_row_of(params[0], params[2].value_or(""), started ? "started" : "applied"));
      history->back()[9] = done;
      history->back()[10] = way;
    }
    if (history && made_by(text, [](const protocol& t) { return t.progress_sql(); }))
      for (auto& r : *history)
        if (r[0] == params[0]) r[9] = params[1];
    if (history && written_by(text, [](const protocol& t, std::string_view a) { return t.finish_sql(a); }))
      for (auto& r : *history)
        if (r[0] == params[0]) {
          r[6] = value("applied");
          r[9] = value("0");
          r[10] = value("false");
        }
    if (history && (written_by(text, [](const protocol& t, std::string_view a) { return t.erase_sql(a, true); }) ||
                    written_by(text, [](const protocol& t, std::string_view a) { return t.erase_sql(a, false); })))
      std::erase_if(*history, [&](const row& r) { return r[0] == params[0]; });
    return {};
  }

  static row history_row_of(value revision, std::string checksum, std::string state) {
    return {std::move(revision), value(std::move(checksum)), value("1"), value("2024-01-01 00:00:00+00"), value("0"),
            value("app"), value(std::move(state)), value(""), value(""), value("0"), value("false")};
  }

  std::size_t round_trips() const { return calls.size(); }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& c : calls) out.push_back(c.text);
    return out;
  }
  bool sent(std::string_view needle) const {
    for (const auto& c : calls)
      if (c.text.find(needle) != std::string::npos) return true;
    return false;
  }
};

using fake_connection = basic_fake_connection<>;

// The same, with the optional one-round-trip batch: records a batch as one call.
template <class Base>
struct batching : Base {
  std::vector<std::vector<std::string>> batches;
  void execute_batch(std::span<const std::string_view> statements) {
    this->calls.push_back({"<batch>", {}});
    batches.emplace_back(statements.begin(), statements.end());
    for (std::size_t k = 0; k < statements.size(); ++k)
      if (!this->fail_on.empty() && statements[k] == this->fail_on)
        throw batch_error(database_error(this->fail_message, this->fail_state, std::string(statements[k])), k);
  }
};
using batching_fake_connection = batching<fake_connection>;
static_assert(batch_connection<batching_fake_connection>);

// Reached through a pooler: the server process (4242) is not the one the connection was given.
template <class Base>
struct pooled : Base {
  long long backend_pid() const { return 17; }
};
using pooled_fake_connection = pooled<fake_connection>;
static_assert(reports_backend_pid<pooled_fake_connection>);
static_assert(!reports_backend_pid<fake_connection>);
static_assert(!batch_connection<fake_connection>);

// A fake server of the test dialect (test_dialect.hpp), which says it speaks it.
struct test_dialect_connection : basic_fake_connection<test_protocol> {
  using dialect = test_dialect;
};

inline row history_row(std::string revision, std::string checksum, std::string state = "applied") {
  return {value(std::move(revision)), value(std::move(checksum)), value("1"), value("2024-01-01 00:00:00+00"), value("3"),
          value("app"), value(std::move(state)), value(""), value(""), value("0"), value("false")};
}

}  // namespace strata::testing
