#pragma once
// Masks the password of a connection URL or key=value string by its structure, so that logs and
// errors can show where strata connects without showing the secret. Never searches for the
// password's text (a one-letter password would mangle every message). Errs on the side of
// masking: any key that looks like a password (password, sslpassword, PASSWORD, passwd, ...).

#include <algorithm>
#include <string>
#include <string_view>

namespace strata {

namespace detail {

inline bool starts_with_scheme(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// A key naming a secret, after percent-decoding and lowercasing (URL keys are decoded by libpq).
inline bool secret_key(std::string_view key) {
  std::string k;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '%' && i + 2 < key.size()) {
      auto hex = [](char h) { return h >= '0' && h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
      c = static_cast<char>(hex(key[i + 1]) * 16 + hex(key[i + 2]));
      i += 2;
    }
    k += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return k.find("pass") != std::string::npos || k.find("pwd") != std::string::npos;
}

}  // namespace detail

// postgresql://user:secret@host/db?password=x -> postgresql://user:***@host/db?password=***
// host=h password='a b' user=u                  -> host=h password=*** user=u
inline std::string redact_url(std::string_view url) {
  std::string out;
  if (detail::starts_with_scheme(url)) {
    const std::size_t scheme_end = url.find("://") + 3;
    const std::size_t query = std::min(url.find('?', scheme_end), url.size());
    // The user information ends at the last '@' before the query: a password holding an
    // unencoded '/' or '@' is still masked whole.
    const std::size_t at = url.substr(0, query).rfind('@');
    out = std::string(url.substr(0, scheme_end));
    std::size_t rest_begin = scheme_end;
    if (at != std::string_view::npos && at >= scheme_end) {
      const std::string_view userinfo = url.substr(scheme_end, at - scheme_end);
      const std::size_t colon = userinfo.find(':');
      out += colon == std::string_view::npos ? std::string(userinfo) : std::string(userinfo.substr(0, colon)) + ":***";
      rest_begin = at;
    }
    out += url.substr(rest_begin, query - rest_begin);
    if (query == url.size()) return out;
    std::string_view params = url.substr(query + 1);
    out += '?';
    for (bool first = true;; first = false) {  // query parameters: mask secret values
      const std::size_t amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      if (!first) out += '&';
      const std::size_t eq = param.find('=');
      if (eq != std::string_view::npos && detail::secret_key(param.substr(0, eq)))
        out += std::string(param.substr(0, eq)) + "=***";
      else
        out += param;
      if (amp == std::string_view::npos) break;
      params.remove_prefix(amp + 1);
    }
    return out;
  }
  // key = value pairs: values may be single-quoted; backslash escapes a character in both forms
  std::size_t i = 0;
  const std::size_t n = url.size();
  while (i < n) {
    while (i < n && detail::is_blank(url[i])) out += url[i++];
    const std::size_t key_begin = i;
    while (i < n && url[i] != '=' && !detail::is_blank(url[i])) ++i;
    const std::string_view key = url.substr(key_begin, i - key_begin);
    out += key;
    while (i < n && detail::is_blank(url[i])) out += url[i++];
    if (i >= n || url[i] != '=') continue;
    out += url[i++];
    while (i < n && detail::is_blank(url[i])) out += url[i++];
    const std::size_t value_begin = i;
    if (i < n && url[i] == '\'') {
      ++i;
      while (i < n && url[i] != '\'') i += (url[i] == '\\' && i + 1 < n) ? 2 : 1;
      if (i < n) ++i;
    } else {
      while (i < n && !detail::is_blank(url[i])) i += (url[i] == '\\' && i + 1 < n) ? 2 : 1;
    }
    out += detail::secret_key(key) ? std::string("***") : std::string(url.substr(value_begin, i - value_begin));
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
