#pragma once
// strata::pq::connection: the libpqxx model of strata::connection. The only file that includes
// libpqxx; the one place where libpqxx exceptions become strata errors.

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#define STRATA_ADAPTER_PQXX 1  // <strata/cli.hpp> and <strata/testing.hpp> need not look for it

#include "../core/connection.hpp"
#include "../backend/postgresql/dialect.hpp"
#include "../core/errors.hpp"
#include "access.hpp"
#include "libpq_url.hpp"

namespace strata::pq {

namespace detail {

// libpq's connection messages: which failures are worth another attempt.
inline bool retryable_connect_message(std::string_view message) {
  for (std::string_view healable : {"Connection refused", "could not connect", "the database system is starting up",
                                    "the database system is shutting down", "the database system is in recovery mode",
                                    "No such file or directory", "timeout expired", "too many connections",
                                    "server closed the connection unexpectedly", "Network is unreachable"})
    if (message.find(healable) != std::string_view::npos) return true;
  return false;
}

// A statement with parameters (NULL for std::nullopt), in each libpqxx series' own words:
// 6.x dynamic parameters; 7.x the params class, with exec() from 7.10 (exec_params is deprecated).
inline pqxx::result exec_with(pqxx::transaction_base& tx, std::string_view text, std::span<const value> params) {
#if PQXX_VERSION_MAJOR >= 7
  pqxx::params bound;
  bound.reserve(params.size());
  for (const value& p : params) {
    if (p) bound.append(*p);
    else bound.append();
  }
#if PQXX_VERSION_MAJOR > 7 || PQXX_VERSION_MINOR >= 10
  return tx.exec(text, bound);
#else
  return tx.exec_params(text, bound);
#endif
#else
  std::vector<const char*> raw;
  raw.reserve(params.size());
  for (const value& p : params) raw.push_back(p ? p->c_str() : nullptr);
  return tx.exec_params(std::string(text), pqxx::prepare::make_dynamic_params(raw));
#endif
}

// Every libpqxx exception becomes a strata error here, and nowhere else.
[[noreturn]] inline void rethrow_as_strata(std::string_view statement) {
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    throw state_unknown_error(std::string("connection lost while committing: ") + one_line(e.what()));
  } catch (const pqxx::broken_connection& e) {
    throw connection_error(std::string("connection lost: ") + one_line(e.what()), true);
  } catch (const pqxx::sql_error& e) {
    std::string state = e.sqlstate();
    const std::string message = e.what();  // its lines kept: "LINE 1: ..." and the caret under it
    // 6.4's transaction_rollback family (serialization_failure, deadlock_detected) carries no SQLSTATE.
    if (state.empty()) {
      if (dynamic_cast<const pqxx::deadlock_detected*>(&e)) state = "40P01";
      else if (dynamic_cast<const pqxx::serialization_failure*>(&e)) state = "40001";
      else if (dynamic_cast<const pqxx::transaction_rollback*>(&e)) state = "40000";
    }
    if (postgresql::protocol::session_ended(state))
      throw connection_error("connection lost: " + one_line(message) + " [SQLSTATE " + state + "]", true);
    // A syntax error's position, 1-based in the text sent (libpqxx tells it for 42601 alone).
    const auto* syntax = dynamic_cast<const pqxx::syntax_error*>(&e);
    const std::size_t position = syntax && syntax->error_position > 0 ? static_cast<std::size_t>(syntax->error_position) : 0;
    throw database_error(message, state, std::string(statement), position);
  } catch (const pqxx::usage_error& e) {
    throw database_error(std::string("libpqxx usage error: ") + one_line(e.what()), "", std::string(statement));
  } catch (const error&) {
    throw;
  } catch (const std::exception& e) {
    // libpqxx's own failures (a pipeline stopped by an earlier error, a lost encoding): the
    // caller names the revision and statement.
    throw database_error(one_line(e.what()), "", std::string(statement));
  }
}

}  // namespace detail

class connection {
 public:
  using dialect = postgresql::dialect;

  // Owns a connection made from a URL or key=value string. Throws strata::connection_error.
  // libpq's message passes through the URL's secret filter: it may quote a part of it.
  explicit connection(const std::string& url) {
    try {
      owned_ = std::make_unique<pqxx::connection>(url);
      conn_ = owned_.get();
    } catch (const std::exception& e) {
      const std::string message = secrets_of(url)(one_line(e.what()));
      throw connection_error("could not connect: " + message, detail::retryable_connect_message(message));
    }
  }
  // Borrows the service's own connection; it must outlive this object.
  explicit connection(pqxx::connection_base& borrowed) : conn_(&borrowed) {}

  void execute(std::string_view text) {
    try {
      pqxx::nontransaction tx(*conn_, "strata");
      tx.exec(std::string(text));
    } catch (...) {
      detail::rethrow_as_strata(text);
    }
  }

  // One round trip: libpqxx's pipeline sends the statements as one query, and the server reports
  // a result for each statement it ran, so the count of results names the one that failed, as
  // long as each is one statement to the server too. On a failure that is checked with the
  // server's own parser, and where it reads the statements otherwise they run again one at a time
  // (failed_batch): the statement blamed is the one that failed, with the server's error for it.
  void execute_batch(std::span<const std::string_view> statements) {
    std::size_t current = 0;
    std::optional<database_error> reported;
    bool counted = true;  // the server's error came with the results of the statements before it
    try {
      pqxx::nontransaction tx(*conn_, "strata");
      pqxx::pipeline pipe(tx, "strata");
      pipe.retain(static_cast<int>(statements.size()) + 1);
      std::vector<pqxx::pipeline::query_id> ids;
      ids.reserve(statements.size());
      for (std::string_view s : statements) ids.push_back(pipe.insert(std::string(s)));
      pipe.complete();
      for (; current < ids.size(); ++current) pipe.retrieve(ids[current]);
      return;
    } catch (...) {
      try {  // libpqxx's own failures (more or fewer results than statements) lose the count
        throw;
      } catch (const pqxx::sql_error&) {
      } catch (...) {
        counted = false;
      }
      try {
        detail::rethrow_as_strata(current < statements.size() ? statements[current] : std::string_view{});
      } catch (const database_error& e) {
        reported = e;
      }
    }
    if (auto failed = failed_batch(statements, std::min(current, statements.size() - 1), *reported, counted))
      throw *failed;
  }

  rows query(std::string_view text, std::span<const value> params) {
    try {
      pqxx::nontransaction tx(*conn_, "strata");
      // Without parameters, the simple query protocol: one message, less work for the server.
      const pqxx::result r = params.empty() ? tx.exec(std::string(text)) : detail::exec_with(tx, text, params);
      rows out;
      out.reserve(r.size());
      for (const auto& record : r) {
        row cells;
        cells.reserve(record.size());
        for (const auto& field : record)
          cells.push_back(field.is_null() ? value{} : value{std::string(field.c_str(), field.size())});
        out.push_back(std::move(cells));
      }
      return out;
    } catch (...) {
      detail::rethrow_as_strata(text);
    }
  }

  // The server process id libpq was given at connection start (a pooler gives its own).
  long long backend_pid() const { return conn_->backendpid(); }

  pqxx::connection_base& native() noexcept { return *conn_; }

 private:
  // How the server's parser reads a statement, asked in a failed transaction, which runs nothing
  // but COMMIT and ROLLBACK. Sent alone through the extended protocol (one statement a message),
  // it is parsed and then refused (25P02) when it is one statement; several are refused with a
  // syntax error without a position; a text the server cannot parse gets its syntax error; an
  // empty one, or a COMMIT or ROLLBACK, runs.
  struct parsed_as {
    enum { one, several, unparsable, ran } kind;
    std::optional<database_error> error;  // unparsable: the server's error, in the statement
  };
  parsed_as parse_in_failed_transaction(std::string_view statement) {
    try {
      pqxx::nontransaction tx(*conn_, "strata");
      detail::exec_with(tx, statement, {});
      return {parsed_as::ran, std::nullopt};
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == "25P02") return {parsed_as::one, std::nullopt};
      try {
        detail::rethrow_as_strata(statement);
      } catch (const database_error& refused) {
        if (refused.sqlstate() == "42601" && refused.position() == 0) return {parsed_as::several, std::nullopt};
        return {parsed_as::unparsable, refused};
      }
    } catch (...) {
      detail::rethrow_as_strata(statement);
    }
  }

  // Whether the session is in a failed transaction (where only its end runs).
  bool in_failed_transaction() {
    try {
      pqxx::nontransaction tx(*conn_, "strata");
      tx.exec("SELECT 1");
      return false;
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == "25P02") return true;
      detail::rethrow_as_strata("SELECT 1");
    } catch (...) {
      detail::rethrow_as_strata("SELECT 1");
    }
  }

  // Which statement of a failed batch failed, and the server's error for it; nothing when, run
  // again one at a time, none fails. `at` is the one the results counted name; `reported` the
  // error libpqxx passed on (with a position when the server could not parse the batch, which
  // it parses whole before running any of it).
  std::optional<batch_error> failed_batch(std::span<const std::string_view> statements, std::size_t at,
                                          const database_error& reported, bool counted) {
    auto blame = [&](std::size_t k) {  // the reported error, its position being in libpqxx's joined text
      return batch_error(database_error(reported.server_message(), reported.sqlstate(), std::string(statements[k])), k);
    };
    const bool unparsed = reported.position() > 0;
    std::optional<std::size_t> misread;  // the first statement that is not one statement to the server
    try {
      if (in_failed_transaction()) {
        const std::size_t last = unparsed || !counted ? statements.size() - 1 : at;
        for (std::size_t k = 0; k <= last && !misread; ++k) {
          const parsed_as p = parse_in_failed_transaction(statements[k]);
          if (p.kind == parsed_as::one) continue;
          if (p.kind == parsed_as::unparsable && unparsed) return batch_error(*p.error, k);
          misread = k;
        }
        if (!misread && counted) return blame(at);
      } else if (counted) {
        return blame(at);  // outside a transaction: nothing to ask the parser without running it
      }
    } catch (const database_error&) {
      return blame(at);
    }
    // The server read the statements otherwise. A batch that began its transaction runs again,
    // from a ROLLBACK, one statement at a time, as on a connection without batches.
    if (statements.front() != std::string_view(dialect::protocol::begin_sql)) return blame(misread.value_or(at));
    execute(dialect::protocol::rollback_sql);
    for (std::size_t k = 0; k < statements.size(); ++k) {
      try {
        execute(statements[k]);
      } catch (const database_error& e) {
        return batch_error(e, k);
      }
    }
    return std::nullopt;
  }

  std::unique_ptr<pqxx::connection> owned_;
  pqxx::connection_base* conn_ = nullptr;
};

static_assert(strata::batch_connection<connection>);
static_assert(strata::reports_backend_pid<connection>);

}  // namespace strata::pq

namespace strata {

// The command line on PostgreSQL (adapters/access.hpp).
template <>
struct database_access<postgresql::dialect> {
  using connection = pq::connection;
  static connection open(const std::string& url) { return connection{url}; }
  static secret_filter secrets_of(std::string_view text) {
    return text.find("://") != std::string_view::npos ? pq::secrets_of(text) : pq::passwords_in(text);
  }
  static void check_url(const std::string& url) { pq::check_url(url); }
  static constexpr std::string_view url_example = "postgresql://user:password@host:port/database";
  static constexpr bool has_schemas = true;
};

}  // namespace strata
