#pragma once
// Checks a connection URL or key=value string with libpq's own parser (PQconninfoParse) before
// any connection attempt. Errors show the URL with its password masked.

#include <string>

#include <libpq-fe.h>

#include "../exec/errors.hpp"
#include "../startup/redact.hpp"

namespace strata::pq {

inline void check_url(const std::string& url) {
  if (url.empty()) throw config_error("no database URL: set DATABASE_URL or pass --database-url");
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &message);
  if (parsed == nullptr) {
    std::string why = message ? without_quoted_fragments(message) : std::string("out of memory");
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfreemem(message);
    throw config_error("malformed database URL '" + redact_url(url) + "': " + why);
  }
  PQconninfoFree(parsed);
}

}  // namespace strata::pq
