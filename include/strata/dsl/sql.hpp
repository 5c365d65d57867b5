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

// When a migration runs in a rolling deploy (README "Rolling deploys"): `before_deploy` (the
// default) when the new release starts, while the previous one still runs, so it may only expand
// the schema; `after_deploy` (`static constexpr auto phase = strata::after_deploy;`) once no live
// instance runs a release that lacks it, so it may contract (drop, rename, change a type).
enum class deploy_phase : std::uint8_t { before_deploy, after_deploy };
inline constexpr deploy_phase before_deploy = deploy_phase::before_deploy;
inline constexpr deploy_phase after_deploy = deploy_phase::after_deploy;

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
