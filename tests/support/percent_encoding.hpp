#pragma once
// Percent-encodes every byte but ASCII letters and digits, as a URL's user information may be written.

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

namespace strata::testing {

inline std::string percent_encoded(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace strata::testing
