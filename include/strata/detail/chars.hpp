#pragma once
// Spells a compile-time string in a template argument, twice: as a fixed_string, which g++ prints
// as text ("0002_users"), and as a char pack, which clang 14 prints in full (it cuts a class-type
// argument after ten character codes).

#include <cstddef>
#include <string_view>
#include <utility>

#include "../core/fixed_string.hpp"

namespace strata::detail {

template <fixed_string Text, char... C>
struct text {};

template <const std::string_view& S, std::size_t Length, std::size_t... I>
constexpr auto spell_impl(std::index_sequence<I...>) -> text<fixed_string<Length>(S), S[I]...>;

// For a view bound to a static constexpr variable; longer text is cut at Limit characters.
template <const std::string_view& S, std::size_t Limit = 128>
using spell = decltype(spell_impl<S, (S.size() < Limit ? S.size() : Limit)>(
    std::make_index_sequence<(S.size() < Limit ? S.size() : Limit)>{}));

}  // namespace strata::detail
