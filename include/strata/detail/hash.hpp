#pragma once
// FNV-1a 64 of revision ids, for the registry's hash table: the same value everywhere.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata::detail {

inline constexpr std::uint64_t fnv_offset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

constexpr std::uint64_t fnv1a_step(std::uint64_t h, unsigned char c) noexcept {
  return (h ^ c) * fnv_prime;
}

constexpr std::uint64_t hash_id(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t h = fnv_offset;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * fnv_prime;
  return h;
}

// String equality without char_traits: libstdc++ compares through function calls in constexpr,
// which g++ evaluates slowly.
constexpr bool same_text(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size()) return false;
  const char* p = x.data();
  const char* q = y.data();
  for (std::size_t i = 0, n = x.size(); i < n; ++i)
    if (p[i] != q[i]) return false;
  return true;
}

}  // namespace strata::detail
