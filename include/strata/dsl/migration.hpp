#pragma once
// strata::migration<"id", "parent"...>: the base every migration type derives from.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../detail/chars.hpp"
#include "../detail/hash.hpp"
#include "../registry/diagnostics.hpp"
#include "fixed_string.hpp"

namespace strata {

class transaction;

inline constexpr std::size_t max_revision_id_length = 128;

constexpr bool is_valid_revision_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > max_revision_id_length) return false;
  const char* p = id.data();
  for (std::size_t i = 0, n = id.size(); i < n; ++i) {
    const char c = p[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace detail {

template <fixed_string S>
inline constexpr std::string_view view_of = S.view();

template <std::size_t K, fixed_string... Ss>
inline constexpr std::string_view nth_view = std::array<std::string_view, sizeof...(Ss)>{Ss.view()...}[K];

struct parent_verdict {
  std::size_t bad, self, twice;  // index of the first offending parent, or the parent count
};

template <std::size_t P>
constexpr parent_verdict check_parents(std::string_view id, std::array<std::string_view, P> ps) {
  parent_verdict out{P, P, P};
  for (std::size_t k = 0; k < P; ++k) {
    if (out.bad == P && !is_valid_revision_id(ps[k])) out.bad = k;
    if (out.self == P && same_text(ps[k], id)) out.self = k;
    for (std::size_t j = 0; j < k; ++j)
      if (out.twice == P && same_text(ps[j], ps[k])) out.twice = k;
  }
  return out;
}

// Runs where the user wrote migration<...>; fires one named diagnostic, then stops the cascade.
template <fixed_string Id, fixed_string... Parents>
constexpr bool check_migration_ids() {
  if constexpr (!is_valid_revision_id(Id.view())) {
    (void)diag::revision_id_is_invalid<spell<view_of<Id>, 160>>{};
    return true;  // the diagnostic above is the error; don't add a second one
  } else {
    constexpr parent_verdict verdict = check_parents<sizeof...(Parents)>(Id.view(), {Parents.view()...});
    constexpr std::size_t none = sizeof...(Parents);
    if constexpr (verdict.bad != none) {
      (void)diag::parent_revision_is_invalid<spell<view_of<Id>>, spell<nth_view<verdict.bad, Parents...>, 160>>{};
      return true;
    } else if constexpr (verdict.self != none) {
      (void)diag::revision_is_its_own_parent<spell<view_of<Id>>>{};
      return true;
    } else if constexpr (verdict.twice != none) {
      (void)diag::parent_revision_is_listed_twice<spell<view_of<Id>>, spell<nth_view<verdict.twice, Parents...>>>{};
      return true;
    } else {
      return true;
    }
  }
}

}  // namespace detail

template <fixed_string Id, fixed_string... Parents>
struct migration {
  static_assert(detail::check_migration_ids<Id, Parents...>());

  static constexpr std::string_view id = Id.view();
  static constexpr std::array<std::string_view, sizeof...(Parents)> parents{Parents.view()...};

  // Hashed here, each in its own constant evaluation, so the registry only handles integers.
  static constexpr std::uint64_t id_hash = detail::hash_id(Id.view());
  static constexpr std::array<std::uint64_t, sizeof...(Parents)> parent_hashes{
      detail::hash_id(Parents.view())...};
};

}  // namespace strata
