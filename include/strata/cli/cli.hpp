#pragma once
// strata::cli::main<R>(argc, argv): the command line every service gets.
// Parsing by CLI11, JSON by nlohmann-json; both header-only from Debian.

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "../adapters/access.hpp"
#include "../detail/text.hpp"
#include "../dsl/findings.hpp"
#include "../dsl/formats.hpp"
#include "../exec/baseline.hpp"
#include "../exec/executor.hpp"
#include "../fleet/fleet.hpp"
#include "../schema/snapshot.hpp"
#include "../startup/config.hpp"
#include "../startup/exit_code.hpp"
#include "../startup/retries.hpp"
#include "../version.hpp"
#include "fleet.hpp"
#include "new_migration.hpp"

namespace strata::cli {

enum exit_code : int {
  success = 0,
  migration_failed = 1,
  usage_error = 2,
  pending = 3,
  connection_failed = 4,
  validation_failed = 5,
  lock_not_acquired = 6,
  instances_running = 7,
};

// Where the command line reads its environment and writes its output: the real ones by default,
// others in tests.
struct io {
  std::ostream& out = std::cout;
  std::ostream& err = std::cerr;
  std::function<const char*(const char*)> getenv = [](const char* n) -> const char* { return std::getenv(n); };
};

namespace detail {

inline std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

inline nlohmann::json to_json(const state& s, std::string_view build_head) {
  nlohmann::json j;
  j["up_to_date"] = s.up_to_date();
  j["heads"] = s.heads;
  j["build_head"] = build_head;
  j["applied"] = nlohmann::json::array();
  for (const auto& a : s.applied)
    j["applied"].push_back({{"revision", a.revision}, {"applied_at", a.applied_at}, {"execution_ms", a.execution_ms},
                            {"applied_by", a.applied_by}, {"description", a.description}});
  j["pending"] = s.pending;
  j["unknown"] = s.unknown;
  j["checksum_mismatches"] = s.checksum_mismatches;
  j["invalid_indexes"] = s.invalid_indexes;
  j["interrupted"] = s.interrupted;
  j["damage"] = s.damage;
  j["warnings"] = s.warnings;
  j["ahead"] = s.ahead();
  j["waiting"] = nlohmann::json::array();
  for (const auto& w : s.waiting) j["waiting"].push_back({{"revision", w.revision}, {"instances", w.instances}});
  return j;
}

template <class R>
void print_table(std::ostream& out, const state& s, bool pending_marks_only) {
  std::size_t width = 8;
  for (const auto& id : R::ids) width = std::max(width, id.size());
  out << "  " << pad("REVISION", width) << "  " << pad("STATE", 11) << "  " << pad("APPLIED AT", 30) << "  "
      << pad("MS", 6) << "  DESCRIPTION\n";
  const catalog cat = catalog_of<R>();
  for (std::size_t k = 0; k < R::size; ++k) {
    const std::string_view id = R::ids[k];
    const history_entry* applied = nullptr;
    for (const auto& a : s.applied)
      if (a.revision == id) applied = &a;
    if (pending_marks_only && applied) continue;
    const bool interrupted = std::find(s.interrupted.begin(), s.interrupted.end(), id) != s.interrupted.end();
    out << (applied ? "* " : "  ") << pad(id, width) << "  "
        << pad(applied ? "applied" : interrupted ? "INTERRUPTED" : "PENDING", 11) << "  "
        << pad(applied ? applied->applied_at : std::string(), 30) << "  "
        << pad(applied ? std::to_string(applied->execution_ms) : std::string(), 6) << "  "
        << cat.entries[k].facts->description << "\n";
  }
  for (const auto& u : s.unknown) out << "! " << pad(u, width) << "  " << pad("UNKNOWN", 11) << "  (applied by a newer build)\n";
}

// A word that may be shown back to the user: a plain command-like word, never a URL or a value.
inline bool showable_word(std::string_view w) {
  if (w.empty() || w.size() > 32) return false;
  for (char c : w)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

// The secrets of every connection string the command line may meet, so that no line it prints
// can carry one: $DATABASE_URL and the value of --database-url (either spelling) as strings it
// connects with, $PGPASSWORD, and the passwords any other argument or option value spells (a URL
// given in the wrong place). Other values are no secret: masking "3" of --lock-timeout=3 would
// mangle every line holding that digit.
template <class Access>
secret_filter secrets_of_invocation(int argc, const char* const* argv, const io& streams) {
  secret_filter secrets;
  if (const char* url = streams.getenv("DATABASE_URL")) secrets.add(Access::secrets_of(url));
  if (const char* password = streams.getenv("PGPASSWORD")) secrets.add(password);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--database-url" && i + 1 < argc) secrets.add(Access::secrets_of(argv[i + 1]));
    const std::size_t eq = arg.find('=');
    if (arg.starts_with("--database-url=")) secrets.add(Access::secrets_of(arg.substr(eq + 1)));
    secrets.add(Access::secrets_of(arg.starts_with("--") && eq != std::string_view::npos ? arg.substr(eq + 1) : arg));
  }
  return secrets;
}

// Every allowance of the safety lint in the registry, with its reason: a migration's `allow`
// member, and each `-- strata:allow` comment with the statement it allows.
inline std::string allowances_of(const catalog& cat) {
  std::ostringstream out;
  std::size_t count = 0;
  constexpr std::string_view marker = "strata:allow";
  for (const auto& e : cat.entries) {
    const auto& f = *e.facts;
    if (!f.allow.empty()) {
      out << e.id << " (whole migration): " << f.allow << "\n";
      ++count;
    }
    for (const bool up : {true, false}) {
      const std::string_view text = up ? f.up_text : f.down_text;
      for (std::size_t at = text.find(marker); at != std::string_view::npos; at = text.find(marker, at + 1)) {
        const std::size_t dashes = text.rfind("--", at);
        if (dashes == std::string_view::npos || text.substr(dashes + 2, at - dashes - 2).find_first_not_of(' ') !=
                                                     std::string_view::npos)
          continue;
        const std::size_t line_end = std::min(text.find('\n', at), text.size());
        std::string_view allowance = text.substr(at + marker.size(), line_end - at - marker.size());
        while (!allowance.empty() && allowance.front() == ' ') allowance.remove_prefix(1);
        std::string_view next = line_end < text.size() ? text.substr(line_end + 1) : std::string_view{};
        while (next.starts_with("--")) next = next.substr(std::min(next.find('\n'), next.size() - 1) + 1);
        next = next.substr(0, std::min(next.find('\n'), std::size_t{80}));
        out << e.id << " (" << (up ? "up" : "down") << "): " << allowance << "\n    on: " << next << "\n";
        ++count;
      }
    }
  }
  return strata::detail::count_of(count, "lint allowance") + (count ? ":\n" : "\n") + out.str();
}

// Every lint finding of the registry's SQL bodies, whatever its policy (lint_from, lint_off)
// exempts: to plan the clean-up of an adopted history. A folder's at file:LINE:COL, in its words.
template <class R>
std::string every_finding_of() {
  using L = typename R::dialect::language;
  const catalog cat = catalog_of<R>();
  std::ostringstream out;
  std::size_t count = 0;
  std::vector<std::string_view> earlier;  // up bodies in apply order: what they show harmless is no finding
  for (const auto& e : cat.entries) {  // in apply order
    file_origins at;  // none for a C++ migration
    std::string_view words;
    if constexpr (from_folder<R>) {
      using source = migration_source<R>;
      for (const source_file& f : source::files)
        if (f.id == e.id) at = origins_of(source::directory, f.file, f.up_line, f.down_file, f.down_line);
      if (const folder_format* format = folder_format_named(source::format)) words = format->no_transaction_words;
    }
    const std::vector<located_finding> found = findings_in<L>(*e.facts, at.up, at.down, words);
    lint_rules_mask up_hits = 0, down_hits = 0;  // the facts of a folder's registry are the generator's: read again here
    for (const located_finding& l : found)
      if (l.finding.kind == finding_kind::lint) (l.in_up ? up_hits : down_hits) |= rule_bit(l.finding.rule);
    const lint_rules_mask cleared = strata::detail::cleared_by_earlier<L>(up_hits, down_hits, e.facts->up_text, earlier);
    earlier.push_back(e.facts->up_text);
    for (const located_finding& l : found) {
      if (l.finding.kind == finding_kind::lint && (cleared & rule_bit(l.finding.rule))) continue;
      out << l.message(e.id, "warning") << "\n";
      ++count;
    }
  }
  return strata::detail::count_of(count, "lint finding") + " in " + strata::detail::count_of(cat.size(), "revision") +
         (count ? ", allowed by none of their own comments:\n" : "\n") + out.str();
}

// CLI11's messages quote the arguments (a URL among them): strata says what was wrong in its own
// words, naming options and commands only.
inline std::string describe_parse_error(const CLI::ParseError& e, int argc, const char* const* argv,
                                        const CLI::App& app) {
  const std::string what = e.what();
  std::string option;
  for (const char* name : {"--lock-timeout", "--retry-for", "--database-url", "--json", "--sql", "--single-transaction",
                           "--remove-unknown", "--check", "--from", "--jobs", "--canary", "--databases", "--schemas"})
    if (what.find(name) != std::string::npos) {
      option = name;
      break;
    }
  for (int i = 1; i < argc; ++i) {  // name a misspelt command rather than "a subcommand is required"
    const std::string_view word = argv[i];
    if (word == "--database-url" || word == "--lock-timeout" || word == "--retry-for") {
      ++i;
      continue;
    }
    if (word.starts_with("-")) continue;
    try {
      (void)app.get_subcommand(std::string(word));
    } catch (const CLI::OptionNotFound&) {
      if (!showable_word(word)) return "an argument is not a command (not shown, it may be a URL or a value)";
      return "unknown command '" + std::string(word) +
             "' (commands: upgrade, downgrade, status, history, check, stamp, verify, repair, lint, schema, new, baseline, "
             "finish, instances, fleet)";
    }
    break;
  }
  if (!option.empty()) {
    if (option == "--lock-timeout" || option == "--retry-for")
      return "option " + option + " takes a whole number of seconds from 0 to 86400";
    if (option == "--jobs") return "option --jobs takes a whole number from 1 to 1024";
    if (option == "--canary") return "option --canary takes a whole number of targets";
    return "option " + option + " was given a wrong or missing value";
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (what.find("action") != std::string::npos) return "fleet needs an action: upgrade, status or check";
    if (what.find("target") != std::string::npos) return "this command needs a TARGET (a revision, base, or -N)";
    return "a command is required";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) return "unexpected extra arguments (not shown)";
  return "the arguments are not understood (not shown)";
}

}  // namespace detail

template <class R>
int main(int argc, const char* const* argv, io streams = {}) {
  static_assert(accessible<typename R::dialect>,
                "strata::cli::main: include the adapter of the registry's database first (<strata/pq.hpp> for "
                "PostgreSQL, <strata/sqlite.hpp> for SQLite)");
  using access = database_access<typename R::dialect>;
  using db_connection = typename access::connection;
  const secret_filter secrets = detail::secrets_of_invocation<access>(argc, argv, streams);
  auto say = [&](std::ostream& stream, const std::string& text) { stream << secrets(text) << std::flush; };
  auto fail = [&](int code, std::string_view error_code, const std::string& message) {
    say(streams.err, "strata: " + std::string(error_code) + ": " + message + "\n");
    return code;
  };

  startup_config cfg;
  try {
    cfg = startup_config::from_env(streams.getenv);
  } catch (const config_error& e) {
    return fail(usage_error, "strata.usage", std::string(e.what()).substr(std::string("strata.bad_config: ").size()));
  }
  // The command line makes one attempt unless --retry-for or STRATA_RETRY_FOR says otherwise.
  if (streams.getenv("STRATA_RETRY_FOR") == nullptr) cfg.retry_for = std::chrono::milliseconds(0);
  // It prints its own outcome; the log shows warnings unless STRATA_LOG_LEVEL asks for more.
  if (streams.getenv("STRATA_LOG_LEVEL") == nullptr) cfg.level = log_level::warning;

  CLI::App app{"Database migrations of this service (strata " + std::string(version) + ", registry head " +
               std::string(R::head) + ", " + std::to_string(R::size) + " migrations)"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_help_all_flag("--help-all", "Every command with its options");
  app.footer(
      "Exit codes: 0 success, 1 a migration failed, 2 usage error, 3 pending (check), 4 could not connect or\n"
      "            the connection was lost, 5 validation failed, 6 lock not acquired in time, 7 live instances of\n"
      "            an older release hold back an after_deploy revision (finish, or a start that needs it).\n"
      "Environment: DATABASE_URL, STRATA_TARGET, STRATA_RETRY_FOR, STRATA_RETRY_BASE_MS, STRATA_RETRY_CAP_MS,\n"
      "             STRATA_LOCK_TIMEOUT, STRATA_SCHEMA, STRATA_HISTORY_TABLE, STRATA_LOG_TABLE, STRATA_MODE,\n"
      "             STRATA_POOLING, STRATA_ALLOW_UNKNOWN_REVISIONS, STRATA_LOG_LEVEL, STRATA_INSTANCES_TABLE,\n"
      "             STRATA_INSTANCE_HEARTBEAT.");
  bool show_version = false, print_sql = false, single = false, json = false, remove_unknown = false;
  std::optional<long long> lock_timeout, retry_for;
  long long finish_wait = 0;
  std::string target, new_name, from_tool, from_table, drift_file;
  bool lint_all = false, from_ignore_missing = false;
  std::vector<std::string> revisions;
  std::size_t count = 0;  // +N / -N
  options o;              // filled once the command line is read
  std::optional<schema_snapshot> expected_schema;
  std::string fleet_action, fleet_file, fleet_query;
  std::vector<std::string> fleet_urls;
  std::size_t fleet_jobs = 4, fleet_canary = 0;
  app.add_flag("--version", show_version, "Print strata's version and the registry's head");
  app.add_option("--database-url", cfg.database_url, "Database URL, " + std::string(access::url_example) + " (default: $DATABASE_URL)");
  app.add_flag("--sql", print_sql, "Print the SQL that would run; change nothing");
  app.add_flag("--single-transaction", single, "Run all pending migrations in one transaction: all or nothing");
  app.add_option("--lock-timeout", lock_timeout,
                 "Seconds to wait for strata's migration lock held by another runner (default 60)")
      ->check(CLI::Range(0LL, 86400LL));
  app.add_option("--retry-for", retry_for, "Seconds to keep retrying the connection (default: one attempt)")
      ->check(CLI::Range(0LL, 86400LL));

  auto migrate = [&](bool up) {
    return [&, up](db_connection& conn) {
      if (print_sql) {
        say(streams.out, sql_script<R>(conn, up, o, count));
        return int(success);
      }
      const report r = up ? (count > 0 ? upgrade_next<R>(conn, count, o) : upgrade<R>(conn, o))
                          : (count > 0 ? downgrade_last<R>(conn, count, o) : downgrade<R>(conn, o));
      say(streams.out, to_string(r) + "\n");
      return int(success);
    };
  };
  // One row per command: its name, help and options; what it checks before connecting (an exit
  // code ends the run there, and a command that needs no database does its work there); and what
  // it does on the connection (none: it needs no database).
  struct command {
    std::string name, help;
    std::function<void(CLI::App&)> options = [](CLI::App&) {};
    std::function<std::optional<int>()> before_connecting = [] { return std::optional<int>(); };
    std::function<int(db_connection&)> run = nullptr;
    // Instead of `run`: a command that opens its own connections (fleet), with the run's options.
    std::function<int(const strata::options&)> run_alone = nullptr;
  };
  auto run_fleet = [&](const strata::options& run) -> int {
    // Every URL of the file is a secret's carrier, like $DATABASE_URL.
    secret_filter fleet_secrets = secrets;
    for (const auto& url : fleet_urls) fleet_secrets.add(access::secrets_of(url));
    auto tell = [&](std::ostream& stream, const std::string& text) { stream << fleet_secrets(text) << std::flush; };
    fleet_targets targets;
    if (!fleet_file.empty()) targets = databases(fleet_urls);
    else if (!access::has_schemas)
      return fail(usage_error, "strata.usage", "fleet --schemas needs a database with schemas: give --databases FILE");
    else if (cfg.database_url.empty())
      return fail(usage_error, "strata.usage", "fleet --schemas needs the database: set DATABASE_URL or pass --database-url URL");
    else targets = schemas(cfg.database_url, fleet_query);
    fleet_options fo;
    fo.jobs = fleet_jobs;
    fo.canary = fleet_canary;
    fo.run = run;
    fo.run.log = [log = run.log, &fleet_secrets](log_level level, std::string_view message) {
      if (log) log(level, fleet_secrets(message));
    };
    const bool terminal = detail::is_terminal(streams.err);
    const auto started = std::chrono::steady_clock::now();
    fo.on_result = [&](const fleet_result&, const fleet_progress& p) {
      if (terminal)
        tell(streams.err, detail::progress_line(fleet_action, p.done, p.failed, p.total, std::chrono::steady_clock::now() - started));
    };
    const detail::stop_on_signals signals;
    fo.stop = signals.token();
    fleet_report r;
    try {
      r = fleet_action == "upgrade" ? upgrade_fleet<R>(targets, fo, access::open)
          : fleet_action == "status" ? status_fleet<R>(targets, fo, access::open)
                                     : check_fleet<R>(targets, fo, access::open);
    } catch (const std::exception& e) {
      tell(streams.err, (terminal ? "\n" : "") + std::string("strata: ") + e.what() + "\n");
      return strata::exit_code_of(e);
    }
    if (terminal && !r.targets.empty()) tell(streams.err, "\n");
    std::string text;
    for (const fleet_result& t : r.targets) text += json ? detail::to_json(t).dump() + "\n" : detail::fleet_line(t, fleet_action == "status");
    if (!json) text += detail::fleet_summary(r);
    tell(streams.out, text);
    if (!r.ok()) return int(migration_failed);
    return int(fleet_action == "check" && !r.up_to_date() ? pending : success);
  };
  const std::vector<command> commands = {
      {"upgrade", "Apply pending revisions up to TARGET (default: head); +N the next N",
       [&](CLI::App& c) { c.add_option("target", target, "Revision to stop at, or +N"); },
       [] { return std::optional<int>(); }, migrate(true)},
      {"downgrade", "Revert down to TARGET (an applied revision); `base` reverts all, -N the last N",
       [&](CLI::App& c) { c.add_option("target", target, "Applied revision to keep, base, or -N")->required(); },
       [] { return std::optional<int>(); }, migrate(false)},
      {"finish", "Apply the pending after_deploy revisions once no live instance runs a release that lacks them (exit 7 when some still do)",
       [&](CLI::App& c) {
         c.add_option("--wait", finish_wait, "Seconds to wait for those instances to go (default 0)")->check(CLI::Range(0LL, 86400LL));
       },
       [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         if (print_sql) {
           say(streams.out, sql_script<R>(conn, true, o, 0, true));
           return int(success);
         }
         say(streams.out, to_string(finish<R>(conn, std::chrono::seconds(finish_wait), o)) + "\n");
         return int(success);
       }},
      {"instances", "The live instances of this service: release, host, pid, since, last seen",
       [&](CLI::App& c) { c.add_flag("--json", json, "The same as JSON"); }, [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         const std::vector<live_instance> live = instances<R>(conn, o);
         const catalog cat = catalog_of<R>();
         if (json) {
           nlohmann::json j = nlohmann::json::array();
           for (const auto& i : live)
             j.push_back({{"id", i.id}, {"release", i.release}, {"host", i.host}, {"pid", i.pid}, {"since", i.since},
                          {"last_seen", i.last_seen}, {"known_to_this_build", cat.find(i.release).has_value()}});
           say(streams.out, j.dump(2) + "\n");
           return int(success);
         }
         std::ostringstream text;
         text << strata::detail::count_of(live.size(), "live instance") << "\n";
         if (!live.empty()) {
           std::size_t width = 8;
           for (const auto& i : live) width = std::max(width, i.release.size());
           text << "  " << detail::pad("RELEASE", width) << "  " << detail::pad("HOST", 24) << "  " << detail::pad("PID", 8) << "  "
                << detail::pad("SINCE", 30) << "  LAST SEEN\n";
           for (const auto& i : live)
             text << "  " << detail::pad(i.release, width) << "  " << detail::pad(i.host, 24) << "  "
                  << detail::pad(std::to_string(i.pid), 8) << "  " << detail::pad(i.since, 30) << "  " << i.last_seen << "\n";
         }
         say(streams.out, text.str());
         return int(success);
       }},
      {"status", "Current head(s), applied and pending revisions",
       [&](CLI::App& c) { c.add_flag("--json", json, "The same as JSON"); }, [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         const state s = status<R>(conn, o);
         if (json) {
           say(streams.out, detail::to_json(s, R::head).dump(2) + "\n");
           return int(success);
         }
         std::ostringstream text;
         text << "database: " << redact_url(cfg.database_url) << "\n";
         text << "head:     " << (s.heads.empty() ? std::string("(none)") : strata::detail::join(s.heads));
         if (s.ahead())
           text << " + " << strata::detail::count_of(s.unknown.size(), "revision")
                << " unknown to this build: the database is ahead of this build (head " << R::head << ")\n";
         else
           text << "   (this build: " << R::head << ")\n";
         text << "applied:  " << s.applied.size() << "   pending: " << s.pending.size() << "\n";
         if (!s.pending.empty()) detail::print_table<R>(text, s, true);
         for (const auto& u : s.unknown) text << "unknown to this build: " << u << "\n";
         for (const auto& i : s.interrupted) text << "interrupted (the next upgrade resumes it): " << i << "\n";
         for (const auto& c : s.checksum_mismatches) text << "checksum differs: " << c << "\n";
         for (const auto& d : s.damage) text << "history damaged: " << d << "\n";
         for (const auto& i : s.invalid_indexes) text << "INVALID index (failed concurrent build): " << i << "\n";
         for (const auto& w : s.waiting) {
           text << "after_deploy " << w.revision
                << (w.instances.empty() ? ": no live instance lacks it (upgrade or finish applies it)\n"
                                        : " waits for " + strata::detail::count_of(w.instances.size(), "live instance") + ":\n");
           for (const auto& i : w.instances) text << "  " << i << "\n";
         }
         say(streams.out, text.str());
         return int(success);
       }},
      {"history", "Every revision in apply order, marked applied or pending", [](CLI::App&) {},
       [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         std::ostringstream text;
         detail::print_table<R>(text, status<R>(conn, o), false);
         say(streams.out, text.str());
         return int(success);
       }},
      {"check", "Exit 0 when up to date, 3 when revisions are pending", [](CLI::App&) {},
       [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         const state s = status<R>(conn, o);
         strata::detail::validate_state(s, o);
         say(streams.out, (s.up_to_date() ? "up to date at " + std::string(R::head)
                                          : strata::detail::count_of(s.pending.size(), "pending revision") + ", next " +
                                                s.pending.front()) +
                              "\n");
         return int(s.up_to_date() ? success : pending);
       }},
      {"stamp", "Record TARGET as applied without running it",
       [&](CLI::App& c) {
         c.add_option("target", target, "Revision to record (with its ancestors), or base")->required();
         c.add_flag("--remove-unknown", remove_unknown, "Also remove revisions unknown to this build from the history");
       },
       [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         if (print_sql) {
           say(streams.out, "-- stamp " + target + ": records revisions in " + o.history_table + " only\n");
           return int(success);
         }
         say(streams.out, to_string(stamp<R>(conn, target, o)) + "\n");
         return int(success);
       }},
      {"verify", "Check checksums and unknown revisions; change nothing", [](CLI::App&) {},
       [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         const state s = status<R>(conn, o);
         strata::detail::validate_state(s, o);
         say(streams.out, "verified: " + strata::detail::count_of(s.applied.size(), "applied revision") + " match this build\n");
         return int(success);
       }},
      {"lint", "Every allowance of the safety lint in this build, with its reason (--all: every finding instead)",
       [&](CLI::App& c) {
         c.add_flag("--all", lint_all,
                    "Every finding of the lint in every revision, the ones its policy (LINT_FROM, lint_off) exempts too");
       },
       [&]() -> std::optional<int> {
         say(streams.out, lint_all ? detail::every_finding_of<R>() : detail::allowances_of(catalog_of<R>()));
         return success;
       }},
      {"repair", "Record this build's checksum for revisions edited after they were applied (all when none is named)",
       [&](CLI::App& c) { c.add_option("revisions", revisions, "Revisions to repair"); },
       [] { return std::optional<int>(); },
       [&](db_connection& conn) {
         say(streams.out, to_string(repair<R>(conn, revisions, o)) + "\n");
         return int(success);
       }},
      {"new",
       "Create the next migration file in the registry's folder with the head as its parent, and print its path "
       "(a registry of C++ types: print a skeleton type)",
       [&](CLI::App& c) { c.add_option("name", new_name, "What it does, in words joined by _ (add_orders)")->required(); },
       [&]() -> std::optional<int> {
         try {
           say(streams.out, detail::new_migration<R>(new_name, std::chrono::system_clock::now()));
           return success;
         } catch (const target_error& e) {
           return fail(usage_error, "strata.usage", std::string(e.what()).substr(std::string("strata.bad_target: ").size()));
         }
       }},
      {"baseline", "Record as applied what another tool applied, read from its own history table; change nothing else",
       [&](CLI::App& c) {
         c.add_option("--from", from_tool, folder_format_names(true, " or "))->required();
         c.add_option("--table", from_table, "The tool's history table where it was renamed (schema_om, audit.goose_db_version)");
         c.add_flag("--ignore-missing", from_ignore_missing,
                    "Pass over, with a warning, versions the tool applied whose files this build lacks (Flyway's "
                    "ignoreMigrationPatterns = *:missing)");
       },
       [&]() -> std::optional<int> {
         if (baseline_reads(from_tool)) return std::nullopt;
         return fail(usage_error, "strata.usage",
                     "baseline --from takes " + folder_format_names(true, " or ") +
                         (detail::showable_word(from_tool) ? " (not '" + from_tool + "')" : std::string()));
       },
       [&](db_connection& conn) {
         say(streams.out, to_string(baseline<R>(conn, from_tool, o, from_table,
                                                from_ignore_missing ? missing_versions::ignored : missing_versions::refused)) +
                              "\n");
         return int(success);
       }},
      {"fleet",
       "upgrade, status or check many databases (--databases FILE, one URL a line) or the tenant schemas a query "
       "lists (--schemas QUERY), each as by the command alone, --jobs at once",
       [&](CLI::App& c) {
         c.add_option("action", fleet_action, "upgrade, status or check")
             ->required()
             ->check(CLI::IsMember({"upgrade", "status", "check"}));
         CLI::Option* file = c.add_option("--databases", fleet_file, "A file of database URLs, one a line (# comments)");
         c.add_option("--schemas", fleet_query, "A query whose first column lists the tenant schemas of the database")
             ->excludes(file);
         c.add_option("--jobs", fleet_jobs, "Targets at once, and connections open at most (default 4)")
             ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
         c.add_option("--canary", fleet_canary, "The first K targets first; if one fails, no other target is touched");
         c.add_flag("--json", json, "One JSON object per target, one a line");
       },
       [&]() -> std::optional<int> {
         if (fleet_file.empty() == fleet_query.empty())
           return fail(usage_error, "strata.usage", "fleet needs --databases FILE or --schemas QUERY");
         if (print_sql)
           return fail(usage_error, "strata.usage", "fleet prints no SQL: `upgrade --sql` prints one target's script");
         if (fleet_file.empty()) return std::nullopt;
         std::optional<std::vector<std::string>> urls = detail::read_url_file(fleet_file);
         if (!urls) return fail(usage_error, "strata.usage", "cannot read the file of database URLs " + fleet_file);
         fleet_urls = std::move(*urls);
         return std::nullopt;
       },
       nullptr, run_fleet},
      {"schema", "Print the database's schema, one object per line (strata's own tables left out)",
       [&](CLI::App& c) {
         c.add_option("--check", drift_file,
                      "A file `schema` wrote: exit 5 and print the difference when the database has drifted from it");
       },
       [&]() -> std::optional<int> {  // read before connecting: a wrong path is a usage error
         if (drift_file.empty()) return std::nullopt;
         std::ifstream in(drift_file, std::ios::binary);
         if (!in) return fail(usage_error, "strata.usage", "cannot read schema file " + drift_file);
         std::ostringstream text;
         text << in.rdbuf();
         // Compared with an empty or unrelated file, every object would be a difference.
         if (!schema_snapshot::is_snapshot_text(text.str()))
           return fail(usage_error, "strata.usage",
                       drift_file + " is not a snapshot: `schema` writes one, starting with the line \"" +
                           std::string(schema_snapshot::header.substr(0, schema_snapshot::header.find(':'))) + ": ...\"");
         try {
           expected_schema = schema_snapshot::parse(text.str());
         } catch (const config_error& e) {
           return fail(usage_error, "strata.usage",
                       drift_file + ": " + std::string(e.what()).substr(std::string("strata.bad_config: ").size()));
         }
         return std::nullopt;
       },
       [&](db_connection& conn) {
         const schema_snapshot live = read_schema(conn, o);
         if (!expected_schema) {
           say(streams.out, live.text());
           return int(success);
         }
         if (live == *expected_schema) {
           say(streams.out, "schema matches " + drift_file + " (" +
                                strata::detail::count_of(live.objects().size(), "object") + ")\n");
           return int(success);
         }
         const change_wording wording{"in " + drift_file, "in the database", "is in the database, not in " + drift_file,
                                      "is in " + drift_file + ", not in the database"};
         const auto changes = changes_between(*expected_schema, live);
         say(streams.out, "schema drifted from " + drift_file + ": " +
                              strata::detail::count_of(changes.size(), "difference") + "\n" +
                              describe_changes(*expected_schema, live, "  ", wording));
         return int(validation_failed);
       }},
  };
  std::vector<CLI::App*> subcommands;
  for (const command& c : commands) {
    subcommands.push_back(app.add_subcommand(c.name, c.help));
    c.options(*subcommands.back());
  }

  // --version works without a command
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--version") {
      say(streams.out, "strata " + std::string(version) + "\nregistry head " + std::string(R::head) + " (" +
                           std::to_string(R::size) + " migrations)\n");
      return success;
    }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      std::ostringstream help;
      app.exit(e, help, help);
      say(streams.out, help.str());
      return success;
    }
    say(streams.err, "strata: strata.usage: " + detail::describe_parse_error(e, argc, argv, app) +
                         "\nrun with --help for commands and options\n");
    return usage_error;
  }
  const command* chosen = nullptr;
  for (std::size_t i = 0; i < commands.size(); ++i)
    if (subcommands[i]->parsed()) chosen = &commands[i];
  if (!chosen) return usage_error;  // CLI11 requires one
  const bool upgrading = chosen->name == "upgrade", downgrading = chosen->name == "downgrade";
  if (lock_timeout) cfg.lock_timeout = std::chrono::seconds(*lock_timeout);
  if (retry_for) cfg.retry_for = std::chrono::seconds(*retry_for);
  if (single) cfg.mode = mode::single_transaction;
  if (target.empty() && upgrading) target = cfg.target;  // STRATA_TARGET

  // Targets are checked against this build before connecting.
  if (!target.empty()) {
    const char sign = upgrading ? '+' : '-';
    if (target.size() > 1 && target[0] == sign && (upgrading || downgrading)) {
      try {
        count = static_cast<std::size_t>(strata::detail::parse_count(std::string(1, sign) + "N", target.substr(1)));
      } catch (const config_error&) {
        return fail(usage_error, "strata.usage",
                    std::string(upgrading ? "upgrade" : "downgrade") + " target '" +
                        (detail::showable_word(target.substr(1)) ? target : std::string("(not shown)")) +
                        "' is not a revision, " + (upgrading ? "or +N" : "base, or -N"));
      }
      if (count == 0)
        return fail(usage_error, "strata.usage", std::string(1, sign) + "0 does nothing; give N >= 1");
    } else if (!(target == "base" && !upgrading) && !R::contains(target)) {
      return fail(usage_error, "strata.bad_target",
                  "unknown revision '" + (detail::showable_word(target) || R::contains(target) ? target : std::string("(not shown)")) +
                      "': not in this build's registry (head " + std::string(R::head) + ")");
    }
  }
  for (const auto& id : revisions)
    if (!R::contains(id))
      return fail(usage_error, "strata.bad_target",
                  "unknown revision '" + (detail::showable_word(id) ? id : std::string("(not shown)")) +
                      "': not in this build's registry (head " + std::string(R::head) + ")");
  if (const std::optional<int> ended = chosen->before_connecting()) return *ended;
  if (!chosen->run && !chosen->run_alone) return success;

  o = cfg.executor_options();
  o.target = count > 0 ? std::string() : target;
  o.remove_unknown_revisions = remove_unknown;
  // The command line prints a failure itself: the log leaves it out.
  const log_sink sink = guarded_sink(cfg.sink(), secrets);
  o.log = [sink](log_level level, std::string_view message) {
    if (level != log_level::error) sink(level, message);
  };
  cfg.log = o.log;
  if (chosen->run_alone) return chosen->run_alone(o);

  if (cfg.database_url.empty())
    return fail(usage_error, "strata.usage",
                "no database to work on: set DATABASE_URL or pass --database-url URL (" + std::string(access::url_example) + ")");
  try {
    access::check_url(cfg.database_url);
  } catch (const config_error& e) {
    say(streams.err, "strata: " + std::string(e.what()) + "\n");
    return connection_failed;
  }

  try {
    // the invocation's secrets hold the URL's already: the sink is guarded once
    return strata::detail::with_retries_logged(
        cfg, secrets, cfg.log, access::open,
        [&](db_connection& conn) -> int { return chosen->run(conn); });
  } catch (const std::exception& e) {
    say(streams.err, "strata: " + std::string(e.what()) + "\n");
    return strata::exit_code_of(e);  // the codes a service returns at start-up
  }
}

}  // namespace strata::cli
