// A seeded fuzz of command lines and connection strings against a real server: passwords holding
// the characters users put in them (encoded or not), every way to pass a URL, malformed and
// repeated options. No output may carry a fragment of a password, and every exit code is one
// API.md documents.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <strata/cli.hpp>

#include "migrations.hpp"
#include "../support/percent_encoding.hpp"
#include "pg_support.hpp"

namespace {

using strata::testing::suite_server_url;

struct server_address {
  std::string host, port;
};

server_address address_of(const std::string& url) {
  server_address a{"127.0.0.1", "5432"};
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &message);
  if (message) PQfreemem(message);
  for (PQconninfoOption* o = parsed; o && o->keyword; ++o) {
    if (std::string_view(o->keyword) == "host" && o->val) a.host = o->val;
    if (std::string_view(o->keyword) == "port" && o->val) a.port = o->val;
  }
  PQconninfoFree(parsed);
  return a;
}

struct fuzz_case {
  std::vector<std::string> segments;  // the password's alphanumeric runs: none may be printed
  std::string url;
};

class generator {
 public:
  explicit generator(unsigned seed, server_address a) : rng_(seed), address_(std::move(a)) {}

  fuzz_case connection_string() {
    static const std::string specials = "?@/#:%&=' ";
    fuzz_case c;
    std::string password;
    const int parts = pick(1, 4);
    for (int i = 0; i < parts; ++i) {
      if (i) password += specials[static_cast<std::size_t>(pick(0, static_cast<int>(specials.size()) - 1))];
      std::string segment;
      for (int k = pick(6, 10); k > 0; --k) segment += alnum();
      c.segments.push_back(segment);
      password += segment;
    }
    const std::string port = chance(0.8) ? address_.port : "1";
    const bool encode = chance(0.5);
    const std::string pw = encode ? strata::testing::percent_encoded(password) : password;
    switch (pick(0, 3)) {
      case 0: c.url = "postgresql://postgres:" + pw + "@" + address_.host + ":" + port + "/postgres"; break;
      case 1: c.url = "postgres://postgres@" + address_.host + ":" + port + "/postgres?password=" + pw + "&connect_timeout=5"; break;
      case 2: c.url = "host=" + address_.host + " port=" + port + " user=postgres password=" + password; break;
      default: {
        std::string quoted = "'";
        for (char ch : password) {
          if (ch == '\'' || ch == '\\') quoted += '\\';
          quoted += ch;
        }
        c.url = "host=" + address_.host + " port=" + port + " user=postgres password=" + quoted + (chance(0.2) ? "" : "'");
      }
    }
    return c;
  }

  std::vector<std::string> arguments(const std::string& url, bool& url_in_env) {
    static const std::vector<std::vector<std::string>> commands = {
        {"status"}, {"status", "--json"}, {"check"}, {"verify"}, {"history"}, {"upgrade", "--sql"},
        {"downgrade", "-1"}, {"stamp", "base"}, {"repair"}, {"upgrad"}, {"downgrade"}, {}};
    std::vector<std::vector<std::string>> pieces;
    url_in_env = chance(0.3);
    if (!url_in_env || chance(0.2)) {
      switch (pick(0, 3)) {
        case 0: pieces.push_back({"--database-url", url}); break;
        case 1: pieces.push_back({"--database-url=" + url}); break;
        case 2: pieces.push_back({"--lock-timeout=", "--database-url=" + url}); break;
        default: pieces.push_back({"--retry-for", "0", "--retry-for", "--database-url", url}); break;
      }
    }
    pieces.push_back(commands[static_cast<std::size_t>(pick(0, static_cast<int>(commands.size()) - 1))]);
    for (int extra = pick(0, 3); extra > 0; --extra) {
      static const std::vector<std::vector<std::string>> options = {
          {"--retry-for", "0"}, {"--retry-for=0"}, {"--lock-timeout", "3"}, {"--lock-timeout"}, {"--sql"},
          {"--single-transaction"}, {"--retry-for"}, {"--lock-timeout=-1"}, {url}, {"--database-url"}};
      pieces.push_back(options[static_cast<std::size_t>(pick(0, static_cast<int>(options.size()) - 1))]);
    }
    std::shuffle(pieces.begin() + 1, pieces.end(), rng_);
    if (chance(0.3)) std::shuffle(pieces.begin(), pieces.end(), rng_);
    std::vector<std::string> args;
    for (const auto& p : pieces) args.insert(args.end(), p.begin(), p.end());
    return args;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  char alnum() {
    static const char set[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    return set[pick(0, sizeof set - 2)];
  }
  std::mt19937 rng_;
  server_address address_;
};

std::string leaked(const std::string& text, const fuzz_case& c) {
  for (const auto& s : c.segments)
    if (text.find(s) != std::string::npos) return s;
  return "";
}

constexpr unsigned seed = 20261201;

TEST(SecretsFuzz, CommandLinesNeverPrintAPasswordAndExitWithDocumentedCodes) {
  generator gen(seed, address_of(suite_server_url()));
  std::map<int, int> codes;
  for (int i = 0; i < 2000; ++i) {
    const fuzz_case c = gen.connection_string();
    bool url_in_env = false;
    const std::vector<std::string> args = gen.arguments(c.url, url_in_env);
    std::vector<const char*> argv{"svc"};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const std::string env_url = c.url;
    strata::cli::io io{out, err, [&](const char* name) -> const char* {
                         return url_in_env && std::string_view(name) == "DATABASE_URL" ? env_url.c_str() : nullptr;
                       }};
    testing::internal::CaptureStderr();  // the log sink writes to stderr
    const int code = strata::cli::main<strata::testing::sets::basic>(static_cast<int>(argv.size()), argv.data(), io);
    const std::string logged = testing::internal::GetCapturedStderr();
    ++codes[code];
    const std::string all = out.str() + err.str() + logged;
    const std::string fragment = leaked(all, c);
    ASSERT_EQ(fragment, "") << "case " << i << " (seed " << seed << "): a password fragment was printed\n" << all;
    ASSERT_TRUE(code >= 0 && code <= 6) << "case " << i << ": exit code " << code << "\n" << all;
  }
  // The fuzz reached the outcomes it is for: usage errors, and refusals or failures to connect.
  EXPECT_GT(codes[2], 100);
  EXPECT_GT(codes[4], 100);
}

TEST(SecretsFuzz, StartUpNeverLogsOrThrowsAPassword) {
  generator gen(seed + 1, address_of(suite_server_url()));
  for (int i = 0; i < 500; ++i) {
    const fuzz_case c = gen.connection_string();
    strata::startup_config cfg;
    cfg.database_url = c.url;
    cfg.retry_for = std::chrono::milliseconds(0);
    std::string logged;
    cfg.log = [&](strata::log_level, std::string_view line) { logged.append(line).append("\n"); };
    std::string thrown;
    try {
      strata::migrate_on_startup<strata::testing::sets::basic>(cfg);
      ADD_FAILURE() << "case " << i << " connected with a made-up password";
    } catch (const std::exception& e) {
      thrown = e.what();
    }
    const std::string fragment = leaked(logged + thrown, c);
    ASSERT_EQ(fragment, "") << "case " << i << " (seed " << seed + 1 << "): " << c.url << "\n" << logged << thrown;
  }
}

}  // namespace
