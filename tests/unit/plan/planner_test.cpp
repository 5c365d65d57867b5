// The planner on a diamond with a tail: root -> left, right -> merge -> tail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <strata/strata.hpp>
#include "../../support/thrown.hpp"

namespace {

template <strata::fixed_string Id, strata::fixed_string... Parents>
struct m : strata::migration<Id, Parents...> {
  static constexpr strata::sql up{"SELECT 1"};
  static constexpr strata::sql down{"SELECT 1"};
};
using diamond = strata::registry<m<"tail", "merge">, m<"merge", "left", "right">, m<"left", "root">, m<"right", "root">, m<"root">>;
// apply order: root, left, right, merge, tail (left before right: list order)

std::vector<std::string> ids(const strata::catalog& c, const strata::plan& p) {
  std::vector<std::string> out;
  for (auto k : p.steps) out.emplace_back(c.entries[k].id);
  return out;
}
std::vector<bool> applied(const strata::catalog& c, std::initializer_list<std::string_view> revs) {
  std::vector<bool> a(c.size(), false);
  for (auto r : revs) a[*c.find(r)] = true;
  return a;
}
using ::testing::ElementsAre;

TEST(Planner, UpgradeToHeadAndToABranch) {
  const auto c = strata::catalog_of<diamond>();
  EXPECT_THAT(ids(c, strata::plan_upgrade(c, applied(c, {}))), ElementsAre("root", "left", "right", "merge", "tail"));
  EXPECT_THAT(ids(c, strata::plan_upgrade(c, applied(c, {}), "left")), ElementsAre("root", "left"));
  EXPECT_THAT(ids(c, strata::plan_upgrade(c, applied(c, {"root", "left"}), "merge")), ElementsAre("right", "merge"));
}

TEST(Planner, DowngradeKeepsOnlyAncestorsOfTheTarget) {
  const auto c = strata::catalog_of<diamond>();
  const auto all = applied(c, {"root", "left", "right", "merge", "tail"});
  EXPECT_THAT(ids(c, strata::plan_downgrade(c, all, "left")), ElementsAre("tail", "merge", "right"));
  EXPECT_THAT(ids(c, strata::plan_downgrade(c, all, "merge")), ElementsAre("tail"));
  EXPECT_THAT(ids(c, strata::plan_downgrade(c, all, "base")), ElementsAre("tail", "merge", "right", "left", "root"));
  EXPECT_THAT(ids(c, strata::plan_downgrade_last(c, all, 2)), ElementsAre("tail", "merge"));
}

TEST(Planner, UnknownTargetNamesIt) {
  const auto c = strata::catalog_of<diamond>();
  const auto e = strata::testing::thrown<strata::target_error>([&] { strata::plan_downgrade(c, applied(c, {}), "middle"); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), ::testing::HasSubstr("'middle'"));
}

TEST(Planner, HeadsOfPartialHistories) {
  const auto c = strata::catalog_of<diamond>();
  EXPECT_THAT(strata::heads_of(c, applied(c, {"root", "left", "right"})), ElementsAre("left", "right"));
  EXPECT_THAT(strata::heads_of(c, applied(c, {})), ElementsAre());
}

}  // namespace
