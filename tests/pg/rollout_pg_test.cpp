// A rolling deploy played by processes on a real PostgreSQL (README "Rolling deploys"): two
// releases of one service (release_service.cpp), their instances started and stopped as a deploy
// does, `finish` and `instances` run as a pipeline runs them; directly and through PgBouncer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "pg_support.hpp"
#include "../support/process.hpp"

namespace {

using namespace strata::testing;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int heartbeat_seconds = 1;  // an instance killed stops counting after 3 of them

std::string pooler_server_url() {
  std::ifstream in(STRATA_POOLER_URL_FILE);
  std::string url;
  if (!std::getline(in, url) || url.empty()) throw std::runtime_error("no PgBouncer: run through ctest (fixture pgbouncer)");
  return url;
}

std::map<std::string, std::string> env_for(const std::string& url, int heartbeat = heartbeat_seconds) {
  return {{"DATABASE_URL", url}, {"STRATA_INSTANCE_HEARTBEAT", std::to_string(heartbeat)}, {"STRATA_LOG_LEVEL", "info"}};
}

// One instance of a release, serving until stopped.
class instance {
 public:
  instance(int release, const std::string& url, int heartbeat = heartbeat_seconds) {
    static int n = 0;
    const std::string stem = "/tmp/strata-rollout-" + std::to_string(getpid()) + "-" + std::to_string(++n);
    out_ = stem + ".out";
    err_ = stem + ".err";
    pid_ = start_process(STRATA_RELEASE_SERVICE, {std::to_string(release), "serve"}, env_for(url, heartbeat), out_, err_);
  }
  instance(const instance&) = delete;
  ~instance() {
    if (code_ < 0) {
      ::kill(pid_, SIGKILL);
      wait_for(pid_);
    }
    std::remove(out_.c_str());
    std::remove(err_.c_str());
  }
  // Until it serves (true) or exits (false, its code in code()).
  bool started() {
    for (int i = 0; i < 600; ++i) {
      if (slurp(out_).find("serving") != std::string::npos) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return slurp(out_).find("serving") != std::string::npos;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  int stop(int signal = SIGTERM) {
    ::kill(pid_, signal);
    code_ = wait_for(pid_);
    return code_;
  }
  int code() const { return code_; }
  pid_t pid() const { return pid_; }
  std::string output() const { return slurp(out_) + slurp(err_); }

 private:
  pid_t pid_ = 0;
  int code_ = -1;
  std::string out_, err_;
};

process_result cli(int release, const std::string& url, std::vector<std::string> args) {
  args.insert(args.begin(), std::to_string(release));
  return run_process(STRATA_RELEASE_SERVICE, args, env_for(url));
}

struct rollout_database : scratch_database {
  rollout_database() : scratch_database("rollout") {}
  bool has_column(const std::string& column) const {
    return count("SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = '" + column + "'") == 1;
  }
  long long history() const { return count("SELECT 1 FROM strata_history"); }
};

void play_rollout(const std::string& url, const rollout_database& db) {
  // release 1 serving, two instances
  instance a1(1, url), b1(1, url);
  ASSERT_TRUE(a1.started()) << a1.output();
  ASSERT_TRUE(b1.started()) << b1.output();
  EXPECT_EQ(db.history(), 2);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_instances WHERE release = '0002_orders'"), 2);

  // release 2 starting: its expansion is applied, its contraction waits for release 1
  instance a2(2, url);
  ASSERT_TRUE(a2.started()) << a2.output();
  EXPECT_TRUE(db.has_column("display_name"));
  EXPECT_TRUE(db.has_column("name"));
  EXPECT_THAT(a2.output(), HasSubstr("0004_drop_name (after_deploy) waits for 2 live instances"));
  const process_result status = cli(2, url, {"status"});
  EXPECT_EQ(status.code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("after_deploy 0004_drop_name waits for 2 live instances"));
  EXPECT_THAT(status.out, HasSubstr("0002_orders on "));
  EXPECT_THAT(status.out, HasSubstr("(pid " + std::to_string(a1.pid()) + ")"));

  // an old replica restarting mid-rollout starts: the schema only grew
  instance c1(1, url);
  ASSERT_TRUE(c1.started()) << c1.output();
  EXPECT_THAT(c1.output(), HasSubstr("0003_add_display_name is applied in the database but unknown to this build"));
  const process_result listed = cli(2, url, {"instances"});
  EXPECT_EQ(listed.code, 0);
  EXPECT_THAT(listed.out, HasSubstr("4 live instances"));

  // finish refused while release 1 lives: exit 7, each named, nothing changed
  const process_result refused = cli(2, url, {"finish"});
  EXPECT_EQ(refused.code, 7) << refused.out << refused.err;
  for (const instance* i : {&a1, &b1, &c1})
    EXPECT_THAT(refused.err, HasSubstr("0002_orders on ")) << "pid " << i->pid();
  EXPECT_THAT(refused.err, HasSubstr("(pid " + std::to_string(c1.pid()) + ")"));
  EXPECT_THAT(refused.err, Not(HasSubstr("(pid " + std::to_string(a2.pid()) + ")")));
  EXPECT_THAT(refused.err, HasSubstr("nothing was changed"));
  EXPECT_TRUE(db.has_column("name"));
  EXPECT_EQ(db.history(), 3);
  const process_result script = cli(2, url, {"finish", "--sql"});
  EXPECT_EQ(script.code, 0) << script.err;
  EXPECT_THAT(script.out, HasSubstr("ALTER TABLE users DROP COLUMN name"));
  EXPECT_THAT(script.out, HasSubstr("IN SHARE MODE"));

  // old instances stopped: they deregister at once, and finish applies
  EXPECT_EQ(a1.stop(), 0);
  EXPECT_EQ(b1.stop(), 0);
  EXPECT_EQ(c1.stop(), 0);
  const process_result finished = cli(2, url, {"finish"});
  EXPECT_EQ(finished.code, 0) << finished.out << finished.err;
  EXPECT_THAT(finished.out, HasSubstr("applied  0004_drop_name"));
  EXPECT_FALSE(db.has_column("name"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_history WHERE revision = '0004_drop_name' AND phase = 'after_deploy'"), 1);

  // release 1 starting afterwards: refused, naming the contraction, nothing changed
  const long long logged = db.count("SELECT 1 FROM strata_log");
  instance d1(1, url);
  EXPECT_FALSE(d1.started());
  EXPECT_EQ(d1.code(), 5) << d1.output();
  EXPECT_THAT(d1.output(), HasSubstr("0004_drop_name is applied in the database but unknown to this build, and it is after_deploy"));
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log"), logged);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_instances WHERE release = '0002_orders'"), 0);
  EXPECT_EQ(a2.stop(), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_instances"), 0);
}

TEST(PgRollout, ReleaseTwoReplacesReleaseOneAndFinishWaitsForTheOldInstances) {
  rollout_database db;
  play_rollout(db.url(), db);
}

TEST(PgRollout, ThroughPgBouncerTheSameRolloutHolds) {
  rollout_database db;
  play_rollout(strata::pq::with_database(pooler_server_url(), db.name()), db);
}

// A single instance of the new release needs no extra step: nothing older lives.
TEST(PgRollout, ASingleInstanceAppliesItsContractionAtStartUp) {
  rollout_database db;
  ASSERT_EQ(cli(1, db.url(), {"upgrade"}).code, 0);
  instance a2(2, db.url());
  ASSERT_TRUE(a2.started()) << a2.output();
  EXPECT_FALSE(db.has_column("name"));
  EXPECT_EQ(db.history(), 4);
}

// A killed instance cannot deregister: it stops counting three heartbeats after its last.
TEST(PgRollout, AKilledOldInstanceStopsHoldingFinishBackAfterThreeHeartbeats) {
  rollout_database db;
  instance a1(1, db.url());
  ASSERT_TRUE(a1.started()) << a1.output();
  instance a2(2, db.url());
  ASSERT_TRUE(a2.started()) << a2.output();
  EXPECT_EQ(a1.stop(SIGKILL), 128 + SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  const process_result still = cli(2, db.url(), {"finish"});
  EXPECT_EQ(still.code, 7) << still.err;
  EXPECT_THAT(still.err, HasSubstr("(pid " + std::to_string(a1.pid()) + ")"));
  const process_result waited = cli(2, db.url(), {"finish", "--wait", "20"});
  EXPECT_EQ(waited.code, 0) << waited.out << waited.err;
  EXPECT_FALSE(db.has_column("name"));
  // the README's bound: three heartbeats after the last one, and the one-second poll of --wait
  EXPECT_LT(std::chrono::steady_clock::now() - killed, std::chrono::seconds(3 * heartbeat_seconds + 3));
}

// 64 instances of two releases at once, on a database at release 1: release 2's expansion runs
// once; its contraction runs only when no instance of release 1 serves, and every instance of
// release 1 that starts after it is refused.
TEST(PgRollout, SixtyFourInstancesOfTwoReleasesStartAtOnce) {
  rollout_database db;
  ASSERT_EQ(cli(1, db.url(), {"upgrade"}).code, 0);
  std::vector<std::unique_ptr<instance>> ones, twos;
  // A slower heartbeat than the other cases: 64 processes beating on two cores (sanitizers too)
  // must not let a live row expire.
  for (int i = 0; i < 32; ++i) {
    ones.push_back(std::make_unique<instance>(1, db.url(), 5));
    twos.push_back(std::make_unique<instance>(2, db.url(), 5));
  }
  int ones_serving = 0, ones_refused = 0;
  for (auto& i : twos) EXPECT_TRUE(i->started()) << i->output();
  for (auto& i : ones) {
    if (i->started()) ++ones_serving;
    else if (i->code() == 5) ++ones_refused;
    else ADD_FAILURE() << "release 1 instance exited " << i->code() << ": " << i->output();
  }
  EXPECT_EQ(ones_serving + ones_refused, 32);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '0003_add_display_name'"), 1);
  const bool contracted = !db.has_column("name");
  EXPECT_EQ(db.count("SELECT 1 FROM strata_log WHERE revision = '0004_drop_name'"), contracted ? 1 : 0);
  if (contracted) {
    EXPECT_EQ(ones_serving, 0) << "release 1 serves on a schema without its column";
  } else {
    EXPECT_EQ(ones_refused, 0);
  }
  EXPECT_EQ(db.count("SELECT 1 FROM strata_instances WHERE expires_at > now()"), 32 + ones_serving);
  for (auto& i : ones) {
    if (i->code() < 0) {
      EXPECT_EQ(i->stop(), 0);
    }
  }
  const process_result finished = cli(2, db.url(), {"finish"});
  EXPECT_EQ(finished.code, 0) << finished.err;
  EXPECT_FALSE(db.has_column("name"));
  for (auto& i : twos) EXPECT_EQ(i->stop(), 0);
  EXPECT_EQ(db.count("SELECT 1 FROM strata_instances"), 0);
}

}  // namespace
