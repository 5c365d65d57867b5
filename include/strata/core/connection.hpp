#pragma once
// What the executor needs from a database connection. strata::pq::connection is the libpqxx
// model; tests inject their own.

#include <concepts>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// A query parameter or a result cell; std::nullopt is SQL NULL.
using value = std::optional<std::string>;
using row = std::vector<value>;
using rows = std::vector<row>;

// A connection runs SQL text (possibly several statements, no parameters) and parameterised
// single statements that return rows. Failures throw strata::database_error (core/errors.hpp),
// or strata::connection_error when the connection itself is lost.
template <class C>
concept connection = requires(C& c, std::string_view text, std::span<const value> params) {
  { c.execute(text) } -> std::same_as<void>;
  { c.query(text, params) } -> std::same_as<rows>;
};

// Optionally, a connection runs several statements in one round trip, stopping at the first that
// fails; it throws strata::batch_error (core/errors.hpp) with that statement's index. The executor
// uses it for transactional SQL bodies when the connection has it.
template <class C>
concept batch_connection = connection<C> && requires(C& c, std::span<const std::string_view> statements) {
  { c.execute_batch(statements) } -> std::same_as<void>;
};

// Optionally, a connection tells the server process id it was given when it connected (libpq's
// PQbackendPID). When the server itself reports another one, a pooler stands between them, and
// the executor keeps its lock and settings inside transactions (README "Through a connection pooler").
template <class C>
concept reports_backend_pid = connection<C> && requires(C& c) {
  { c.backend_pid() } -> std::convertible_to<long long>;
};

}  // namespace strata
