#pragma once
// FNV-1a 64: the same value on every compiler and platform, cheap to evaluate in constexpr.

#include <cstdint>
#include <string_view>

namespace strata::detail {

inline constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

constexpr std::uint64_t fnv1a_step(std::uint64_t h, unsigned char c) noexcept {
  return (h ^ c) * fnv_prime;
}

constexpr std::uint64_t hash_id(std::string_view s) noexcept {
  std::uint64_t h = fnv_offset;
  for (char c : s) h = fnv1a_step(h, static_cast<unsigned char>(c));
  return h;
}

}  // namespace strata::detail
