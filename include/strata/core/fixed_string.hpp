#pragma once
// A string usable as a class-type template argument: migration<"20240101_users">.

#include <cstddef>
#include <string_view>

namespace strata {

template <std::size_t N>
struct fixed_string {
  char data[N + 1]{};

  constexpr fixed_string(const char (&text)[N + 1]) noexcept {
    for (std::size_t i = 0; i < N; ++i) data[i] = text[i];
  }
  // Builds from a view whose length the caller already knows (used to print ids in diagnostics).
  constexpr explicit fixed_string(std::string_view text) noexcept {
    for (std::size_t i = 0; i < N && i < text.size(); ++i) data[i] = text[i];
  }

  static constexpr std::size_t size() noexcept { return N; }
  constexpr std::string_view view() const noexcept { return {data, N}; }
  constexpr operator std::string_view() const noexcept { return view(); }
};

template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

}  // namespace strata
