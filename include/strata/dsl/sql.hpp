#pragma once
// A migration's SQL body as written. How its text is cut into statements and what each statement
// is belong to the registry's dialect (core/dialect.hpp, backend/<database>/).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata {

// A migration body written as SQL text. Several statements may be separated by the dialect's
// separator (';').
struct sql {
  std::string_view text;
  bool nul_terminated = false;  // text[size] is '\0' (a literal): lets the scanner use strpbrk
  // From the literal's array type: no strlen, which g++ evaluates slowly in constexpr.
  template <std::size_t N>
  constexpr sql(const char (&literal)[N]) noexcept : text(literal, N - 1), nul_terminated(literal[N - 1] == '\0') {}
  constexpr explicit sql(std::string_view t) noexcept : text(t) {}
};

// `static constexpr auto down = strata::irreversible;` marks a migration that cannot be reverted.
struct irreversible_t {
  explicit constexpr irreversible_t(int) noexcept {}
};
inline constexpr irreversible_t irreversible{0};

// What strata's generator found in a migration's SQL bodies when it wrote them from a folder
// (strata_add_migrations), with the dialect's own analysis: the registry trusts these facts
// instead of reading the text again, and the generator has refused every defect and finding.
// `static constexpr strata::analysed_sql analysed{...};` in a generated migration type only.
struct analysed_sql {
  std::string_view dialect;       // whose language analysed the bodies (its `name`)
  std::uint64_t checksum = 0;     // of both bodies, as the language computes it
  std::uint64_t lint_hits = 0;    // the lint rules its statements break after the file's allowances
};

// Version of the checksum algorithm (a dialect's lexer computes it), recorded in the history next
// to each checksum.
inline constexpr int checksum_version = 1;

}  // namespace strata
