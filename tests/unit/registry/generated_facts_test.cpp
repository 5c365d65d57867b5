// A folder's migrations are analysed twice over the same bodies: by the generator, when it writes
// the registry header (strata::analysed_sql, which the registry trusts), and by the compiler's
// constant evaluation, as for a C++ migration. Both must find the same facts: checksums, lint
// findings, defects. Every migration of every format's corpus, and of a folder adopted with
// lint-from (whose old files break rules), is compared.

#include <array>
#include <span>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt_dbmate.hpp>
#include <fmt_flyway.hpp>
#include <fmt_golang_migrate.hpp>
#include <fmt_goose.hpp>
#include <fmt_sqlx.hpp>
#include <fmt_strata.hpp>
#include <fmt_adopted.hpp>
#include <fmt_widening.hpp>
#include <rolling_dbmate.hpp>
#include <rolling_flyway.hpp>
#include <rolling_golang_migrate.hpp>
#include <rolling_goose.hpp>
#include <rolling_sqlx.hpp>
#include <rolling_strata.hpp>
#include <strata/dsl/findings.hpp>

#include "../../support/fake_connection.hpp"
#include "../../support/thrown.hpp"

namespace {

using strata::detail::migration_facts;

// The compiler's own reading of M's bodies, as if the generator had written no facts.
template <class D, class M>
constexpr migration_facts read_in_the_compiler = strata::detail::analyse_bodies<typename D::language>(strata::detail::inspect<M>());

// The same facts, but for what the registry clears with the earlier migrations' up bodies (a
// widening), which the generator clears itself.
template <class D, class M>
constexpr bool same_facts(std::span<const std::string_view> earlier) {
  static_assert(requires { M::analysed; }, "a generated migration carries the generator's facts");
  constexpr const migration_facts& trusted = strata::detail::facts<D, M>;
  constexpr const migration_facts& read = read_in_the_compiler<D, M>;
  const strata::lint_rules_mask cleared = strata::detail::cleared_by_earlier<typename D::language>(read, earlier);
  return trusted.checksum == read.checksum && trusted.lint_hits == (read.lint_hits & ~cleared) &&
         trusted.defect == read.defect && trusted.transactional == read.transactional && read.checksum != 0;
}

// The ids the generator checked and hashed are the ones strata::migration<"id", "parent"> would
// check and hash.
template <class M>
constexpr bool same_ids() {
  if (M::id_hash != strata::detail::hash_id(M::id) || !M::ids_are_valid || !strata::is_valid_revision_id(M::id)) return false;
  for (std::size_t k = 0; k < M::parents.size(); ++k)
    if (M::parent_hashes[k] != strata::detail::hash_id(M::parents[k])) return false;
  return true;
}

template <class D, class... Ms>
constexpr bool all_same(const strata::registry_of<D, Ms...>*) {
  static_assert((same_ids<Ms>() && ...));
  const std::array<std::string_view, sizeof...(Ms)> ups{read_in_the_compiler<D, Ms>.up_text...};  // list order is file order
  std::size_t k = 0;
  return (same_facts<D, Ms>(std::span<const std::string_view>(ups.data(), k++)) && ...);
}
template <class R>
constexpr bool generated_facts_match = all_same(static_cast<const R*>(nullptr));

static_assert(generated_facts_match<fmt_strata>);
static_assert(generated_facts_match<fmt_golang_migrate>);
static_assert(generated_facts_match<fmt_sqlx>);
static_assert(generated_facts_match<fmt_goose>);
static_assert(generated_facts_match<fmt_dbmate>);
static_assert(generated_facts_match<fmt_flyway>);
static_assert(generated_facts_match<fmt_adopted>);
static_assert(generated_facts_match<fmt_widening>);
// The phase: the generator's reading of an after_deploy file (a DROP COLUMN, no finding) is the compiler's.
static_assert(generated_facts_match<rolling_strata>);
static_assert(generated_facts_match<rolling_golang_migrate>);
static_assert(generated_facts_match<rolling_sqlx>);
static_assert(generated_facts_match<rolling_goose>);
static_assert(generated_facts_match<rolling_dbmate>);
static_assert(generated_facts_match<rolling_flyway>);

// The widening file: the compiler's own reading flags its type changes, which the earlier file's
// declarations show to need no rewrite; the generator wrote them cleared.
static_assert(read_in_the_compiler<strata::default_dialect, strata_migrations_fmt_widening::file_000002_widen_products_up_sql>.lint_hits != 0);
static_assert(strata::detail::facts<strata::default_dialect, strata_migrations_fmt_widening::file_000002_widen_products_up_sql>.lint_hits == 0);

// The adopted folder's old files do break rules: the facts compared above are not all empty.
template <class D, class... Ms>
constexpr strata::lint_rules_mask every_hit(const strata::registry_of<D, Ms...>*) {
  return (strata::lint_rules_mask{0} | ... | strata::detail::facts<D, Ms>.lint_hits);
}
static_assert(every_hit(static_cast<const fmt_adopted*>(nullptr)) != 0);

// The findings the generator reports (strata::findings_in, at run time) are the rules the
// compiler's analysis finds, migration by migration.
template <class D, class... Ms>
void expect_same_findings(const strata::registry_of<D, Ms...>*) {
  using L = typename D::language;
  auto one = [](const migration_facts& read, std::string_view id) {
    strata::lint_rules_mask found = 0;
    for (const auto& f : strata::findings_in<L>(read, {}, {}))
      if (f.finding.kind == strata::finding_kind::lint) found |= strata::rule_bit(f.finding.rule);
    EXPECT_EQ(found, read.lint_hits) << id;
  };
  (one(read_in_the_compiler<D, Ms>, Ms::id), ...);
}

TEST(GeneratedFacts, TheGeneratorsFindingsAreTheCompilers) {
  expect_same_findings(static_cast<const fmt_adopted*>(nullptr));
  expect_same_findings(static_cast<const fmt_goose*>(nullptr));
  expect_same_findings(static_cast<const fmt_flyway*>(nullptr));
}

TEST(GeneratedFacts, AnAdoptedFoldersOldFindingsAreListedWithTheirLines) {
  using L = strata::postgresql::language;
  using source = strata::migration_source<fmt_adopted>;
  const auto& files = source::files;
  ASSERT_EQ(files.size(), 5u);
  ASSERT_EQ(files[1].file, "00002_email_index.sql");
  const migration_facts& f = read_in_the_compiler<strata::postgresql::dialect, strata_migrations_fmt_adopted::file_00002_email_index_sql>;
  const auto found = strata::findings_in<L>(f, {"00002_email_index.sql", files[1].up_line}, {"00002_email_index.sql", files[1].down_line});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].message("00002_email_index"),
            "00002_email_index.sql:3:1: error: require-concurrent-index-creation: CREATE INDEX users_email ON users (email); "
            "CREATE INDEX CONCURRENTLY in a migration with `transactional = false`");
  EXPECT_EQ(found[1].what, "adding-required-field");
  EXPECT_EQ(found[1].line, 4u);
}

// A file without a down is irreversible, and a downgrade says so in the folder's words.
TEST(GeneratedFacts, AnIrreversibleFileIsNamedInItsFoldersWords) {
  strata::testing::fake_connection db;
  db.history = strata::rows{};
  for (std::string_view id : fmt_adopted::ids)
    db.history->push_back(strata::testing::history_row(std::string(id), strata::detail::checksum_text(fmt_adopted::checksum(id))));
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::downgrade<fmt_adopted>(db, {.target = "00004_note"}); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), ::testing::HasSubstr("00005_archived is irreversible (no `-- +goose Down` section)"));
}

}  // namespace
