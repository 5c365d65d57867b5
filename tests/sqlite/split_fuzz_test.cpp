// strata's SQLite lexer against SQLite's own parser: seeded, generated bodies with every kind of
// quote, comments, parameters, blob literals, CR LF line ends, empty statements and triggers whose
// bodies hold ';'s and CASE ... END. SQLite's cut is where sqlite3_prepare_v2 ends a statement
// (its tail); each statement strata cuts must lie in the piece SQLite cut, one for one.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <strata/backend/sqlite/dialect.hpp>

namespace {

std::string pick(std::mt19937& rng, const std::vector<std::string>& from) {
  return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
}

std::string constant(std::mt19937& rng) {
  return pick(rng, {"'a;b'", "'it''s; fine'", "'--not a comment'", "'/* nor this */'", "x'0A3B'", "42", "3.5e2",
                    "'end;'", "'BEGIN'", "'case; end'", "NULL", "'\"'", "'['"});
}

// A constant or, where SQLite takes one, a parameter.
std::string literal(std::mt19937& rng) {
  return rng() % 4 ? constant(rng) : pick(rng, {"$1", ":name", "@v", "?2", "$x"});
}

std::string alias(std::mt19937& rng) {
  return pick(rng, {"\"a;b\"", "[c;d]", "`e;f`", "\"x\"\"y;\"", "[begin]", "`end`", "plain"});
}

std::string gap(std::mt19937& rng) {
  return pick(rng, {" ", "\n", "\r\n", " -- a; comment\n", " /* a; comment */ ", "\t", " /* -- */ "});
}

std::string statement(std::mt19937& rng, int n) {
  const std::string g = gap(rng);
  switch (std::uniform_int_distribution<int>(0, 6)(rng)) {
    case 0: return "SELECT " + literal(rng) + " AS " + alias(rng) + "," + g + literal(rng);
    case 1: return "SELECT CASE WHEN " + literal(rng) + " IS NULL THEN " + literal(rng) + " ELSE 'x;' END" + g + "AS " + alias(rng);
    case 2: return "INSERT INTO t (x, y) VALUES (" + literal(rng) + "," + g + literal(rng) + ")";
    case 3:
      return "CREATE TRIGGER tr" + std::to_string(n) + " AFTER INSERT ON t BEGIN" + g +
             "UPDATE t SET y = CASE WHEN NEW.x = " + constant(rng) + " THEN 1 ELSE 2 END;" + gap(rng) + "SELECT " +
             constant(rng) + " AS " + alias(rng) + ";" + g + "UPDATE t SET x = new.end WHERE x = end;" + g + "END";
    case 4:
      return "CREATE TEMP TRIGGER IF NOT EXISTS tt" + std::to_string(n) + " BEFORE DELETE ON t WHEN OLD.x <> 'end;' BEGIN" +
             g + "SELECT CASE OLD.y WHEN 1 THEN 'a' END;" + g + "DELETE FROM t WHERE x = " + constant(rng) + ";" + g + "END";
    case 5: return "CREATE TABLE IF NOT EXISTS " + alias(rng) + " (" + alias(rng) + " TEXT DEFAULT " + constant(rng) + ")";
    default: return "SELECT 1 /* ; */ + 2" + g + "-- ;\n, 3";
  }
}

std::string separator(std::mt19937& rng) {
  return pick(rng, {";\n", " ; ", ";-- after; it\n", "; /* x; */ ", ";;\n", ";\r\n", "\n;\n"});
}

// SQLite's pieces: [start, tail) of each statement sqlite3_prepare_v2 reads, empty ones left out.
std::vector<std::pair<std::size_t, std::size_t>> sqlite_pieces(sqlite3* db, const std::string& body, std::string& error) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const char* at = body.c_str();
  const char* const end = body.c_str() + body.size();
  while (at < end) {
    sqlite3_stmt* s = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db, at, static_cast<int>(end - at), &s, &tail) != SQLITE_OK) {
      error = sqlite3_errmsg(db);
      return out;
    }
    if (s) out.emplace_back(static_cast<std::size_t>(at - body.c_str()), static_cast<std::size_t>(tail - body.c_str()));
    sqlite3_finalize(s);
    at = tail;
  }
  return out;
}

TEST(SqliteSplitFuzz, CutsWhereSqliteCuts) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x, y, [end])", nullptr, nullptr, nullptr), SQLITE_OK);
  const unsigned seed = 20261207;
  std::mt19937 rng(seed);
  constexpr int cases = 3000;
  int disagreements = 0, triggers = 0;
  for (int c = 0; c < cases && disagreements < 5; ++c) {
    std::string body;
    const int n = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int k = 0; k < n; ++k) body += statement(rng, c * 10 + k) + (k + 1 < n || rng() % 2 ? separator(rng) : "");
    triggers += body.find("TRIGGER") != std::string::npos;
    std::string error;
    const auto pieces = sqlite_pieces(db, body, error);
    ASSERT_TRUE(error.empty()) << "case " << c << " (seed " << seed << ") is not valid SQL to SQLite: " << error << "\n" << body;
    std::vector<strata::statement_span> cut;
    std::uint64_t ignored = strata::sqlite::detail::checksum_start;
    const auto scanned = strata::sqlite::detail::scan_sql(body, ignored, [&](strata::statement_span sp) { cut.push_back(sp); });
    bool same = scanned.error == strata::scan_error::none && cut.size() == pieces.size();
    for (std::size_t k = 0; same && k < cut.size(); ++k)
      same = pieces[k].first <= cut[k].begin && cut[k].end <= pieces[k].second;
    if (!same) {
      ++disagreements;
      std::string theirs, ours;
      for (const auto& [b, e] : pieces) theirs += "  [" + body.substr(b, e - b) + "]\n";
      for (const auto& sp : cut) ours += "  [" + body.substr(sp.begin, sp.end - sp.begin) + "]\n";
      ADD_FAILURE() << "case " << c << " (seed " << seed << ") splits differently from SQLite:\n" << body
                    << "\nSQLite:\n" << theirs << "strata:\n" << ours;
    }
  }
  EXPECT_GT(triggers, cases / 4) << "the generator hardly made triggers";
  sqlite3_close(db);
}

}  // namespace
