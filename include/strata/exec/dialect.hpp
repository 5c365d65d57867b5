#pragma once
// The dialect a run speaks: its registry's (R::dialect), bound to the connection the run is given,
// so that the executor's templates reach the dialect's protocol and language through the
// connection type alone. A connection may name the dialect it speaks (`using dialect = ...;`):
// then it must be the registry's.

#include <span>
#include <string_view>
#include <type_traits>

#include "../backend/default.hpp"
#include "../core/connection.hpp"
#include "../core/diagnostics.hpp"
#include "../core/dialect.hpp"
#include "../core/options.hpp"

namespace strata::detail {

// A connection with the dialect of the run: forwards every member the connection has.
template <dialect D, connection C>
struct bound_connection {
  using dialect = D;
  C& conn;

  void execute(std::string_view text) { conn.execute(text); }
  rows query(std::string_view text, std::span<const value> params) { return conn.query(text, params); }
  void execute_batch(std::span<const std::string_view> statements)
    requires batch_connection<C>
  {
    conn.execute_batch(statements);
  }
  long long backend_pid() const
    requires reports_backend_pid<C>
  {
    return static_cast<long long>(conn.backend_pid());
  }
};

template <class C>
inline constexpr bool is_bound = false;
template <class D, class C>
inline constexpr bool is_bound<bound_connection<D, C>> = true;

// The connection of a run of registry R.
template <class R, connection C>
auto bind(C& conn) {
  using D = typename R::dialect;
  if constexpr (is_bound<C>) {
    static_assert(std::is_same_v<typename C::dialect, D>);
    return conn;
  } else {
    if constexpr (requires { typename C::dialect; })
      if constexpr (!std::is_same_v<typename C::dialect, D>) (void)diag::connection_speaks_another_dialect<typename C::dialect, D>{};
    return bound_connection<D, C>{conn};
  }
}

// The dialect of a connection: its own, or the default (for what runs without a registry, such
// as a schema snapshot).
template <class C>
struct dialect_of {
  using type = default_dialect;
};
template <class C>
  requires requires { typename C::dialect; }
struct dialect_of<C> {
  using type = typename C::dialect;
};
template <class C>
using dialect_for = typename dialect_of<C>::type;
template <class C>
using protocol_for = typename dialect_for<C>::protocol;
template <class C>
using language_for = typename dialect_for<C>::language;

// The protocol's names for the history and log tables of a run.
template <class P>
P tables_of(const options& o) {
  P p;
  p.schema = o.schema;
  p.history = o.history_table;
  p.log = o.log_table;
  p.instances = o.instances_table;
  return p;
}

}  // namespace strata::detail
