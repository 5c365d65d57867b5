// The checks a database suspends around a run (SQLite's foreign keys: protocol::suspended_checks_sql,
// violations_sql), against a fake connection: turned off before the first transaction and on again
// after the last, also after a failure; looked for before each history write; a violation rolls
// its revision back naming what the protocol says; nothing of it when the connection reports none.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <strata/strata.hpp>

#include "../../support/fake_connection.hpp"

namespace {

using ::testing::HasSubstr;

struct checking_protocol : strata::postgresql::protocol {
  static std::string suspended_checks_sql() { return "SELECT checks to suspend"; }
  static std::string violations_sql() { return "SELECT violations"; }
  static std::string violation_text(std::string_view table, std::string_view row, std::string_view parent) {
    return std::string(table) + " row " + std::string(row) + " -> " + std::string(parent);
  }
  static constexpr std::string_view violation_words = "rows break a rule";
};
struct checking_dialect {
  static constexpr std::string_view name = "checking";
  using language = strata::postgresql::language;
  using protocol = checking_protocol;
};

// The fake connection, answering the two queries of the checks.
struct checking_connection {
  using dialect = checking_dialect;
  strata::testing::basic_fake_connection<checking_protocol> fake;
  bool enforced = true;              // the connection enforces the checks: one row to suspend
  std::string violating_revision;    // the violations query finds a row in this revision's transaction
  bool broken_all_along = false;     // a row broken before the run, by a connection that did not enforce the checks
  std::string current;               // the revision whose statements ran last

  void execute(std::string_view text) {
    if (text.starts_with("CREATE TABLE ")) current = std::string(text.substr(13, text.find(' ', 13) - 13));
    fake.execute(text);
  }
  strata::rows query(std::string_view text, std::span<const strata::value> params) {
    if (text == checking_protocol::suspended_checks_sql()) {
      fake.calls.push_back({std::string(text), {}});
      if (!enforced) return {};
      return {{strata::value("SUSPEND CHECKS"), strata::value("RESTORE CHECKS")}};
    }
    if (text == checking_protocol::violations_sql()) {
      fake.calls.push_back({std::string(text), {}});
      strata::rows found;
      if (broken_all_along) found.push_back({strata::value("legacy"), strata::value("1"), strata::value("customers")});
      if (!violating_revision.empty() && current == violating_revision)
        found.push_back({strata::value("orders"), strata::value("7"), strata::value("customers")});
      return found;
    }
    return fake.query(text, params);
  }

  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& c : fake.calls) out.push_back(c.text);
    return out;
  }
  std::size_t position_of(std::string_view text, std::size_t from = 0) const {
    const auto t = texts();
    return static_cast<std::size_t>(std::find(t.begin() + static_cast<std::ptrdiff_t>(from), t.end(), text) - t.begin());
  }
  std::size_t last_position_of(std::string_view text) const {
    const auto t = texts();
    const auto it = std::find(t.rbegin(), t.rend(), text);
    return it == t.rend() ? t.size() : static_cast<std::size_t>(t.rend() - it) - 1;
  }
  long count_of(std::string_view text) const {
    const auto t = texts();
    return std::count(t.begin(), t.end(), text);
  }
};

struct customers : strata::migration<"0001_customers"> {
  static constexpr strata::sql up{"CREATE TABLE customers (id int)"};
  static constexpr strata::sql down{"DROP TABLE customers"};
};
struct orders : strata::migration<"0002_orders", "0001_customers"> {
  static constexpr strata::sql up{"CREATE TABLE orders (id int)"};
  static constexpr strata::sql down{"DROP TABLE orders"};
};
using shop = strata::registry<checking_dialect, customers, orders>;

TEST(SuspendedChecks, OffBeforeTheFirstTransactionOnAfterTheLastLookedForAroundEachRevision) {
  checking_connection db;
  strata::upgrade<shop>(db);
  const std::size_t suspend = db.position_of("SUSPEND CHECKS");
  const std::string begin = checking_protocol::begin_sql, commit = checking_protocol::commit_sql;
  EXPECT_LT(suspend, db.position_of(begin));
  EXPECT_GT(db.last_position_of("RESTORE CHECKS"), db.last_position_of(commit));
  EXPECT_EQ(db.count_of("SUSPEND CHECKS"), 1);
  EXPECT_EQ(db.count_of("RESTORE CHECKS"), 1);
  EXPECT_EQ(db.count_of("SELECT violations"), 4);  // per revision: before its statements and after them
  EXPECT_LT(db.position_of("SELECT violations"), db.position_of("CREATE TABLE customers (id int)"));
  EXPECT_LT(db.position_of("CREATE TABLE orders (id int)"), db.last_position_of("SELECT violations"));
}

TEST(SuspendedChecks, AViolationRollsItsRevisionBackNamingItAndTheChecksAreRestored) {
  checking_connection db;
  db.violating_revision = "orders";
  try {
    strata::upgrade<shop>(db);
    FAIL() << "a violation was committed";
  } catch (const strata::migration_error& e) {
    EXPECT_EQ(e.revision(), "0002_orders");
    EXPECT_THAT(e.what(), HasSubstr("revision 0002_orders failed: rows break a rule: orders row 7 -> customers"));
    EXPECT_THAT(e.what(), HasSubstr("rolled back"));
  }
  EXPECT_LT(db.last_position_of("SELECT violations"), db.last_position_of(checking_protocol::rollback_sql));
  EXPECT_GT(db.last_position_of("RESTORE CHECKS"), db.last_position_of(checking_protocol::rollback_sql));
  EXPECT_EQ(db.count_of(checking_protocol::commit_sql), 1);  // 0001_customers only
}

TEST(SuspendedChecks, RowsBrokenBeforeTheRevisionAreNotItsDoing) {
  checking_connection db;
  db.broken_all_along = true;
  EXPECT_EQ(strata::upgrade<shop>(db).applied.size(), 2u);
  checking_connection again;  // the same, where orders breaks one more row
  again.broken_all_along = true;
  again.violating_revision = "orders";
  try {
    strata::upgrade<shop>(again);
    FAIL() << "a new violation was committed";
  } catch (const strata::migration_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("orders row 7 -> customers"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("legacy")));
  }
}

TEST(SuspendedChecks, NothingOfThemWhenTheConnectionDoesNotEnforceThem) {
  checking_connection db;
  db.enforced = false;
  db.violating_revision = "orders";  // not looked for: the application does not enforce them
  EXPECT_EQ(strata::upgrade<shop>(db).applied.size(), 2u);
  EXPECT_EQ(db.count_of("SELECT violations"), 0);
  EXPECT_EQ(db.count_of("RESTORE CHECKS"), 0);
}

TEST(SuspendedChecks, TheScriptSaysWhereTheCheckRuns) {
  checking_connection db;
  const std::string script = strata::sql_script<shop>(db, true);
  EXPECT_THAT(script, HasSubstr("SELECT violations"));
  EXPECT_EQ(db.count_of("SUSPEND CHECKS"), 0);  // the script changes nothing
}

}  // namespace
