// The phase rules without a database (README "Rolling deploys"): which after_deploy revisions the
// live instances hold back, what waits behind them, and which snapshot changes only expand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <strata/strata.hpp>

namespace {

using ::testing::ElementsAre;

struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, name text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct add_shown : strata::migration<"0002_add_shown", "0001_users"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN shown text"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN shown"};
};
struct drop_name : strata::migration<"0003_drop_name", "0002_add_shown"> {
  static constexpr auto phase = strata::after_deploy;
  static constexpr strata::sql up{"ALTER TABLE users DROP COLUMN name"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN name text"};
};
struct add_email : strata::migration<"0004_add_email", "0003_drop_name"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN email text"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN email"};
};
using app = strata::registry<users, add_shown, drop_name, add_email>;

strata::live_instance of(std::string release, long long pid) { return {"id" + std::to_string(pid), std::move(release), "web", pid, "", ""}; }

std::vector<std::string> ids(const strata::catalog& cat, const std::vector<std::size_t>& ks) {
  std::vector<std::string> out;
  for (std::size_t k : ks) out.emplace_back(cat.entries[k].id);
  return out;
}

TEST(Phase, AContractionWaitsForInstancesWhoseReleaseLacksItAndWhatFollowsWaitsWithIt) {
  const strata::catalog cat = strata::catalog_of<app>();
  const strata::plan all{{0, 1, 2, 3}};
  const auto s = strata::detail::split_by_phase(cat, all, {of("0001_users", 7), of("0004_add_email", 8)});
  EXPECT_THAT(ids(cat, s.runs.steps), ElementsAre("0001_users", "0002_add_shown"));
  EXPECT_THAT(ids(cat, s.held), ElementsAre("0003_drop_name"));
  EXPECT_THAT(ids(cat, s.behind), ElementsAre("0004_add_email"));
  ASSERT_EQ(s.holders.size(), 1u);
  EXPECT_THAT(strata::detail::instance_names(s.holders[0]), ElementsAre("0001_users on web (pid 7)"));
}

TEST(Phase, InstancesThatHaveItOrNoneAtAllHoldNothingBack) {
  const strata::catalog cat = strata::catalog_of<app>();
  const strata::plan all{{0, 1, 2, 3}};
  EXPECT_EQ(strata::detail::split_by_phase(cat, all, {}).runs.steps.size(), 4u);
  EXPECT_EQ(strata::detail::split_by_phase(cat, all, {of("0003_drop_name", 1), of("0004_add_email", 2)}).runs.steps.size(), 4u);
}

TEST(Phase, AReleaseThisBuildDoesNotKnowIsTakenToLackIt) {
  const strata::catalog cat = strata::catalog_of<app>();
  const auto s = strata::detail::split_by_phase(cat, strata::plan{{2, 3}}, {of("0009_elsewhere", 3)});
  EXPECT_TRUE(s.runs.steps.empty());
  EXPECT_THAT(ids(cat, s.held), ElementsAre("0003_drop_name"));
}

TEST(Expansion, ChangesThatKeepTheRunningReleaseWorkingAreCompatible) {
  using strata::postgresql::change_keeps_running_release;
  EXPECT_TRUE(change_keeps_running_release("column users.email", "text not null", "text"));
  EXPECT_TRUE(change_keeps_running_release("column users.email", "text", "text default ''::text"));
  EXPECT_TRUE(change_keeps_running_release("column users.email", "text default 'a'::text", "text default 'b'::text"));
  EXPECT_TRUE(change_keeps_running_release("column users.nick", "character varying(20)", "character varying(40)"));
  EXPECT_TRUE(change_keeps_running_release("column users.nick", "character varying(20)", "text"));
  EXPECT_TRUE(change_keeps_running_release("column t.n", "numeric(10,2)", "numeric(12,2)"));
  EXPECT_TRUE(change_keeps_running_release("type status", "enum ('new', 'paid')", "enum ('new', 'sent', 'paid')"));
  EXPECT_TRUE(change_keeps_running_release("constraint t.c", "CHECK (n > 0) NOT VALID", "CHECK (n > 0)"));
  EXPECT_TRUE(change_keeps_running_release("view v", "SELECT 1", "SELECT 1, 2"));
}

TEST(Expansion, ChangesThatBreakTheRunningReleaseAreNot) {
  using strata::postgresql::change_keeps_running_release;
  EXPECT_FALSE(change_keeps_running_release("column users.email", "text", "text not null"));
  EXPECT_FALSE(change_keeps_running_release("column users.email", "text default ''::text", "text"));
  EXPECT_FALSE(change_keeps_running_release("column users.code", "text", "integer"));
  EXPECT_FALSE(change_keeps_running_release("column users.nick", "character varying(40)", "character varying(20)"));
  EXPECT_FALSE(change_keeps_running_release("column t.n", "numeric(10,2)", "numeric(12,3)"));
  EXPECT_FALSE(change_keeps_running_release("type status", "enum ('new', 'paid')", "enum ('new')"));
  EXPECT_FALSE(change_keeps_running_release("constraint t.c", "CHECK (n > 0)", "CHECK (n > 1)"));
  EXPECT_FALSE(change_keeps_running_release("index users_name_idx", "CREATE INDEX ... (name)", "CREATE UNIQUE INDEX ... (name)"));
}

}  // namespace
