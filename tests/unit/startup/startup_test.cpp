// Start-up logic without a database: configuration from a given environment, the backoff
// schedule (with an injected clock and sleeper, so nothing sleeps), redaction.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <string>

#include <strata/pq.hpp>

#include "../../support/percent_encoding.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::function<const char*(const char*)> env(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(Config, ReadsEveryVariable) {
  const auto c = strata::startup_config::from_env(env({{"DATABASE_URL", "postgresql://app@db/app"},
                                                       {"STRATA_RETRY_FOR", "12"},
                                                       {"STRATA_RETRY_BASE_MS", "50"},
                                                       {"STRATA_RETRY_CAP_MS", "800"},
                                                       {"STRATA_LOCK_TIMEOUT", "7"},
                                                       {"STRATA_SCHEMA", "billing"},
                                                       {"STRATA_HISTORY_TABLE", "hist"},
                                                       {"STRATA_LOG_TABLE", "hlog"},
                                                       {"STRATA_INSTANCES_TABLE", "hlive"},
                                                       {"STRATA_INSTANCE_HEARTBEAT", "4"},
                                                       {"STRATA_MODE", "single-transaction"},
                                                       {"STRATA_POOLING", "transaction"},
                                                       {"STRATA_TARGET", "0002"},
                                                       {"STRATA_ALLOW_UNKNOWN_REVISIONS", "true"},
                                                       {"STRATA_LOG_LEVEL", "warning"}}));
  EXPECT_EQ(c.database_url, "postgresql://app@db/app");
  EXPECT_EQ(c.retry_for, std::chrono::seconds(12));
  EXPECT_EQ(c.backoff.base, std::chrono::milliseconds(50));
  EXPECT_EQ(c.backoff.cap, std::chrono::milliseconds(800));
  EXPECT_EQ(c.lock_timeout, std::chrono::seconds(7));
  EXPECT_EQ(c.schema, "billing");
  EXPECT_EQ(c.history_table, "hist");
  EXPECT_EQ(c.log_table, "hlog");
  EXPECT_EQ(c.instances_table, "hlive");
  EXPECT_EQ(c.instance_heartbeat, std::chrono::seconds(4));
  EXPECT_EQ(c.mode, strata::mode::single_transaction);
  EXPECT_EQ(c.target, "0002");
  EXPECT_TRUE(c.allow_unknown_revisions);
  EXPECT_EQ(c.level, strata::log_level::warning);
  const strata::options o = c.executor_options();
  EXPECT_EQ(o.schema, "billing");
  EXPECT_EQ(o.lock_timeout, std::chrono::seconds(7));
  EXPECT_EQ(o.pooling, strata::pooling::transaction);
  EXPECT_EQ(o.instances_table, "hlive");
}

TEST(Config, DefaultsWhenNothingIsSet) {
  const auto c = strata::startup_config::from_env(env({}));
  EXPECT_EQ(c.database_url, "");
  EXPECT_EQ(c.retry_for, std::chrono::seconds(30));
  EXPECT_EQ(c.history_table, "strata_history");
  EXPECT_EQ(c.instances_table, "strata_instances");
  EXPECT_EQ(c.instance_heartbeat, std::chrono::seconds(10));
  EXPECT_EQ(c.mode, strata::mode::per_migration);
  EXPECT_EQ(c.executor_options().pooling, strata::pooling::detect);
}

TEST(Config, MalformedValuesNameTheVariable) {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{{"STRATA_RETRY_FOR", "-1"},
                                                                             {"STRATA_LOCK_TIMEOUT", "ten"},
                                                                             {"STRATA_MODE", "yolo"},
                                                                             {"STRATA_POOLING", "session"},
                                                                             {"STRATA_LOG_LEVEL", "loud"},
                                                                             {"STRATA_ALLOW_UNKNOWN_REVISIONS", "maybe"},
                                                                             {"STRATA_INSTANCE_HEARTBEAT", "often"},
                                                                             {"STRATA_INSTANCES_TABLE", ""}}) {
    try {
      strata::startup_config::from_env(env({{name, value}}));
      ADD_FAILURE() << name << " accepted " << value;
    } catch (const strata::config_error& e) {
      EXPECT_THAT(e.what(), HasSubstr(name));
    }
  }
}

TEST(Backoff, ExponentialWithFullJitterUpToTheCap) {
  const strata::backoff b{std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  EXPECT_EQ(b.delay(0, 0.999).count(), 99);
  EXPECT_EQ(b.delay(1, 0.5).count(), 100);
  EXPECT_EQ(b.delay(3, 0.5).count(), 400);
  EXPECT_EQ(b.delay(10, 0.5).count(), 500);  // capped at 1000
  EXPECT_EQ(b.delay(60, 0.999).count(), 999);
  EXPECT_EQ(b.delay(5, 0.0).count(), 0);
}

TEST(Backoff, OneCeilingServesEveryWait) {
  const strata::backoff b{std::chrono::milliseconds(250), std::chrono::milliseconds(10000)};
  EXPECT_EQ(b.ceiling(0).count(), 250);
  EXPECT_EQ(b.ceiling(2).count(), 1000);
  EXPECT_EQ(b.ceiling(200).count(), 10000);  // no overflow past the cap
  // a migration that gave up on a table lock waits at least half the ceiling
  EXPECT_EQ(b.delay_of_at_least_half(0, 0.0).count(), 125);
  EXPECT_EQ(b.delay_of_at_least_half(2, 0.999).count(), 999);
  // start-up's reconnects never go below the least base, whatever the base given
  const strata::backoff tiny{std::chrono::milliseconds(1), std::chrono::milliseconds(1000)};
  EXPECT_EQ(tiny.ceiling(0).count(), 1);
  EXPECT_EQ(tiny.delay(0, 0.5).count(), strata::backoff::least.count() / 2);
}

// A fake clock: sleeping advances it; nothing really waits.
struct fake_time {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  std::vector<long long> slept;
  void install(strata::startup_config& c) {
    c.now = [this] { return now; };
    c.sleep = [this](std::chrono::milliseconds d) {
      slept.push_back(d.count());
      now += d;
    };
    c.random_unit = [] { return 0.5; };
    c.log = [](strata::log_level, std::string_view) {};
  }
};

struct fake_conn {};

TEST(Retries, HealableFailuresAreRetriedWithBackoffUntilTheyPass) {
  strata::startup_config c;
  c.database_url = "postgresql://app:pw@db/app";
  c.retry_for = std::chrono::seconds(30);
  c.backoff = {std::chrono::milliseconds(200), std::chrono::milliseconds(5000)};
  fake_time t;
  t.install(c);
  int attempts = 0;
  const int result = strata::with_retries(
      c,
      [&](const std::string&) {
        if (++attempts < 5) throw strata::connection_error("Connection refused", true);
        return fake_conn{};
      },
      [](fake_conn&) { return 42; });
  EXPECT_EQ(result, 42);
  EXPECT_EQ(attempts, 5);
  EXPECT_THAT(t.slept, ::testing::ElementsAre(100, 200, 400, 800));
}

TEST(Retries, StopAtTheDeadline) {
  strata::startup_config c;
  c.retry_for = std::chrono::seconds(3);
  fake_time t;
  t.install(c);
  int attempts = 0;
  EXPECT_THROW(strata::with_retries(
                   c, [&](const std::string&) -> fake_conn { ++attempts; throw strata::connection_error("refused", true); },
                   [](fake_conn&) { return 0; }),
               strata::connection_error);
  long long total = 0;
  for (auto s : t.slept) total += s;
  EXPECT_LE(total, 3000);
  EXPECT_GE(attempts, 4);
}

// Every attempt refused; the lines logged and what was thrown.
struct refused_run {
  int attempts = 0;
  std::vector<std::string> lines;
  std::string error;
};

refused_run refused_until_the_deadline(strata::startup_config c, fake_time& t,
                                       std::chrono::milliseconds each_attempt_takes = std::chrono::milliseconds(0)) {
  refused_run run;
  c.log = [&](strata::log_level, std::string_view line) { run.lines.emplace_back(line); };
  try {
    strata::with_retries(
        c,
        [&](const std::string&) -> fake_conn {
          ++run.attempts;
          t.now += each_attempt_takes;
          throw strata::connection_error("Connection refused", true);
        },
        [](fake_conn&) { return 0; });
    ADD_FAILURE() << "connected";
  } catch (const strata::connection_error& e) {
    EXPECT_TRUE(e.retryable());
    run.error = e.what();
  }
  return run;
}

long long total(const std::vector<long long>& slept) {
  long long sum = 0;
  for (auto s : slept) sum += s;
  return sum;
}

TEST(Retries, TheWholeBudgetIsSpentAndTheLastAttemptIsMadeAtTheDeadline) {
  for (const int seconds : {5, 30}) {
    strata::startup_config c;
    c.retry_for = std::chrono::seconds(seconds);
    fake_time t;
    t.install(c);
    c.random_unit = [] { return 0.999; };  // the longest waits: one would overshoot the deadline
    const auto started = t.now;
    const refused_run run = refused_until_the_deadline(c, t);
    EXPECT_EQ(total(t.slept), seconds * 1000) << seconds;  // the last wait cut short at the deadline
    EXPECT_EQ(t.now - started, c.retry_for);
    EXPECT_EQ(run.attempts, static_cast<int>(t.slept.size()) + 1);
    EXPECT_THAT(run.error, HasSubstr("strata.connection_failed: Connection refused (the last of " +
                                     std::to_string(run.attempts) + " attempts over " + std::to_string(seconds) + ".0 s)"));
  }
}

TEST(Retries, WhatIsLoggedAndThrownAccountsForEveryAttempt) {
  // At the default level: a warning per failed attempt that is retried, and the error of the
  // last attempt, which says it was the last.
  strata::startup_config c;
  c.retry_for = std::chrono::seconds(5);
  fake_time t;
  t.install(c);
  std::vector<std::string> shown;
  c.log = [&](strata::log_level level, std::string_view line) {
    if (level >= strata::log_level::info) shown.emplace_back(line);
  };
  int attempts = 0;
  std::string error;
  try {
    strata::with_retries(
        c, [&](const std::string&) -> fake_conn { ++attempts; throw strata::connection_error("Connection refused", true); },
        [](fake_conn&) { return 0; });
  } catch (const strata::connection_error& e) {
    error = e.what();
  }
  ASSERT_GE(attempts, 3);
  ASSERT_EQ(shown.size(), static_cast<std::size_t>(attempts));  // connecting, then one line per retried failure
  for (int k = 1; k < attempts; ++k) {
    EXPECT_THAT(shown[static_cast<std::size_t>(k)], HasSubstr("attempt " + std::to_string(k) + " failed"));
    EXPECT_THAT(shown[static_cast<std::size_t>(k)], HasSubstr("retrying in"));
  }
  EXPECT_THAT(error, HasSubstr("the last of " + std::to_string(attempts) + " attempts"));
}

TEST(Retries, SlowAttemptsCountAgainstTheBudget) {
  // Each refusal takes 2 s (a connect timeout): attempts at 0, 2.1 and 4.3 s; the third fails at
  // 6.3 s, past the 5 s deadline, and is the last.
  strata::startup_config c;
  c.retry_for = std::chrono::seconds(5);
  fake_time t;
  t.install(c);
  const refused_run run = refused_until_the_deadline(c, t, std::chrono::seconds(2));
  EXPECT_EQ(run.attempts, 3);
  EXPECT_THAT(t.slept, ::testing::ElementsAre(100, 200));
  EXPECT_THAT(run.error, HasSubstr("(the last of 3 attempts over 6.3 s)"));
}

TEST(Retries, NoRetryBudgetMeansOneAttemptAndTheErrorAsItCame) {
  strata::startup_config c;
  c.retry_for = std::chrono::milliseconds(0);
  fake_time t;
  t.install(c);
  const refused_run run = refused_until_the_deadline(c, t);
  EXPECT_EQ(run.attempts, 1);
  EXPECT_TRUE(t.slept.empty());
  EXPECT_EQ(run.error, "strata.connection_failed: Connection refused");
  for (const auto& l : run.lines) EXPECT_THAT(l, Not(HasSubstr("retrying")));
}

TEST(Retries, FailuresThatWaitingCannotHealFailAtOnce) {
  strata::startup_config c;
  fake_time t;
  t.install(c);
  int attempts = 0;
  EXPECT_THROW(strata::with_retries(
                   c,
                   [&](const std::string&) -> fake_conn {
                     ++attempts;
                     throw strata::connection_error("password authentication failed", false);
                   },
                   [](fake_conn&) { return 0; }),
               strata::connection_error);
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(t.slept.empty());
  attempts = 0;
  EXPECT_THROW(strata::with_retries(
                   c, [&](const std::string&) { ++attempts; return fake_conn{}; },
                   [](fake_conn&) -> int { throw strata::validation_error({"x"}, "edited"); }),
               strata::validation_error);
  EXPECT_EQ(attempts, 1);
}

TEST(Retries, LogLinesNeverCarryThePassword) {
  strata::startup_config c;
  c.database_url = "postgresql://app:p@db/app";  // a one-letter password
  fake_time t;
  t.install(c);
  std::vector<std::string> lines;
  c.log = [&](strata::log_level, std::string_view line) { lines.emplace_back(line); };
  int attempts = 0;
  strata::with_retries(
      c,
      [&](const std::string&) {
        if (++attempts < 3) throw strata::connection_error("Connection refused", true);
        return fake_conn{};
      },
      [](fake_conn&) { return 0; });
  ASSERT_EQ(lines.size(), 5u);  // connecting, failed, connecting, failed, connecting
  EXPECT_THAT(lines[0], HasSubstr("connecting to postgresql://app:***@db/app"));
  for (const auto& l : lines) EXPECT_THAT(l, Not(HasSubstr("app:p@"))) << l;
}

TEST(Redact, MasksByStructure) {
  EXPECT_EQ(strata::redact_url("postgresql://app:s3cr@t@db:5432/app?sslmode=require&password=x"),
            "postgresql://app:***@db:5432/app?sslmode=require&password=***");
  EXPECT_EQ(strata::redact_url("postgres://app@db/app"), "postgres://app@db/app");
  EXPECT_EQ(strata::redact_url("postgresql://a:p@h/p"), "postgresql://a:***@h/p");  // 'p' elsewhere untouched
  EXPECT_EQ(strata::redact_url("host=h password='a b\\' c' user=u"), "host=h password=*** user=u");
  EXPECT_EQ(strata::redact_url("host=localhost dbname=app"), "host=localhost dbname=app");
  EXPECT_EQ(strata::redact_url("postgresql://u:p@[::1]:5/d"), "postgresql://u:***@[::1]:5/d");
  // unencoded '/' in a password, other separators and other secret keys
  EXPECT_EQ(strata::redact_url("postgresql://u:pa/ss@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(strata::redact_url("host=h\npassword=secret"), "host=h\npassword=***");
  EXPECT_EQ(strata::redact_url("password=a\\ b user=u"), "password=*** user=u");
  EXPECT_EQ(strata::redact_url("host=h sslpassword=z"), "host=h sslpassword=***");
  EXPECT_EQ(strata::redact_url("postgresql://u@h/d?pass%77ord=x&sslpassword=y"),
            "postgresql://u@h/d?pass%77ord=***&sslpassword=***");
  EXPECT_EQ(strata::redact_url("PASSWORD=secret host=h"), "PASSWORD=*** host=h");
}

TEST(Url, MalformedUrlIsRefusedBeforeConnectingWithThePasswordMasked) {
  for (const char* bad : {"postgresql://app:hunter2@[::1/app", "postgresql://app:hunter2@db/app?sslmode",
                          "host=db password=hunter2 port", "postgresql://app:hun/ter2@db/app", "PASSWORD=hunter2 host=db"}) {
    try {
      strata::pq::check_url(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const strata::config_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("malformed database URL"));
      EXPECT_THAT(e.what(), Not(HasSubstr("hunter2"))) << e.what();
    }
  }
  EXPECT_NO_THROW(strata::pq::check_url("postgresql://app:pw@db:5432/app?sslmode=require"));
  EXPECT_THROW(strata::pq::check_url(""), strata::config_error);
}

TEST(Url, OneReadingGivesTheSecretsAndWhetherTheUrlMayBeUsed) {
  const strata::pq::parsed_url good = strata::pq::parse_url("postgresql://app:hunter2@db:5432/app?sslpassword=k3y");
  EXPECT_EQ(good.problem, "");
  EXPECT_EQ(good.secrets("hunter2 and k3y"), "*** and ***");
  // unparsable: the whole string is a secret, since where its password ends is unknown
  const std::string unparsable = "postgresql://app:hunter2@[::1/app";
  const strata::pq::parsed_url bad = strata::pq::parse_url(unparsable);
  EXPECT_THAT(bad.problem, HasSubstr("malformed database URL"));
  EXPECT_THAT(bad.problem, Not(HasSubstr("hunter2")));
  EXPECT_THAT(bad.secrets("connecting to " + unparsable), Not(HasSubstr("hunter2")));
  // the unencoded '/' is the reason given, and the password's spelled parts are still secrets
  const strata::pq::parsed_url slash = strata::pq::parse_url("postgresql://app:hun/ter2@db/app");
  EXPECT_THAT(slash.problem, HasSubstr("percent-encoded"));
  EXPECT_THAT(strata::pq::parse_url("").problem, HasSubstr("no database URL"));
}

std::string refusal_of(const std::string& url) {
  try {
    strata::pq::check_url(url);
  } catch (const strata::config_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted " << url;
  return "";
}

TEST(Url, PercentEncodingIsAdvisedOnlyWhereItIsTheFix) {
  for (const char* reserved : {"postgresql://app:hun/ter2@db/app", "postgresql://app:hun@ter2@db/app",
                               "postgresql://app:hun/ter2@db:54x2/app", "postgres://ap@p:hunter2@db/app"}) {
    const std::string why = refusal_of(reserved);
    EXPECT_THAT(why, HasSubstr("an '@' or '/' in the user name or password is not percent-encoded")) << reserved;
    EXPECT_THAT(why, HasSubstr("'@' as %40, '/' as %2F")) << reserved;
  }
  for (const char* other : {"postgresql://app:hunter2@db:54x2/app", "postgresql://app:hunter2@[::1/app",
                            "host=db@x user=app password=hunter2", "host=db port=5x password=hunter2",
                            "postgresql://app:hunter2@db/app?sslmode"}) {
    const std::string why = refusal_of(other);
    EXPECT_THAT(why, HasSubstr("malformed database URL (not shown")) << other;
    EXPECT_THAT(why, Not(HasSubstr("percent"))) << other << ": " << why;
    EXPECT_THAT(why, Not(HasSubstr("%40"))) << other << ": " << why;
  }
  EXPECT_THAT(refusal_of("postgresql://app:hunter2@db:54x2/app"), HasSubstr("the port is not a number"));
}

struct only_root : strata::migration<"0001_root"> {
  static constexpr strata::sql up{"CREATE TABLE t (x int)"};
  static constexpr strata::sql down{"DROP TABLE t"};
};
using one_migration = strata::registry<only_root>;

TEST(Url, AStartUpWithoutADatabaseUrlNamesTheVariableNotAnOption) {
  strata::startup_config c;
  c.log = [](strata::log_level, std::string_view) {};
  try {
    (void)strata::migrate_on_startup<one_migration>(c);
    ADD_FAILURE() << "started without a database URL";
  } catch (const strata::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("set DATABASE_URL"));
    EXPECT_THAT(e.what(), Not(HasSubstr("--")));
  }
}

// The password as written, with each character strata's users put in one, encoded or not; every
// form of connection string; the real libpq parser and its real connect errors (nothing listens on
// port 1). Whatever strata prints about the string carries no fragment of the password.
using strata::testing::percent_encoded;

std::string key_value_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

TEST(Secrets, NoFragmentOfAPasswordReachesAnyMessage) {
  const std::vector<std::string> passwords = {"Kq7vRzpa?Wm3xTjd", "Kq7vRzpa@Wm3xTjd", "Kq7vRzpa/Wm3xTjd", "Kq7vRzpa#Wm3xTjd",
                                              "Kq7vRzpa:Wm3xTjd", "Kq7vRzpa%Wm3xTjd", "Kq7vRzpa&Wm3xTjd", "Kq7vRzpa=Wm3xTjd",
                                              "Kq7vRzpa'Wm3xTjd", "Kq7vRzpa Wm3xTjd", "Kq7vRzpa@Wm3x/Tjd?", "Kq7vRzpa%40Wm3xTjd"};
  for (const auto& pw : passwords) {
    const std::vector<std::string> strings = {
        "postgresql://app:" + pw + "@127.0.0.1:1/app",
        "postgresql://app:" + percent_encoded(pw) + "@127.0.0.1:1/app",
        "postgresql://app@127.0.0.1:1/app?password=" + pw,
        "postgresql://app@127.0.0.1:1/app?password=" + percent_encoded(pw) + "&sslmode=disable",
        "host=127.0.0.1 port=1 user=app password=" + pw,
        "host=127.0.0.1 port=1 user=app password=" + key_value_quoted(pw),
        "host=127.0.0.1 port=1 user=app password='" + pw,  // unterminated quote
    };
    for (const auto& url : strings) {
      // What strata prints: the refusal, or the masked string and libpq's connect error.
      std::string printed;
      try {
        strata::pq::check_url(url);
        printed = strata::pq::secrets_of(url)(strata::redact_url(url));
        strata::pq::connection conn{url};
        ADD_FAILURE() << "connected to port 1";
      } catch (const std::exception& e) {
        printed += std::string("\n") + e.what();
      }
      for (const std::string fragment : {"Kq7vRzpa", "Wm3xTjd"})
        EXPECT_THAT(printed, Not(HasSubstr(fragment))) << "password " << pw << " in " << url;
    }
  }
}

TEST(Secrets, ShortSecretsAreMaskedWhereTheyStandAloneAndLongOnesEverywhere) {
  strata::secret_filter f;
  f.add("p");
  f.add("hunter22");
  EXPECT_EQ(f("app:p@db password p applied"), "app:***@db password *** applied");
  EXPECT_EQ(f("xhunter22y"), "x***y");
}

TEST(Secrets, ALogLineIsOneLine) {
  EXPECT_EQ(strata::one_line("could not connect: Connection refused\n\tIs the server running on that host?\n"),
            "could not connect: Connection refused Is the server running on that host?");
}

TEST(Log, TheDefaultSinkPrintsATimestampAndTheLevelOnOneLine) {
  const strata::log_sink sink = strata::stderr_sink(strata::log_level::info);
  testing::internal::CaptureStderr();
  sink(strata::log_level::warning, "could not connect\n\tIs the server running?");
  sink(strata::log_level::debug, "not shown at info");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z strata warning: "
                                           "could not connect Is the server running\\?\n"));
}

TEST(ExitCode, EachStartUpFailureGetsTheCommandLinesCode) {
  EXPECT_EQ(strata::exit_code_of(strata::migration_error("0002_x", "42P07", "CREATE TABLE t ()", 1, 0, 0, "failed")), 1);
  EXPECT_EQ(strata::exit_code_of(strata::database_error("permission denied for schema public", "42501", "CREATE TABLE")), 1);
  EXPECT_EQ(strata::exit_code_of(strata::config_error("STRATA_MODE='x': expected per-migration or single-transaction")), 2);
  EXPECT_EQ(strata::exit_code_of(strata::target_error("unknown revision '0009'")), 2);
  EXPECT_EQ(strata::exit_code_of(strata::connection_error("Connection refused", true)), 4);
  EXPECT_EQ(strata::exit_code_of(strata::connection_error("password authentication failed", false)), 4);
  EXPECT_EQ(strata::exit_code_of(strata::state_unknown_error("lost while committing")), 4);
  EXPECT_EQ(strata::exit_code_of(strata::validation_error({"0003"}, "checksum differs")), 5);
  EXPECT_EQ(strata::exit_code_of(strata::lock_timeout_error("held by pid 42")), 6);
  EXPECT_EQ(strata::exit_code_of(std::runtime_error("a code body's own exception")), 1);
}

TEST(Adapter, LibpqxxsOwnFailuresBecomeStrataErrorsNamingTheStatement) {
  // What libpqxx's pipeline throws when an earlier query failed, and a server ending the session.
  try {
    try {
      throw std::runtime_error("Could not complete query in pipeline due to error in earlier query.");
    } catch (...) {
      strata::pq::detail::rethrow_as_strata("INSERT INTO t VALUES (1)");
    }
  } catch (const strata::database_error& e) {
    EXPECT_THAT(e.what(), ::testing::StartsWith("strata.database: Could not complete query in pipeline"));
    EXPECT_EQ(e.statement(), "INSERT INTO t VALUES (1)");
  }
  EXPECT_TRUE(strata::postgresql::protocol::session_ended("57P01"));  // admin shutdown: a lost connection, exit 4
  EXPECT_TRUE(strata::postgresql::protocol::session_ended("08006"));
  EXPECT_FALSE(strata::postgresql::protocol::session_ended("42P01"));
}

}  // namespace
