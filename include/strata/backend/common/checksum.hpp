#pragma once
// strata's checksum of a migration's SQL bodies (version 1, strata::checksum_version), shared by
// every dialect's lexer, which feeds it each character of its one pass (CR LF and a lone CR read
// as LF): a Fletcher-style 64-bit sum (two 32-bit running sums, a from 1 and b from 0: a += byte,
// b += a) over up, a 0xff byte, then down; the value is b << 32 | a. Chosen over FNV because g++
// evaluates its additions ~2.5x faster than 64-bit multiplications.

#include <cstdint>
#include <string_view>

namespace strata::backend {

// The checksum's state: two 32-bit running sums packed as b << 32 | a, a starting at 1.
inline constexpr std::uint64_t checksum_start = 1;

// Separates up from down in the checksum: 0xff never occurs in UTF-8 text.
constexpr void checksum_separator(std::uint64_t& state) noexcept {
  std::uint32_t a = static_cast<std::uint32_t>(state) + 0xffU;
  std::uint32_t b = static_cast<std::uint32_t>(state >> 32) + a;
  state = (std::uint64_t{b} << 32) | a;
}

// The checksum of up and down, each fed by `scan(text, state)` (a lexer's pass).
template <class Scan>
constexpr std::uint64_t bodies_checksum(std::string_view up, std::string_view down, Scan&& scan) {
  std::uint64_t state = checksum_start;
  scan(up, state);
  checksum_separator(state);
  scan(down, state);
  return state;
}

}  // namespace strata::backend
