#pragma once
// Text helpers every layer uses for its messages.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::detail {

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// "1 revision", "2 revisions"
inline std::string count_of(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

}  // namespace strata::detail
