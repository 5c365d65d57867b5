// A differential fuzz of the splitter against psql's own (psql reads SQL with PostgreSQL's lexer
// rules): seeded, generated bodies with quotes, E'' and U&'' strings, strings continued on a later
// line, dollar quotes with and without tags, nested comments, line comments, parentheses, empty
// statements, and the blanks PostgreSQL has (\f, a lone \r) and has not (\v, which the server
// refuses as a statement of its own); psql sends each statement it finds, and the server's log
// shows where psql cut. strata must cut at the same places.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>
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
    "(SELECT 1)", "B'101'", "X'1F'", "N'n;'",
    // a string continued on the next line (psql reads a file line by line and takes an E'' string
    // continued so for two strings, unlike the server: executor_pg_test checks those)
    "'h'\n';i'", "'j' -- c;\n';k'",
    // blanks: \f and a lone \r are PostgreSQL's; \v is not, except inside strings and comments
    "1\f+\f2", "3\r+ 4", "5 -- c;\r+ 6", "'\v;'", "$$\v;$$", "/* \v; */ 7", "E'\\v;\v'"};

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
                                                ";/* between; */", ";\n\n", "\n;", ";\f", ";\r", "\r;\r",
                                                ";\v;", "\v;", ";\v"};
  return seps[std::uniform_int_distribution<std::size_t>(0, seps.size() - 1)(rng)];
}

// The text with its control characters spelled out, for a failure message.
std::string visible(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') out += "\\r";
    else if (c == '\v') out += "\\v";
    else if (c == '\f') out += "\\f";
    else out += c;
  }
  return out;
}

std::string visible(const std::vector<std::string>& statements) {
  std::string out;
  for (const auto& s : statements) out += "  [" + visible(s) + "]\n";
  return out;
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
  // Without ON_ERROR_STOP: psql goes on after the statements the server refuses (the \v ones).
  const std::string psql = "psql -X -q -o /dev/null -d '" + db.url() + "' -f '" + script_path + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(psql.c_str()), 0) << "psql could not run the script";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::ifstream in(log_path);
  in.seekg(static_cast<std::streamoff>(log_start));
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  // The server's log entries of psql's session ("LOG:  statement: ...", "ERROR:  ...",
  // "STATEMENT:  ..."), each with its next lines, which the server indents by a tab. Other tests'
  // sessions log their errors in the same file.
  struct log_entry {
    std::string pid, kind, text;
  };
  std::vector<log_entry> entries;
  std::istringstream lines(log);
  std::string line, psql_pid;
  while (std::getline(lines, line)) {
    strata::testing::server_log_entry parsed;
    if (strata::testing::parse_server_log_line(line, parsed)) {
      entries.push_back({parsed.pid, parsed.kind, parsed.text});
      if (psql_pid.empty() && entries.back().text.starts_with("statement: SELECT '@@case 0'")) psql_pid = entries.back().pid;
    } else if (!entries.empty() && line.starts_with("\t")) {
      entries.back().text += "\n" + line.substr(1);
    }
  }
  std::erase_if(entries, [&](const log_entry& e) { return e.pid != psql_pid; });
  // The statements psql sent, per case: the server logs each statement it parsed before running
  // it, and after an error the statement that failed, which is a new one when it did not parse.
  std::map<int, std::vector<std::string>> sent;
  std::map<int, std::vector<std::string>> unparsed;  // of them, those the server could not parse
  std::map<int, int> refused;
  constexpr std::string_view logged = "statement: ";
  int current = -1;
  const log_entry* last_logged = nullptr;
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const log_entry& e = entries[k];
    if (e.kind == "LOG" && e.text.starts_with(logged)) {
      const std::string text = e.text.substr(logged.size());
      if (text.starts_with("SELECT '@@case ")) {
        current = text.starts_with("SELECT '@@case end") ? -1 : std::stoi(text.substr(15));
        if (current >= 0) sent.try_emplace(current);
      } else if (current >= 0) {
        sent[current].push_back(text);
      }
      last_logged = &e;
    } else if (e.kind == "ERROR" && current >= 0) {
      ++refused[current];
      std::size_t s = k + 1;
      while (s < entries.size() && entries[s].kind != "STATEMENT" && entries[s].kind != "LOG" && entries[s].kind != "ERROR") ++s;
      if (s < entries.size() && entries[s].kind == "STATEMENT" &&
          !(last_logged && last_logged->text.substr(logged.size()) == entries[s].text)) {
        sent[current].push_back(entries[s].text);
        unparsed[current].push_back(entries[s].text);
      }
      last_logged = nullptr;
    }
  }
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(cases)) << "the log did not show every case";
  int disagreements = 0;
  for (int c = 0; c < cases && disagreements < 5; ++c) {
    // psql's cuts: each statement it sent is one statement for strata too (or none, when empty;
    // not when the server could not parse it: then it held something)
    std::vector<std::string> by_psql;
    bool one_each = true;
    for (const auto& s : sent[c]) {
      const auto parts = split(s);
      one_each = one_each && parts.size() <= 1;
      by_psql.insert(by_psql.end(), parts.begin(), parts.end());
    }
    for (const auto& s : unparsed[c]) one_each = one_each && split(s).size() == 1;
    const std::string& body = bodies[static_cast<std::size_t>(c)];
    const auto by_strata = split(body);
    if (refused[c] > 0 && body.find('\v') == std::string::npos) {
      ++disagreements;
      ADD_FAILURE() << "case " << c << " (seed " << seed << ") was refused by the server:\n" << visible(body);
    } else if (!one_each || by_psql != by_strata) {
      ++disagreements;
      ADD_FAILURE() << "case " << c << " (seed " << seed << ") splits differently from psql:\n" << visible(body)
                    << "\npsql sent:\n" << visible(sent[c]) << "strata:\n" << visible(by_strata);
    }
  }
  std::filesystem::remove(script_path);
}

}  // namespace
