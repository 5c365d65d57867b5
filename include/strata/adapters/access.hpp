#pragma once
// How the command line reaches the database of a registry's dialect: its connection type, how one
// opens from a URL, what secrets a URL holds, whether a URL is one this database takes, and
// whether fleets of schemas exist there. Each adapter specialises it for its dialect
// (adapters/pqxx.hpp, adapters/sqlite.hpp); the command line includes no adapter itself.
//
//   template <> struct database_access<D> {
//     using connection = ...;
//     static connection open(const std::string& url);        // throws strata::connection_error
//     static secret_filter secrets_of(std::string_view text);  // the passwords a text spells
//     static void check_url(const std::string& url);          // throws strata::config_error
//     static constexpr std::string_view url_example = "...";
//     static constexpr bool has_schemas = ...;                 // fleet --schemas
//   };

namespace strata {

template <class Dialect>
struct database_access;

// Whether an adapter for the dialect is included.
template <class Dialect>
concept accessible = requires { typename database_access<Dialect>::connection; };

}  // namespace strata
