// The phase rules without a database (README "Rolling deploys"): which after_deploy revisions the
// live instances hold back, what waits behind them, and which snapshot changes only expand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <strata/strata.hpp>
#include <strata/startup/exit_code.hpp>

#include "../../support/fake_connection.hpp"
#include "../../support/thrown.hpp"

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

// The executor's part, on a fake connection: what an upgrade and `finish` send and refuse.
namespace {

using strata::testing::fake_connection;
using strata::testing::history_row;
using ::testing::HasSubstr;
using ::testing::Not;

std::string sum(std::string_view id) { return strata::detail::checksum_text(app::checksum(id)); }

using contract_last = strata::registry<users, add_shown, drop_name>;

fake_connection at_release_one() {
  fake_connection db;
  db.history = strata::rows{history_row("0001_users", sum("0001_users")), history_row("0002_add_shown", sum("0002_add_shown"))};
  return db;
}

TEST(PhaseRun, UpgradeLeavesAHeldContractionPendingAndTakesNoLock) {
  fake_connection db = at_release_one();
  db.live = {of("0002_add_shown", 41)};
  const strata::report r = strata::upgrade<contract_last>(db);
  EXPECT_TRUE(r.applied.empty());
  EXPECT_FALSE(r.took_lock);
  ASSERT_EQ(r.waiting.size(), 1u);
  EXPECT_THAT(r.waiting[0], HasSubstr("0003_drop_name (after_deploy) waits for 1 live instance of a release that lacks it: "
                                      "0002_add_shown on web (pid 41)"));
  EXPECT_FALSE(db.sent("DROP COLUMN name"));
}

TEST(PhaseRun, WithNoOlderInstanceTheContractionRunsBehindTheInstancesLock) {
  fake_connection db = at_release_one();
  db.live = {of("0003_drop_name", 42)};  // the new release itself
  const strata::report r = strata::upgrade<contract_last>(db);
  ASSERT_EQ(r.applied.size(), 1u);
  const auto texts = db.texts();
  const auto begin = std::find(texts.begin(), texts.end(), "BEGIN");
  const auto gate = std::find_if(texts.begin(), texts.end(), [](const std::string& t) { return t.find("IN SHARE MODE") != std::string::npos; });
  const auto drop = std::find(texts.begin(), texts.end(), "ALTER TABLE users DROP COLUMN name");
  ASSERT_NE(gate, texts.end());
  EXPECT_LT(begin, gate);
  EXPECT_LT(gate, drop);
}

// Registered after the plan, before the gate: the gate rolls the contraction back; an upgrade then
// leaves it pending and succeeds, `finish` refuses, and a start that needs what follows it stops.
TEST(PhaseRun, AnOldInstanceRegisteringBeforeTheGateLeavesTheContractionPending) {
  fake_connection db = at_release_one();
  db.live_at_gate = {of("0002_add_shown", 43)};
  const strata::report r = strata::upgrade<contract_last>(db);
  EXPECT_TRUE(r.applied.empty());
  ASSERT_EQ(r.waiting.size(), 1u);
  EXPECT_THAT(r.waiting[0], HasSubstr("0002_add_shown on web (pid 43)"));
  EXPECT_EQ(r.head_after, "0002_add_shown");
  EXPECT_TRUE(db.sent("ROLLBACK"));
  EXPECT_FALSE(db.sent("DROP COLUMN name"));
  EXPECT_EQ(db.history->size(), 2u);
}

TEST(PhaseRun, AnOldInstanceRegisteringBeforeTheGateStopsFinish) {
  fake_connection db = at_release_one();
  db.live_at_gate = {of("0002_add_shown", 44)};
  const auto e = strata::testing::thrown<strata::instances_error>([&] { strata::finish<contract_last>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->instances(), ElementsAre("0002_add_shown on web (pid 44)"));
  EXPECT_FALSE(db.sent("DROP COLUMN name"));
  EXPECT_EQ(db.history->size(), 2u);
}

TEST(PhaseRun, AnOldInstanceRegisteringBeforeTheGateStopsAStartThatNeedsWhatFollows) {
  fake_connection db = at_release_one();
  db.live_at_gate = {of("0002_add_shown", 45)};
  const auto e = strata::testing::thrown<strata::instances_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("revision 0004_add_email (before_deploy) comes after 0003_drop_name"));
  EXPECT_FALSE(db.sent("ADD COLUMN email"));
  EXPECT_EQ(db.history->size(), 2u);
}

TEST(PhaseRun, ABeforeDeployRevisionBehindAHeldContractionStopsTheStartChangingNothing) {
  fake_connection db = at_release_one();
  db.live = {of("0002_add_shown", 44)};
  const auto e = strata::testing::thrown<strata::instances_error>([&] { strata::upgrade<app>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->what(), HasSubstr("revision 0004_add_email (before_deploy) comes after 0003_drop_name"));
  EXPECT_EQ(strata::exit_code_of(*e), 7);
  EXPECT_FALSE(db.sent("BEGIN"));
}

TEST(PhaseRun, FinishRefusesNamingEachInstanceAndChangesNothing) {
  fake_connection db = at_release_one();
  db.live = {of("0001_users", 45), of("0002_add_shown", 46), of("0003_drop_name", 47)};
  const auto e = strata::testing::thrown<strata::instances_error>([&] { strata::finish<contract_last>(db); });
  ASSERT_TRUE(e);
  EXPECT_THAT(e->instances(), ElementsAre("0001_users on web (pid 45)", "0002_add_shown on web (pid 46)"));
  EXPECT_THAT(e->what(), HasSubstr("nothing was changed"));
  EXPECT_FALSE(db.sent("BEGIN"));
  db.live.clear();  // they are gone
  EXPECT_EQ(strata::finish<contract_last>(db).applied.size(), 1u);
}

TEST(PhaseRun, StatusShowsWhatEachContractionWaitsFor) {
  fake_connection db = at_release_one();
  db.live = {of("0002_add_shown", 48)};
  const strata::state s = strata::status<contract_last>(db);
  ASSERT_EQ(s.waiting.size(), 1u);
  EXPECT_EQ(s.waiting[0].revision, "0003_drop_name");
  EXPECT_THAT(s.waiting[0].instances, ElementsAre("0002_add_shown on web (pid 48)"));
  EXPECT_THAT(strata::to_string(s), HasSubstr("after_deploy 0003_drop_name waits for:\n    0002_add_shown on web (pid 48)"));
}

}  // namespace
