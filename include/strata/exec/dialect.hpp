#pragma once
// Which SQL dialect a connection speaks: its `dialect` member type, or PostgreSQL's. The
// executor's templates name the dialect only through this trait; the umbrella headers include
// the dialect's definition (backend/postgresql/dialect.hpp).

#include "../core/options.hpp"

namespace strata::postgresql {
struct dialect;
}  // namespace strata::postgresql

namespace strata::detail {

template <class C>
struct dialect_of {
  using type = postgresql::dialect;
};
template <class C>
  requires requires { typename C::dialect; }
struct dialect_of<C> {
  using type = typename C::dialect;
};
template <class C>
using dialect_for = typename dialect_of<C>::type;

// The dialect's names for the history and log tables of a run.
template <class D>
D tables_of(const options& o) {
  D d;
  d.schema = o.schema;
  d.history = o.history_table;
  d.log = o.log_table;
  return d;
}

}  // namespace strata::detail
