#pragma once
// strata::transaction: what a code body (`static void up(strata::transaction&)`) receives.
// A non-template type so that the body's signature is fixed; it forwards to the connection.

#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "connection.hpp"

namespace strata {

class transaction {
 public:
  template <connection C>
  explicit transaction(C& conn) noexcept
      : conn_(&conn),
        execute_([](void* c, std::string_view text) { static_cast<C*>(c)->execute(text); }),
        query_([](void* c, std::string_view text, std::span<const value> params) {
          return static_cast<C*>(c)->query(text, params);
        }) {}

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  // Runs SQL text; several statements separated by ';' are allowed.
  void execute(std::string_view text) { execute_(conn_, text); }

  // Runs one statement with $1, $2, ... bound to params and returns its rows.
  rows query(std::string_view text, std::initializer_list<value> params = {}) {
    return query_(conn_, text, std::span<const value>(params.begin(), params.size()));
  }
  rows query(std::string_view text, std::span<const value> params) { return query_(conn_, text, params); }

 private:
  void* conn_;
  void (*execute_)(void*, std::string_view);
  rows (*query_)(void*, std::string_view, std::span<const value>);
};

}  // namespace strata
