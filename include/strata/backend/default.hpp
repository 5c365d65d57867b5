#pragma once
// The dialect a registry uses when it names none, and its language's helpers under strata::
// (statement_count(M::up), statements<M::up>, split_statements, sql_checksum,
// refused_in_transaction), which generated registry headers and tests use.

#include "postgresql/dialect.hpp"

namespace strata {

using default_dialect = postgresql::dialect;

constexpr std::size_t statement_count(const sql& body) { return default_dialect::language::statement_count(body.text); }
using postgresql::refused_in_transaction;
using postgresql::split_statements;
using postgresql::sql_checksum;
using postgresql::statements;

}  // namespace strata
