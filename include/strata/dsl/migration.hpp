#pragma once
// strata::migration<"id", "parent"...>: the base every migration type derives from.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../detail/chars.hpp"
#include "../detail/hash.hpp"
#include "../core/diagnostics.hpp"
#include "../core/fixed_string.hpp"

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

enum class id_defect : std::uint8_t { none, invalid_id, invalid_parent, self_parent, parent_twice };

template <std::size_t P>
constexpr id_defect find_id_defect(std::string_view id, std::array<std::string_view, P> parents) {
  if (!is_valid_revision_id(id)) return id_defect::invalid_id;
  const parent_verdict v = check_parents<P>(id, parents);
  return v.bad != P ? id_defect::invalid_parent
         : v.self != P ? id_defect::self_parent
         : v.twice != P ? id_defect::parent_twice
                        : id_defect::none;
}

struct no_id_defect {};

// The diagnostic as a type, instantiated (by sizeof) where the user wrote migration<...>, outside
// any constant evaluation: it is the one error printed. Reached only for a defective id.
template <id_defect D, fixed_string Id, fixed_string... Parents>
struct id_diagnostic;
template <fixed_string Id, fixed_string... Parents>
struct id_diagnostic<id_defect::invalid_id, Id, Parents...> {
  using type = diag::revision_id_is_invalid<spell<view_of<Id>, 160>>;
};
template <fixed_string Id, fixed_string... Parents>
struct id_diagnostic<id_defect::invalid_parent, Id, Parents...> {
  static constexpr std::size_t k = check_parents<sizeof...(Parents)>(Id.view(), {Parents.view()...}).bad;
  using type = diag::parent_revision_is_invalid<spell<view_of<Id>>, spell<nth_view<k, Parents...>, 160>>;
};
template <fixed_string Id, fixed_string... Parents>
struct id_diagnostic<id_defect::self_parent, Id, Parents...> {
  using type = diag::revision_is_its_own_parent<spell<view_of<Id>>>;
};
template <fixed_string Id, fixed_string... Parents>
struct id_diagnostic<id_defect::parent_twice, Id, Parents...> {
  static constexpr std::size_t k = check_parents<sizeof...(Parents)>(Id.view(), {Parents.view()...}).twice;
  using type = diag::parent_revision_is_listed_twice<spell<view_of<Id>>, spell<nth_view<k, Parents...>>>;
};

// A valid id costs one alias substitution; only a defective one instantiates a diagnostic.
template <bool Valid>
struct id_report {
  template <id_defect, fixed_string, fixed_string...>
  using type = no_id_defect;
};
template <>
struct id_report<false> {
  template <id_defect D, fixed_string Id, fixed_string... Parents>
  using type = typename id_diagnostic<D, Id, Parents...>::type;
};

}  // namespace detail

// A migration type's members, which the registry reads: id, parents, id_hash, parent_hashes and
// ids_are_valid. A type generated from a folder (strata_add_migrations) has them written out by the
// generator, which checked and hashed its ids: the compiler then instantiates no template per file.
template <fixed_string Id, fixed_string... Parents>
struct migration {
  static constexpr detail::id_defect id_defect_found =
      detail::find_id_defect<sizeof...(Parents)>(Id.view(), {Parents.view()...});
  static_assert(sizeof(typename detail::id_report<id_defect_found == detail::id_defect::none>::template type<
                       id_defect_found, Id, Parents...>) > 0);
  // False when the diagnostic above fired: the registry then stays silent about this type.
  static constexpr bool ids_are_valid = id_defect_found == detail::id_defect::none;

  static constexpr std::string_view id = Id.view();
  static constexpr std::array<std::string_view, sizeof...(Parents)> parents{Parents.view()...};

  // Hashed here, each in its own constant evaluation, so the registry only handles integers.
  static constexpr std::uint64_t id_hash = detail::hash_id(Id.view());
  static constexpr std::array<std::uint64_t, sizeof...(Parents)> parent_hashes{
      detail::hash_id(Parents.view())...};
};

}  // namespace strata
