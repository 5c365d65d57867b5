#pragma once
// The errors strata throws. Each has a stable code (shown first in what()) that scripts and
// logs can match; messages name the revision, SQLSTATE and statement where there is one.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata {

namespace detail {

// A server's message as strata shows it: its first line with the error code after it, then each
// further line (DETAIL, HINT, CONTEXT, and "LINE 2: ..." with the caret under the error's
// position) on a line of its own, all indented alike so that the caret keeps its column.
inline std::string server_text(std::string_view message, std::string_view sqlstate, std::string_view indent = "  ") {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' '))
    message.remove_suffix(1);
  const std::size_t first_end = message.find('\n');
  std::string out(message.substr(0, first_end));
  // A five-character code is an SQLSTATE; a database with codes of its own names them as they are.
  if (!sqlstate.empty()) out += (sqlstate.size() == 5 ? " [SQLSTATE " : " [") + std::string(sqlstate) + "]";
  for (std::size_t at = first_end; at != std::string_view::npos;) {
    const std::size_t begin = at + 1, end = message.find('\n', begin);
    std::string_view line = message.substr(begin, end == std::string_view::npos ? end : end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "\n";
    out += indent;
    out += line;
    at = end;
  }
  return out;
}

}  // namespace detail

enum class error_code {
  migration_failed,      // strata.migration_failed: a statement of a migration failed; rolled back
  validation_failed,     // strata.validation_failed: history and build disagree
  lock_timeout,          // strata.lock_timeout: another runner held the lock too long
  connection_failed,     // strata.connection_failed: could not connect, or the connection was lost
  state_unknown,         // strata.state_unknown: connection lost during COMMIT
  bad_target,            // strata.bad_target: unknown revision, or a plan that cannot be carried out
  bad_config,            // strata.bad_config: malformed URL or setting
  database,              // strata.database: an SQL error outside any migration (history, lock)
  instances_running,     // strata.instances_running: live instances of an older release hold back a contraction
};

constexpr const char* code_name(error_code c) noexcept {
  switch (c) {
    case error_code::migration_failed: return "strata.migration_failed";
    case error_code::validation_failed: return "strata.validation_failed";
    case error_code::lock_timeout: return "strata.lock_timeout";
    case error_code::connection_failed: return "strata.connection_failed";
    case error_code::state_unknown: return "strata.state_unknown";
    case error_code::bad_target: return "strata.bad_target";
    case error_code::bad_config: return "strata.bad_config";
    case error_code::database: return "strata.database";
    case error_code::instances_running: return "strata.instances_running";
  }
  return "strata.unknown";
}

class error : public std::runtime_error {
 public:
  error(error_code code, const std::string& message)
      : std::runtime_error(std::string(code_name(code)) + ": " + message), code_(code) {}
  error_code code() const noexcept { return code_; }

 private:
  error_code code_;
};

// An SQL error reported by the server, as a connection throws it. `message` keeps the server's
// lines (see detail::server_text).
class database_error : public error {
 public:
  database_error(std::string message, std::string sqlstate, std::string statement, std::size_t position = 0)
      : error(error_code::database, detail::server_text(message, sqlstate)),
        server_message_(std::move(message)),
        sqlstate_(std::move(sqlstate)),
        statement_(std::move(statement)),
        position_(position) {}
  const std::string& server_message() const noexcept { return server_message_; }
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  const std::string& statement() const noexcept { return statement_; }
  std::size_t position() const noexcept { return position_; }  // 1-based character, 0 if unknown

 private:
  std::string server_message_, sqlstate_, statement_;
  std::size_t position_;
};

// A statement of a batch failed; `index` is its position in the batch.
class batch_error : public database_error {
 public:
  batch_error(const database_error& cause, std::size_t index) : database_error(cause), index_(index) {}
  std::size_t index() const noexcept { return index_; }

 private:
  std::size_t index_;
};

// The connection could not be made or was lost. `retryable`: waiting may heal it (server not up
// yet, refused, starting or shutting down), unlike a bad password or an unknown database.
class connection_error : public error {
 public:
  connection_error(const std::string& message, bool retryable)
      : error(error_code::connection_failed, message), retryable_(retryable) {}
  bool retryable() const noexcept { return retryable_; }

 private:
  bool retryable_;
};

// The connection was lost while committing: the server may or may not have committed.
class state_unknown_error : public error {
 public:
  explicit state_unknown_error(const std::string& message) : error(error_code::state_unknown, message) {}
};

class migration_error : public error {
 public:
  migration_error(std::string revision, std::string sqlstate, std::string statement, std::size_t statement_number,
                  std::size_t position, std::size_t statements_already_run, const std::string& message)
      : error(error_code::migration_failed, message),
        revision_(std::move(revision)),
        sqlstate_(std::move(sqlstate)),
        statement_(std::move(statement)),
        statement_number_(statement_number),
        position_(position),
        statements_already_run_(statements_already_run) {}
  const std::string& revision() const noexcept { return revision_; }
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  const std::string& statement() const noexcept { return statement_; }
  std::size_t statement_number() const noexcept { return statement_number_; }  // 1-based; 0 for code bodies
  std::size_t position() const noexcept { return position_; }
  // For a non-transactional migration: statements that ran and stay applied.
  std::size_t statements_already_run() const noexcept { return statements_already_run_; }

 private:
  std::string revision_, sqlstate_, statement_;
  std::size_t statement_number_, position_, statements_already_run_;
};

class validation_error : public error {
 public:
  validation_error(std::vector<std::string> problems, const std::string& message)
      : error(error_code::validation_failed, message), problems_(std::move(problems)) {}
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

class lock_timeout_error : public error {
 public:
  explicit lock_timeout_error(const std::string& message) : error(error_code::lock_timeout, message) {}
};

// after_deploy revisions held back by live instances of releases that lack them (README
// "Rolling deploys"); `instances()` names them as "release on host (pid N)".
class instances_error : public error {
 public:
  instances_error(std::vector<std::string> instances, const std::string& message)
      : error(error_code::instances_running, message), instances_(std::move(instances)) {}
  const std::vector<std::string>& instances() const noexcept { return instances_; }

 private:
  std::vector<std::string> instances_;
};

class target_error : public error {
 public:
  explicit target_error(const std::string& message) : error(error_code::bad_target, message) {}
};

class config_error : public error {
 public:
  explicit config_error(const std::string& message) : error(error_code::bad_config, message) {}
};

}  // namespace strata
