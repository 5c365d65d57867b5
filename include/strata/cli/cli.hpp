#pragma once
// strata::cli::main<R>(argc, argv): the command line every service gets.
// Parsing by CLI11, JSON by nlohmann-json; both header-only from Debian.

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "../adapters/libpq_url.hpp"
#include "../adapters/pqxx.hpp"
#include "../exec/executor.hpp"
#include "../startup/config.hpp"
#include "../startup/startup.hpp"
#include "../version.hpp"

namespace strata::cli {

enum exit_code : int {
  success = 0,
  migration_failed = 1,
  usage_error = 2,
  pending = 3,
  connection_failed = 4,
  validation_failed = 5,
  lock_not_acquired = 6,
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
                            {"applied_by", a.applied_by}});
  j["pending"] = s.pending;
  j["unknown"] = s.unknown;
  j["checksum_mismatches"] = s.checksum_mismatches;
  j["invalid_indexes"] = s.invalid_indexes;
  return j;
}

// API.md's exit codes, from the error that ended the command.
inline int exit_code_of(const std::exception& e) {
  if (const auto* known = dynamic_cast<const error*>(&e)) {
    switch (known->code()) {
      case error_code::validation_failed: return validation_failed;
      case error_code::lock_timeout: return lock_not_acquired;
      case error_code::connection_failed:
      case error_code::bad_config: return connection_failed;
      case error_code::bad_target: return usage_error;
      case error_code::migration_failed:
      case error_code::state_unknown:
      case error_code::database: return migration_failed;
    }
  }
  return migration_failed;
}

// Stops with a validation error when the state shows edited or unknown revisions.
inline void validate_state(const state& s, const options& o) {
  strata::detail::history_view h;
  h.unknown = s.unknown;
  h.mismatched = s.checksum_mismatches;
  strata::detail::validate(h, o);
}

template <class R>
void print_table(std::ostream& out, const state& s, bool pending_marks_only) {
  std::size_t width = 8;
  for (const auto& id : R::ids) width = std::max(width, id.size());
  out << "  " << pad("REVISION", width) << "  " << pad("STATE", 8) << "  " << pad("APPLIED AT", 30) << "  MS\n";
  std::size_t a = 0;
  for (const auto& id : R::ids) {
    const bool applied = a < s.applied.size() && s.applied[a].revision == id;
    if (pending_marks_only && applied) {
      ++a;
      continue;
    }
    out << (applied ? "* " : "  ") << pad(id, width) << "  " << pad(applied ? "applied" : "PENDING", 8) << "  ";
    if (applied) {
      out << pad(s.applied[a].applied_at, 30) << "  " << s.applied[a].execution_ms;
      ++a;
    }
    out << "\n";
  }
}

}  // namespace detail

template <class R>
int main(int argc, const char* const* argv, io streams = {}) {
  std::ostream& out = streams.out;
  std::ostream& err = streams.err;

  startup_config cfg;
  try {
    cfg = startup_config::from_env(streams.getenv);
  } catch (const config_error& e) {
    err << "strata: " << e.what() << "\n";
    return usage_error;
  }
  // The command line makes one attempt unless --retry-for or STRATA_RETRY_FOR says otherwise.
  if (streams.getenv("STRATA_RETRY_FOR") == nullptr) cfg.retry_for = std::chrono::milliseconds(0);

  CLI::App app{"Database migrations of this service (strata " + std::string(version) + ", registry head " +
               std::string(R::head) + ", " + std::to_string(R::size) + " migrations)"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_help_all_flag("--help-all", "Every command with its options");
  app.footer(
      "Exit codes: 0 success, 1 a migration failed, 2 usage error, 3 pending (check), 4 could not connect,\n"
      "            5 validation failed, 6 lock not acquired in time.\n"
      "Environment: DATABASE_URL, STRATA_RETRY_FOR, STRATA_LOCK_TIMEOUT, STRATA_SCHEMA, STRATA_HISTORY_TABLE,\n"
      "             STRATA_LOG_TABLE, STRATA_MODE, STRATA_ALLOW_UNKNOWN_REVISIONS, STRATA_LOG_LEVEL.");
  bool show_version = false, print_sql = false, single = false, json = false;
  std::optional<long long> lock_timeout, retry_for;
  std::string target;
  app.add_flag("--version", show_version, "Print strata's version and the registry's head");
  app.add_option("--database-url", cfg.database_url, "PostgreSQL URL (default: $DATABASE_URL)");
  app.add_flag("--sql", print_sql, "Print the SQL that would run; change nothing");
  app.add_flag("--single-transaction", single, "Run all pending migrations in one transaction: all or nothing");
  app.add_option("--lock-timeout", lock_timeout, "Seconds to wait for the migration lock (default 60)")
      ->check(CLI::Range(0LL, 86400LL));
  app.add_option("--retry-for", retry_for, "Seconds to keep retrying the connection (default: one attempt)")
      ->check(CLI::Range(0LL, 86400LL));

  auto* upgrade_cmd = app.add_subcommand("upgrade", "Apply pending revisions up to TARGET (default: head)");
  upgrade_cmd->add_option("target", target, "Revision to stop at");
  auto* downgrade_cmd = app.add_subcommand("downgrade", "Revert down to TARGET; `base` reverts all, -N the last N");
  downgrade_cmd->add_option("target", target, "Revision to keep, base, or -N")->required();
  auto* status_cmd = app.add_subcommand("status", "Current head(s), applied and pending revisions");
  status_cmd->add_flag("--json", json, "The same as JSON");
  auto* history_cmd = app.add_subcommand("history", "Every revision in apply order, marked applied or pending");
  auto* check_cmd = app.add_subcommand("check", "Exit 0 when up to date, 3 when revisions are pending");
  auto* stamp_cmd = app.add_subcommand("stamp", "Record TARGET as applied without running it");
  stamp_cmd->add_option("target", target, "Revision to record (with its ancestors), or base")->required();
  auto* verify_cmd = app.add_subcommand("verify", "Check checksums and unknown revisions; change nothing");

  // --version works without a command
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--version") {
      out << "strata " << version << "\nregistry head " << R::head << " (" << R::size << " migrations)\n";
      return success;
    }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help
      app.exit(e, out, err);
      return success;
    }
    std::string why = e.what();
    for (int i = 1; i < argc; ++i) {  // name a misspelt command rather than "a subcommand is required"
      const std::string_view word = argv[i];
      if (word == "--database-url" || word == "--lock-timeout" || word == "--retry-for") {
        ++i;
        continue;
      }
      if (word.starts_with("-")) continue;
      bool known = true;
      try {
        (void)app.get_subcommand(std::string(word));
      } catch (const CLI::OptionNotFound&) {
        known = false;
      }
      if (!known)
        why = "unknown command '" + std::string(word) + "' (commands: upgrade, downgrade, status, history, check, stamp, verify)";
      break;
    }
    err << "strata: " << why << "\n" << "run with --help for commands and options\n";
    return usage_error;
  }
  if (lock_timeout) cfg.lock_timeout = std::chrono::seconds(*lock_timeout);
  if (retry_for) cfg.retry_for = std::chrono::seconds(*retry_for);
  if (single) cfg.mode = mode::single_transaction;

  // Targets are checked against this build before connecting.
  std::size_t last_n = 0;
  if (!target.empty()) {
    const bool negative = target.size() > 1 && target[0] == '-';
    if (negative && downgrade_cmd->parsed()) {
      try {
        last_n = static_cast<std::size_t>(strata::detail::parse_count("-N", target.substr(1)));
      } catch (const config_error&) {
        err << "strata: downgrade target '" << target << "' is not a revision, base, or -N\n";
        return usage_error;
      }
      if (last_n == 0) {
        err << "strata: downgrade -0 reverts nothing; give N >= 1\n";
        return usage_error;
      }
    } else if (!(target == "base" && !upgrade_cmd->parsed()) && !R::contains(target)) {
      err << "strata: unknown revision '" << target << "': not in this build's registry (head " << R::head << ")\n";
      return usage_error;
    }
  }

  try {
    pq::check_url(cfg.database_url);
  } catch (const config_error& e) {
    err << "strata: " << e.what() << "\n";
    return connection_failed;
  }

  options o = cfg.executor_options();
  o.target = target;
  const log_sink sink = cfg.sink();
  o.log = [&](log_level level, std::string_view message) {
    if (level >= log_level::warning) sink(level, message);
  };
  cfg.log = o.log;

  try {
    return with_pq_connection(cfg, [&](pq::connection& conn) -> int {
          if (upgrade_cmd->parsed()) {
            if (print_sql) {
              out << sql_script<R>(conn, true, o);
              return success;
            }
            out << upgrade<R>(conn, o) << "\n";
            return success;
          }
          if (downgrade_cmd->parsed()) {
            if (print_sql) {
              out << sql_script<R>(conn, false, o, last_n);
              return success;
            }
            out << (last_n > 0 ? downgrade_last<R>(conn, last_n, o) : downgrade<R>(conn, o)) << "\n";
            return success;
          }
          if (stamp_cmd->parsed()) {
            if (print_sql) {
              out << "-- stamp " << target << ": records revisions in " << o.history_table << " only\n";
              return success;
            }
            out << stamp<R>(conn, target, o) << "\n";
            return success;
          }
          const state s = status<R>(conn, o);
          if (status_cmd->parsed()) {
            if (json) {
              out << detail::to_json(s, R::head).dump(2) << "\n";
              return success;
            }
            out << "database: " << redact_url(cfg.database_url) << "\n";
            out << "head:     " << (s.heads.empty() ? std::string("(none)") : strata::detail::join(s.heads))
                << "   (this build: " << R::head << ")\n";
            out << "applied:  " << s.applied.size() << "   pending: " << s.pending.size() << "\n";
            if (!s.pending.empty()) detail::print_table<R>(out, s, true);
            for (const auto& u : s.unknown) out << "unknown to this build: " << u << "\n";
            for (const auto& c : s.checksum_mismatches) out << "checksum differs: " << c << "\n";
            for (const auto& i : s.invalid_indexes) out << "INVALID index (failed concurrent build): " << i << "\n";
            return success;
          }
          if (history_cmd->parsed()) {
            detail::print_table<R>(out, s, false);
            return success;
          }
          if (check_cmd->parsed()) {
            detail::validate_state(s, o);
            out << (s.up_to_date() ? "up to date at " + std::string(R::head)
                                   : std::to_string(s.pending.size()) + " pending revision(s), next " + s.pending.front())
                << "\n";
            return s.up_to_date() ? success : pending;
          }
          if (verify_cmd->parsed()) {
            detail::validate_state(s, o);
            out << "verified: " << s.applied.size() << " applied revision(s) match this build\n";
            return success;
          }
          return usage_error;
        });
  } catch (const std::exception& e) {
    err << "strata: " << e.what() << "\n";
    return detail::exit_code_of(e);
  }
}

}  // namespace strata::cli
