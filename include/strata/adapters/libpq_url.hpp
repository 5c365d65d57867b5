#pragma once
// Checks a connection URL or key=value string with libpq's own parser (PQconninfoParse) before
// any connection attempt. Errors show the URL with its password masked.

#include <string>
#include <string_view>

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
  // A port that is not a number would reach libpq's connect error verbatim (it quotes the value,
  // which may be part of a password holding an unencoded '/'): refuse it here, without echoing.
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) != "port" || o->val == nullptr) continue;
    for (const char* c = o->val; *c; ++c)
      if (!((*c >= '0' && *c <= '9') || *c == ',')) {
        PQconninfoFree(parsed);
        throw config_error("malformed database URL '" + redact_url(url) +
                           "': the port is not a number (percent-encode '/', '@' and ':' in a password)");
      }
  }
  PQconninfoFree(parsed);
}

}  // namespace strata::pq
