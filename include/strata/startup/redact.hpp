#pragma once
// Masks the password of a connection URL or key=value string by its structure, so that logs and
// errors can show where strata connects without showing the secret. Never searches for the
// password's text (a one-letter password would mangle every message).

#include <string>
#include <string_view>

namespace strata {

namespace detail {
inline bool starts_with_scheme(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}
}  // namespace detail

// postgresql://user:secret@host/db?password=x -> postgresql://user:***@host/db?password=***
// host=h password='a b' user=u                  -> host=h password=*** user=u
inline std::string redact_url(std::string_view url) {
  std::string out;
  if (detail::starts_with_scheme(url)) {
    const std::size_t scheme_end = url.find("://") + 3;
    const std::size_t authority_end = std::min(url.find_first_of("/?", scheme_end), url.size());
    const std::string_view authority = url.substr(scheme_end, authority_end - scheme_end);
    out = std::string(url.substr(0, scheme_end));
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      const std::string_view userinfo = authority.substr(0, at);
      const std::size_t colon = userinfo.find(':');
      out += colon == std::string_view::npos ? std::string(userinfo) : std::string(userinfo.substr(0, colon)) + ":***";
      out += authority.substr(at);
    } else {
      out += authority;
    }
    std::string_view rest = url.substr(authority_end);
    const std::size_t q = rest.find('?');
    out += rest.substr(0, q);
    if (q == std::string_view::npos) return out;
    rest.remove_prefix(q + 1);
    out += '?';
    bool first = true;
    while (true) {  // query parameters: mask the value of password=
      const std::size_t amp = rest.find('&');
      const std::string_view param = rest.substr(0, amp);
      if (!first) out += '&';
      first = false;
      const std::size_t eq = param.find('=');
      if (eq != std::string_view::npos && param.substr(0, eq) == "password") out += "password=***";
      else out += param;
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    return out;
  }
  // key = value pairs; values may be single-quoted with backslash escapes
  std::size_t i = 0;
  while (i < url.size()) {
    const std::size_t key_begin = i;
    while (i < url.size() && url[i] != '=' && url[i] != ' ') ++i;
    const std::string_view key = url.substr(key_begin, i - key_begin);
    while (i < url.size() && url[i] == ' ') out += url[i++];
    out.insert(out.size() - (i - key_begin - key.size()), key);
    if (i >= url.size() || url[i] != '=') continue;
    out += url[i++];
    while (i < url.size() && url[i] == ' ') out += url[i++];
    const std::size_t value_begin = i;
    if (i < url.size() && url[i] == '\'') {
      ++i;
      while (i < url.size() && url[i] != '\'') i += (url[i] == '\\' && i + 1 < url.size()) ? 2 : 1;
      if (i < url.size()) ++i;
    } else {
      while (i < url.size() && url[i] != ' ') ++i;
    }
    out += key == "password" ? std::string("***") : std::string(url.substr(value_begin, i - value_begin));
    while (i < url.size() && url[i] == ' ') out += url[i++];
  }
  return out;
}

// Keeps a message from a URL parser from echoing any part of the URL: quoted fragments go.
inline std::string without_quoted_fragments(std::string_view message) {
  std::string out;
  bool quoted = false;
  for (char c : message) {
    if (c == '"') {
      out += quoted ? "\"" : "\"...";
      quoted = !quoted;
    } else if (!quoted) {
      out += c;
    }
  }
  return out;
}

}  // namespace strata
