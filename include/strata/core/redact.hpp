#pragma once
// Keeping secrets out of every line strata prints or logs, in two layers:
// - redact_url masks the password of a connection URL or key=value string by its structure, so
//   that logs can show where strata connects;
// - secret_filter removes known secret values (what libpq itself parsed as the password, and how
//   the string spelled it; see pq::secrets_of) from any text: strata's own lines, libpq's
//   messages, the argument parser's.
#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata {

namespace detail {

// scheme://... (RFC 3986: a letter, then letters, digits, '+', '-', '.'), of any database.
inline bool starts_with_scheme(std::string_view s) {
  const std::size_t colon = s.find("://");
  if (colon == std::string_view::npos || colon == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
      return false;
  }
  return true;
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

// Each parameter of a URL's query (the text after '?'): f(name, value, value's offset in `params`);
// a parameter without '=' has an empty value.
template <class F>
void for_each_query_parameter(std::string_view params, F&& f) {
  for (std::size_t begin = 0;;) {
    const std::size_t amp = params.find('&', begin);
    const std::string_view param = params.substr(begin, amp == std::string_view::npos ? std::string_view::npos : amp - begin);
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos) f(param.substr(0, eq), param.substr(eq + 1), begin + eq + 1);
    else f(param, std::string_view{}, begin + param.size());
    if (amp == std::string_view::npos) return;
    begin = amp + 1;
  }
}

// Each pair of a key=value connection string: f(key, value_begin, value_end), the value as
// written (single quotes included; a backslash escapes a character in both forms).
template <class F>
void for_each_key_value(std::string_view text, F&& f) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && is_blank(text[i])) ++i;
    const std::size_t key_begin = i;
    while (i < n && text[i] != '=' && !is_blank(text[i])) ++i;
    const std::string_view key = text.substr(key_begin, i - key_begin);
    while (i < n && is_blank(text[i])) ++i;
    if (i >= n || text[i] != '=') continue;
    ++i;
    while (i < n && is_blank(text[i])) ++i;
    const std::size_t value_begin = i;
    if (i < n && text[i] == '\'') {
      ++i;
      while (i < n && text[i] != '\'') i += (text[i] == '\\' && i + 1 < n) ? 2 : 1;
      if (i < n) ++i;
    } else {
      while (i < n && !is_blank(text[i])) i += (text[i] == '\\' && i + 1 < n) ? 2 : 1;
    }
    f(key, value_begin, std::min(i, n));
  }
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
    const std::string_view params = url.substr(query + 1);
    out += '?';
    std::size_t copied = 0;  // query parameters: secret values masked
    detail::for_each_query_parameter(params, [&](std::string_view name, std::string_view value, std::size_t at) {
      if (value.empty() || !detail::secret_key(name)) return;
      out += params.substr(copied, at - copied);
      out += "***";
      copied = at + value.size();
    });
    out += params.substr(copied);
    return out;
  }
  std::size_t copied = 0;  // key = value pairs: secret values masked
  detail::for_each_key_value(url, [&](std::string_view key, std::size_t begin, std::size_t end) {
    if (!detail::secret_key(key)) return;
    out += url.substr(copied, begin - copied);
    out += "***";
    copied = end;
  });
  out += url.substr(copied);
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

namespace detail {

inline std::string percent_decoded(std::string_view s) {
  std::string out;
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f') return (h | 0x20) - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The password as the text spells it, however a parser may split it: in a URL, the user
// information's password up to the first '@' (libpq's reading) and up to the last one (the
// writer's intent), and every password-like query value; in key=value form, each password-like
// value, quoted or not. Raw and percent-decoded.
inline std::vector<std::string> spelled_secrets(std::string_view url) {
  std::vector<std::string> out;
  auto keep = [&](std::string_view raw) {
    if (raw.empty()) return;
    out.emplace_back(raw);
    out.push_back(percent_decoded(raw));
  };
  if (starts_with_scheme(url)) {
    const std::size_t start = url.find("://") + 3;
    const std::size_t colon = url.find(':', start);
    const std::size_t first_stop = url.find_first_of("@/", start);
    if (first_stop != std::string_view::npos && colon < first_stop) {  // user:password before the first '@' or '/'
      if (url[first_stop] == '@') keep(url.substr(colon + 1, first_stop - colon - 1));
      const std::size_t last_at = url.rfind('@');
      if (last_at != std::string_view::npos && last_at > colon) keep(url.substr(colon + 1, last_at - colon - 1));
    }
    for (std::size_t q = url.find('?', start); q != std::string_view::npos; q = url.find('?', q + 1))
      for_each_query_parameter(url.substr(q + 1), [&](std::string_view name, std::string_view value, std::size_t) {
        if (secret_key(name)) keep(value);
      });
    return out;
  }
  for_each_key_value(url, [&](std::string_view key, std::size_t begin, std::size_t end) {
    if (!secret_key(key)) return;
    std::string_view raw = url.substr(begin, end - begin);
    if (raw.size() >= 1 && raw.front() == '\'') raw = raw.substr(1, raw.size() >= 2 && raw.back() == '\'' ? raw.size() - 2 : raw.size() - 1);
    keep(raw);
    std::string unescaped;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '\\' && k + 1 < raw.size()) ++k;
      unescaped += raw[k];
    }
    keep(unescaped);
  });
  return out;
}

}  // namespace detail

// Replaces every occurrence of a known secret with "***". Built once per connection string;
// the longest secret wins where two overlap. A secret shorter than 4 characters is replaced where
// it stands alone (not inside a word), so that a one-letter password does not mangle every line.
class secret_filter {
 public:
  static constexpr std::size_t whole_word_below = 4;

  void add(std::string_view secret) {
    if (secret.empty() || std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
    secrets_.emplace_back(secret);
    std::stable_sort(secrets_.begin(), secrets_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
  void add(const secret_filter& other) {
    for (const auto& s : other.secrets_) add(s);
  }
  bool empty() const noexcept { return secrets_.empty(); }

  std::string operator()(std::string_view text) const {
    if (secrets_.empty()) return std::string(text);
    // Mark every character any secret covers (overlapping secrets included), then print each
    // marked run as one "***".
    std::vector<bool> hidden(text.size(), false);
    for (const auto& s : secrets_)
      for (std::size_t at = text.find(s); at != std::string_view::npos; at = text.find(s, at + 1))
        if (s.size() >= whole_word_below || stands_alone(text, at, s.size()))
          std::fill(hidden.begin() + static_cast<std::ptrdiff_t>(at), hidden.begin() + static_cast<std::ptrdiff_t>(at + s.size()), true);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (!hidden[i]) out += text[i];
      else if (i == 0 || !hidden[i - 1]) out += "***";
    }
    return out;
  }

 private:
  static bool word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  static bool stands_alone(std::string_view text, std::size_t at, std::size_t size) {
    return (at == 0 || !word_char(text[at - 1])) && (at + size >= text.size() || !word_char(text[at + size]));
  }
  std::vector<std::string> secrets_;
};

// A log line is one line: a line break and the indentation after it become one space
// (libpq's messages end in "\n\tIs the server running...").
inline std::string one_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && detail::is_blank(text[i + 1])) ++i;
    if (!out.empty() && out.back() != ' ') out += ' ';
  }
  return out;
}

}  // namespace strata
