// A differential fuzz of the splitter against psql's own (psql reads SQL with PostgreSQL's lexer
// rules): seeded, generated bodies that PostgreSQL accepts, with quotes, E'' and U&'' strings,
// dollar quotes with and without tags, nested comments, line comments, parentheses and empty
// statements; psql sends each statement it finds, and the server's statement log shows where
// psql cut. strata must cut at the same places.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <strata/strata.hpp>

#include "pg_support.hpp"

namespace {

using strata::testing::scratch_database;

// Expressions PostgreSQL accepts that hide ';' (and other traps) from a naive splitter.
const std::vector<std::string> fragments = {
    "'a;b'", "'it''s; fine'", R"(E'x\';y')", R"(e'\\')", R"(U&'d\0061;t')", "$$x;y$$", "$q$a$$;b$q$",
    "$$a$$ || $$b;c$$", R"($$x$$||E'\';')", "(1)", "((2) + 3)", "ARRAY[1, 2]", "'{a;b}'::text[]", "\"quoted;ident\".x",
    "1 /* c; /* nested; */ d */", "2 -- line; comment\n", "length('(')", "')' || '('", "$_$;$_$", "'--;'", "'/*;'",
    "(SELECT 1)", "B'101'", "X'1F'", "N'n;'"};

std::string statement(std::mt19937& rng) {
  std::uniform_int_distribution<int> count(1, 3), pick(0, static_cast<int>(fragments.size()) - 1);
  std::string s = "SELECT ";
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    std::string f = fragments[static_cast<std::size_t>(pick(rng))];
    if (f.find('"') != std::string::npos) f = "(SELECT \"quoted;ident\".x FROM (SELECT 1 AS x) AS \"quoted;ident\")";
    s += (i ? ", " : "") + f;
  }
  return s;
}

std::string separator(std::mt19937& rng) {
  static const std::vector<std::string> seps = {";", ";\n", " ;", ";;", "; ;", ";\n-- between; statements\n",
                                                ";/* between; */", ";\n\n", "\n;"};
  return seps[std::uniform_int_distribution<std::size_t>(0, seps.size() - 1)(rng)];
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  strata::split_statements(text, [&](std::string_view s, std::size_t) { out.emplace_back(s); });
  return out;
}

TEST(SplitFuzz, CutsWherePsqlCuts) {
  const char* file = std::getenv("STRATA_TEST_DATABASE_URL_FILE");
  const std::string log_path = file ? (std::filesystem::path(file).parent_path() / "server.log").string() : "";
  ASSERT_TRUE(!log_path.empty() && std::filesystem::exists(log_path))
      << "this test reads the server log of the throwaway cluster the test fixture starts; run it through ctest "
         "without STRATA_TEST_DATABASE_URL";
  scratch_database db("splitfuzz");
  db.run("ALTER DATABASE " + db.name() + " SET log_statement = 'all'");
  const unsigned seed = 20261201;
  std::mt19937 rng(seed);
  constexpr int cases = 3000;
  std::vector<std::string> bodies;
  std::ostringstream script;
  for (int c = 0; c < cases; ++c) {
    std::string body;
    const int n = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int k = 0; k < n; ++k) {
      if (std::uniform_int_distribution<int>(0, 19)(rng) == 0) {  // a rule: ';' inside parentheses
        const std::string t = "r" + std::to_string(c) + "_" + std::to_string(k);
        body += "CREATE TEMP TABLE " + t + " (x int)" + separator(rng) + "CREATE RULE " + t + "_rule AS ON INSERT TO " + t +
                " DO ALSO (SELECT 1; SELECT 'a;b'; SELECT (2))" + (k + 1 < n ? separator(rng) : ";\n");
        continue;
      }
      body += statement(rng) + (k + 1 < n ? separator(rng) : ";\n");
    }
    bodies.push_back(body);
    script << "SELECT '@@case " << c << "';\n" << body;
  }
  script << "SELECT '@@case end';\n";
  const std::string script_path = (std::filesystem::path(file).parent_path() / ("splitfuzz_" + db.name() + ".sql")).string();
  std::ofstream(script_path) << script.str();
  const auto log_start = std::filesystem::file_size(log_path);
  const std::string psql = "psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d '" + db.url() + "' -f '" + script_path + "' 2>&1";
  ASSERT_EQ(std::system(psql.c_str()), 0) << "psql refused a generated body";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::ifstream in(log_path);
  in.seekg(static_cast<std::streamoff>(log_start));
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  // The statements psql sent, per case (the server's log: "LOG:  statement: ..." with its next
  // lines indented by a tab).
  std::map<int, std::vector<std::string>> sent;
  const std::regex entry(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] LOG:  statement: (.*)$)");
  std::istringstream lines(log);
  int current = -1;
  std::string line;
  std::vector<std::string>* statements = nullptr;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, entry)) {
      const std::string text = m[1];
      if (text.starts_with("SELECT '@@case ")) {
        current = text.starts_with("SELECT '@@case end") ? -1 : std::stoi(text.substr(15));
        statements = current >= 0 ? &sent[current] : nullptr;
      } else if (statements) {
        statements->push_back(text);
      }
    } else if (statements && !statements->empty() && line.starts_with("\t")) {
      statements->back() += "\n" + line.substr(1);
    } else if (!line.empty() && line[0] != '2') {
      statements = nullptr;  // another kind of entry's continuation
    }
  }
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(cases)) << "the log did not show every case";
  int disagreements = 0;
  for (int c = 0; c < cases && disagreements < 5; ++c) {
    // psql's cuts: each statement it sent is one statement for strata too (or none, when empty)
    std::vector<std::string> by_psql;
    bool one_each = true;
    for (const auto& s : sent[c]) {
      const auto parts = split(s);
      one_each = one_each && parts.size() <= 1;
      by_psql.insert(by_psql.end(), parts.begin(), parts.end());
    }
    const auto by_strata = split(bodies[static_cast<std::size_t>(c)]);
    if (!one_each || by_psql != by_strata) {
      ++disagreements;
      ADD_FAILURE() << "case " << c << " (seed " << seed << ") splits differently from psql:\n" << bodies[static_cast<std::size_t>(c)];
    }
  }
  std::filesystem::remove(script_path);
}

}  // namespace
