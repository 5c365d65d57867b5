#pragma once
// Connection strings through libpq's own parser (PQconninfoParse): the secrets it reads in them,
// and a check before any connection attempt. Nothing here echoes a connection string.

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "../core/errors.hpp"
#include "../core/redact.hpp"

namespace strata::pq {

// The passwords a text spells, whether or not it is a connection string: the password and
// sslpassword values libpq parses in it, and how the text spells them (core/redact.hpp). Text
// libpq cannot parse yields only what it spells: a word of a command line ("--lock-timeout=3")
// holds no secret.
inline secret_filter passwords_in(std::string_view text) {
  secret_filter secrets;
  for (const auto& s : strata::detail::spelled_secrets(text)) secrets.add(s);
  char* message = nullptr;
  const std::string copy(text);
  PQconninfoOption* parsed = PQconninfoParse(copy.c_str(), &message);
  if (message) PQfreemem(message);
  if (parsed == nullptr) return secrets;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    const std::string_view key = o->keyword;
    if ((key == "password" || key == "sslpassword") && o->val != nullptr && *o->val != '\0') secrets.add(o->val);
  }
  PQconninfoFree(parsed);
  return secrets;
}

namespace detail {

// Whether a URL's user information holds an unencoded '@' or '/': libpq ends it at the first of
// them, so another '@' after that (before the query) belongs to the user name or password, and
// libpq would read the rest of the password as the host, port or database.
inline bool reserved_character_in_user_information(std::string_view url) {
  if (!strata::detail::starts_with_scheme(url)) return false;
  const std::size_t start = url.find("://") + 3;
  const std::size_t first_stop = url.find_first_of("@/", start);
  if (first_stop == std::string_view::npos) return false;
  const std::size_t at = url.find('@', first_stop + 1);
  return at != std::string_view::npos && at < url.find('?', first_stop + 1);
}

}  // namespace detail

// The connection string strata connects with, read once by libpq's parser: what to remove from
// every line printed about it (passwords_in(url), and the whole string when libpq cannot parse it:
// where its password ends is then unknown), and why it must not be used, if so. It must not be
// empty, unparsable, or one whose password libpq would read other than its writer meant (an
// unencoded '@' or '/' in it), since libpq's connect errors then quote a fragment of the password
// as a host, port or database name. The reasons never show the string; they say to percent-encode
// only where that is the fix.
struct parsed_url {
  secret_filter secrets;
  std::string problem;  // a config_error's message; empty: the string may be used
};

inline parsed_url parse_url(const std::string& url) {
  parsed_url out;
  for (const auto& s : strata::detail::spelled_secrets(url)) out.secrets.add(s);
  if (url.empty()) {
    out.problem = "no database URL: set DATABASE_URL (or startup_config::database_url)";
    return out;
  }
  static constexpr std::string_view hidden = "malformed database URL (not shown, it may hold a password): ";
  if (detail::reserved_character_in_user_information(url))
    out.problem = std::string(hidden) +
                  "an '@' or '/' in the user name or password is not percent-encoded; write '@' as %40, "
                  "'/' as %2F (and ':' in a user name as %3A)";
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &message);
  if (parsed == nullptr) {
    out.secrets.add(url);
    if (out.problem.empty())
      out.problem = std::string(hidden) + (message ? without_quoted_fragments(one_line(message)) : std::string("out of memory"));
    if (message) PQfreemem(message);
    return out;
  }
  if (message) PQfreemem(message);
  std::string bad;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword, value = o->val;
    if ((key == "password" || key == "sslpassword") && !value.empty()) out.secrets.add(value);
    if (key == "port" && value.find_first_not_of("0123456789,") != std::string_view::npos)
      bad = "the port is not a number";
    else if ((key == "host" || key == "hostaddr" || key == "port") && value.find('@') != std::string_view::npos)
      bad = "the host holds an '@'";
  }
  PQconninfoFree(parsed);
  if (out.problem.empty() && !bad.empty()) out.problem = std::string(hidden) + bad;
  return out;
}

// What to remove from every line printed about `url` (parse_url).
inline secret_filter secrets_of(std::string_view url) { return parse_url(std::string(url)).secrets; }

// Refuses a connection string before libpq connects with it (parse_url's problem).
inline void check_url(const std::string& url) {
  if (parsed_url parsed = parse_url(url); !parsed.problem.empty()) throw config_error(parsed.problem);
}

// The same connection string naming another database, built from what libpq's parser reads in
// `url` (nothing is parsed by hand): a postgresql:// URL for a URL, key=value pairs otherwise.
// Throws strata::config_error for a string libpq cannot read.
inline std::string with_database(const std::string& url, std::string_view database) {
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &message);
  if (message) PQfreemem(message);
  if (parsed == nullptr) throw config_error("malformed database URL (not shown, it may hold a password)");
  std::vector<std::pair<std::string, std::string>> given;
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o)
    if (o->val != nullptr && std::string_view(o->keyword) != "dbname") given.emplace_back(o->keyword, o->val);
  PQconninfoFree(parsed);

  if (!strata::detail::starts_with_scheme(url)) {
    auto quoted = [](std::string_view v) {
      std::string out = "'";
      for (char c : v) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
      }
      return out + "'";
    };
    std::string out;
    for (const auto& [key, value] : given) out += key + "=" + quoted(value) + " ";
    return out + "dbname=" + quoted(database);
  }
  auto encoded = [](std::string_view v) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
      else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
  };
  std::string user, password, host, port, query;
  for (const auto& [key, value] : given) {
    if (key == "user") user = value;
    else if (key == "password") password = value;
    else if (key == "host") host = value;
    else if (key == "port") port = value;
    else query += (query.empty() ? "?" : "&") + key + "=" + encoded(value);
  }
  // A socket folder, several hosts or an IPv6 address go in the query, where libpq reads them as given.
  if (host.find_first_of("/,:%") != std::string::npos || port.find(',') != std::string::npos) {
    query += (query.empty() ? "?" : "&") + std::string("host=") + encoded(host);
    if (!port.empty()) query += "&port=" + encoded(port);
    host.clear(), port.clear();
  }
  std::string out = "postgresql://";
  if (!user.empty() || !password.empty())
    out += encoded(user) + (password.empty() ? std::string() : ":" + encoded(password)) + "@";
  out += encoded(host) + (port.empty() ? std::string() : ":" + port) + "/" + encoded(database) + query;
  return out;
}

}  // namespace strata::pq
