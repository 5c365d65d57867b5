#pragma once
// STRATA_MIGRATION_TESTS(Registry): GoogleTest cases for a registry's migrations, one per check so
// a failure names its revision, on the test databases of the registry's dialect (testing/kit.hpp).

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "../detail/text.hpp"
#include "../exec/executor.hpp"
#include "../schema/snapshot.hpp"
#include "kit.hpp"

namespace strata::testing {

// Options of the kit's runs: strata's defaults, silent.
inline options test_options() { return {}; }

namespace detail {

template <class R>
using test_database = typename kit<typename R::dialect>::database;
template <class R>
using test_connection = typename kit<typename R::dialect>::connection;

// A GoogleTest name from a revision id or a registry's spelling.
inline std::string test_name(std::string_view s) {
  std::string out;
  for (char c : s) out += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_';
  return out;
}

inline constexpr std::size_t unknown_position = static_cast<std::size_t>(-1);

// The database the stairway walks up, shared by the suite's stairway cases: each case brings it
// to the state before its revision (usually where the previous case left it).
template <class R>
struct stairway_database {
  std::unique_ptr<test_database<R>> db;
  std::unique_ptr<test_connection<R>> conn;
  std::size_t applied = unknown_position;  // how many revisions, in apply order; unknown after a failure
};

template <class R>
class migration_suite : public ::testing::Test {
 public:
  static void TearDownTestSuite() { shared() = {}; }

 protected:
  // The suite's one database (GoogleTest's fixture state for a suite is static by design).
  static stairway_database<R>& shared() {
    static stairway_database<R> s;
    return s;
  }
};

// Upgrade from an empty database to head; a second upgrade finds nothing to do.
template <class R>
class upgrade_to_head_test : public migration_suite<R> {
  void TestBody() override {
    try {
      test_database<R> db;
      test_connection<R> conn(db.url());
      upgrade<R>(conn, test_options());
      const state s = status<R>(conn, test_options());
      EXPECT_TRUE(s.up_to_date()) << "after upgrading to head, pending: " << strata::detail::join(s.pending);
      const report again = upgrade<R>(conn, test_options());
      EXPECT_FALSE(again.changed()) << "a second upgrade to head changed something: " << again;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "upgrade from an empty database to " << R::head << " failed: " << e.what();
    }
  }
};

// The stairway step of the revision at `position` in apply order: up, down, up again. After its
// down the schema must be what it was before its up; after the second up, what it was after the first.
template <class R>
class stairway_test : public migration_suite<R> {
 public:
  explicit stairway_test(std::size_t position) : position_(position) {}

 private:
  void TestBody() override {
    const std::string revision(R::ids[position_]);
    auto& s = this->shared();
    try {
      if (!s.db) {
        s.db = std::make_unique<test_database<R>>();
        s.conn = std::make_unique<test_connection<R>>(s.db->url());
        s.applied = 0;
      }
      if (s.applied == unknown_position || s.applied > position_) {  // start again from empty
        s.conn.reset();
        s.db->recreate();
        s.conn = std::make_unique<test_connection<R>>(s.db->url());
        s.applied = 0;
      }
      if (s.applied < position_) upgrade_next<R>(*s.conn, position_ - s.applied, test_options());
      s.applied = position_;
    } catch (const std::exception& e) {
      s.applied = unknown_position;
      ADD_FAILURE() << "could not bring a database to the revisions before " << revision << ": " << e.what();
      return;
    }
    s.applied = unknown_position;  // until the step completes
    const bool irreversible = catalog_of<R>().entries[position_].facts->down == body_kind::irreversible;
    schema_snapshot before, after_up;
    try {
      before = read_schema(*s.conn);
      upgrade_next<R>(*s.conn, 1, test_options());
      after_up = read_schema(*s.conn);
    } catch (const std::exception& e) {
      ADD_FAILURE() << revision << " up failed: " << e.what();
      return;
    }
    // A before_deploy revision runs while the previous release still does: it may only expand.
    if (!catalog_of<R>().entries[position_].facts->after_deploy) {
      using P = typename R::dialect::protocol;
      std::vector<std::string> lost;
      for (const auto& [object, definition] : before.objects()) {
        const auto now = after_up.objects().find(object);
        if (now == after_up.objects().end()) lost.push_back("removed " + object);
        else if (now->second != definition && !P::change_keeps_running_release(object, definition, now->second))
          lost.push_back("changed " + object + ": " + definition + " -> " + now->second);
      }
      if (!lost.empty()) {
        s.applied = unknown_position;
        ADD_FAILURE() << revision << " is before_deploy, so it runs while the previous release still does, but it does not "
                      << "only expand the schema (README \"Rolling deploys\"):\n  " << strata::detail::join(lost, "\n  ")
                      << "\nmake it after_deploy (`static constexpr auto phase = strata::after_deploy;`, or "
                         "`-- strata:after-deploy` in a .sql file)";
        return;
      }
    }
    if (irreversible) {
      s.applied = position_ + 1;
      GTEST_SKIP() << revision << " is irreversible: its up ran; it has no down to test";
    }
    schema_snapshot after_down;
    try {
      downgrade_last<R>(*s.conn, 1, test_options());
      after_down = read_schema(*s.conn);
    } catch (const std::exception& e) {
      ADD_FAILURE() << revision << " down failed: " << e.what();
      return;
    }
    if (after_down != before) {
      ADD_FAILURE() << "the schema after " << revision << " down is not what it was before its up:\n"
                    << describe_changes(before, after_down, "after " + revision + " down: ");
      return;
    }
    try {
      upgrade_next<R>(*s.conn, 1, test_options());
      const schema_snapshot again = read_schema(*s.conn);
      if (again != after_up) {
        ADD_FAILURE() << "the schema after " << revision << " up again is not what it was after its first up:\n"
                      << describe_changes(after_up, again, "after " + revision + " up again: ",
                                          {"the first time", "the second time", "is new", "is missing"});
        return;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "after " << revision << " down, its up failed: " << e.what();
      return;
    }
    s.applied = position_ + 1;
  }

  std::size_t position_;
};

// Upgrade to head, then downgrade to base: nothing is left but strata's own tables. With an
// irreversible revision on the way, the downgrade stops there: the schema must then be what an
// upgrade to that revision alone gives, and the case is reported as skipped, naming it.
template <class R>
class downgrade_to_base_test : public migration_suite<R> {
  void TestBody() override {
    const catalog cat = catalog_of<R>();
    std::string stop;  // the last irreversible revision in apply order
    for (const auto& e : cat.entries)
      if (e.facts->down == body_kind::irreversible) stop = std::string(e.id);
    try {
      test_database<R> db;
      test_connection<R> conn(db.url());
      options to_stop = test_options();
      to_stop.target = stop;
      if (!stop.empty()) upgrade<R>(conn, to_stop);
      const schema_snapshot expected = read_schema(conn);
      upgrade<R>(conn, test_options());
      options down = test_options();
      down.target = stop.empty() ? std::string("base") : stop;
      downgrade<R>(conn, down);
      const schema_snapshot after = read_schema(conn);
      const std::string where = stop.empty() ? std::string("base") : stop;
      EXPECT_TRUE(after == expected) << "downgrade to " << where << " left the schema other than an upgrade to it gives:\n"
                                 << describe_changes(expected, after, "after downgrade to " + where + ": ");
      if (stop.empty()) {
        const state s = status<R>(conn, test_options());
        EXPECT_TRUE(s.applied.empty()) << "after downgrade to base, the history still holds " << s.applied.size()
                                       << " revisions";
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "upgrade to head and downgrade to " << (stop.empty() ? std::string("base") : stop)
                    << " failed: " << e.what();
    }
    if (!stop.empty())
      GTEST_SKIP() << "downgrade to base stops at " << stop << ", which is irreversible (the downgrade down to it was checked)";
  }
};

}  // namespace detail

// Registers R's cases in the suite named after `registry_name`: upgrade_to_head, one
// stairway_<revision> per revision in apply order, downgrade_to_base. STRATA_MIGRATION_TESTS calls it.
template <class R>
bool register_migration_tests(const char* registry_name, const char* file, int line) {
  static_assert(has_kit<typename R::dialect>,
                "STRATA_MIGRATION_TESTS: the kit has no test database for this registry's dialect here: include "
                "<strata/testing.hpp> with the database's adapter installed (libpqxx, or SQLite's C library)");
  const std::string suite = detail::test_name(registry_name);
  using fixture = detail::migration_suite<R>;
  ::testing::RegisterTest(suite.c_str(), "upgrade_to_head", nullptr, nullptr, file, line,
                          []() -> fixture* { return new detail::upgrade_to_head_test<R>(); });
  for (std::size_t k = 0; k < R::size; ++k)
    ::testing::RegisterTest(suite.c_str(), ("stairway_" + detail::test_name(R::ids[k])).c_str(), nullptr,
                            nullptr, file, line,
                            [k]() -> fixture* { return new detail::stairway_test<R>(k); });
  ::testing::RegisterTest(suite.c_str(), "downgrade_to_base", nullptr, nullptr, file, line,
                          []() -> fixture* { return new detail::downgrade_to_base_test<R>(); });
  return true;
}

}  // namespace strata::testing

#define STRATA_TESTING_CONCAT_(a, b) a##b
#define STRATA_TESTING_CONCAT(a, b) STRATA_TESTING_CONCAT_(a, b)

// One line in a GoogleTest file registers the registry's migration tests (see register_migration_tests).
#define STRATA_MIGRATION_TESTS(Registry)                                                 \
  [[maybe_unused]] static const bool STRATA_TESTING_CONCAT(strata_migration_tests_, __LINE__) = \
      ::strata::testing::register_migration_tests<Registry>(#Registry, __FILE__, __LINE__)
