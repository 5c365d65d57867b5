// strata on real SQLite files: the table rebuild that keeps its child rows, a foreign-key
// violation rolled back naming the table, processes racing, a killed run, downgrade to base, the
// lock wait, the one-statement no-op start-up, errors with SQLite's extended codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <strata/sqlite.hpp>

#include "heavy_migrations.hpp"
#include "sqlite_support.hpp"

namespace {

using strata::testing::scratch_file;
using ::testing::HasSubstr;

struct customers : strata::migration<"0001_customers"> {
  static constexpr strata::sql up{"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);\n"
                                  "INSERT INTO customers (id, name) VALUES (1, 'ann'), (2, NULL)"};
  static constexpr strata::sql down{"DROP TABLE customers"};
};
struct orders : strata::migration<"0002_orders", "0001_customers"> {
  static constexpr strata::sql up{"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
                                  "REFERENCES customers (id) ON DELETE CASCADE, total INTEGER);\n"
                                  "INSERT INTO orders (customer_id, total) VALUES (1, 10), (1, 20), (2, 5)"};
  static constexpr strata::sql down{"DROP TABLE orders"};
};
// The table rebuild SQLite's documentation gives for what ALTER TABLE cannot do (here: name NOT
// NULL): inside a transaction with foreign keys on, DROP TABLE customers would delete every order.
struct rebuild_customers : strata::migration<"0003_rebuild_customers", "0002_orders"> {
  static constexpr strata::sql up{
      "CREATE TABLE customers_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n"
      "INSERT INTO customers_new (id, name) SELECT id, coalesce(name, '') FROM customers;\n"
      "DROP TABLE customers;\n"
      "ALTER TABLE customers_new RENAME TO customers"};
  static constexpr strata::sql down{
      "CREATE TABLE customers_old (id INTEGER PRIMARY KEY, name TEXT);\n"
      "INSERT INTO customers_old (id, name) SELECT id, name FROM customers;\n"
      "DROP TABLE customers;\n"
      "ALTER TABLE customers_old RENAME TO customers"};
};
// A trigger's body holds its own ';'s, and a CASE ... END.
struct order_audit : strata::migration<"0004_order_audit", "0003_rebuild_customers"> {
  static constexpr strata::sql up{
      "CREATE TABLE audit (order_id INTEGER, what TEXT);\n"
      "CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN\n"
      "  INSERT INTO audit VALUES (NEW.id, CASE WHEN NEW.total > 100 THEN 'big' ELSE 'small' END);\n"
      "  UPDATE audit SET what = what || '!' WHERE order_id = NEW.id AND NEW.total > 1000;\n"
      "END;\n"
      "CREATE INDEX audit_order ON audit (order_id)"};
  static constexpr strata::sql down{"DROP TRIGGER orders_audit; DROP TABLE audit"};
};
struct order_note : strata::migration<"0005_order_note", "0004_order_audit"> {
  static void up(strata::transaction& tx) { tx.execute("ALTER TABLE orders ADD COLUMN note TEXT NOT NULL DEFAULT ''"); }
  static void down(strata::transaction& tx) { tx.execute("ALTER TABLE orders DROP COLUMN note"); }
};
using shop = strata::registry<strata::sqlite::dialect, customers, orders, rebuild_customers, order_audit, order_note>;

static_assert(strata::sqlite::statement_count(order_audit::up.text) == 3);

strata::options quiet() { return {}; }
strata::options to(std::string target) {
  strata::options o;
  o.target = std::move(target);
  return o;
}

TEST(Sqlite, TheRebuildKeepsItsChildRowsWhereATransactionWithForeignKeysLosesThem) {
  // The trap, as every hand-written migration loop meets it.
  scratch_file control("control");
  {
    strata::sqlite::connection c{control.path()};  // foreign keys on
    c.execute(std::string(customers::up.text) + ";" + std::string(orders::up.text));
    c.execute("BEGIN; " + std::string(rebuild_customers::up.text) + "; COMMIT");
  }
  EXPECT_EQ(control.count("SELECT * FROM orders"), 0) << "SQLite no longer cascades here: the control shows nothing";

  scratch_file file("rebuild");
  strata::sqlite::connection db{file.path()};
  const strata::report r = strata::upgrade<shop>(db, quiet());
  EXPECT_EQ(r.applied.size(), 5u);
  EXPECT_EQ(file.count("SELECT * FROM orders"), 3);
  EXPECT_EQ(file.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM customers ORDER BY id)"), "ann,");
  EXPECT_EQ(file.count("SELECT * FROM pragma_foreign_key_check"), 0);
  // The connection enforces foreign keys again after the run.
  EXPECT_EQ(db.query("PRAGMA foreign_keys", {}).at(0).at(0), strata::value("1"));
  db.execute("INSERT INTO orders (customer_id, total) VALUES (1, 500)");
  EXPECT_EQ(file.scalar("SELECT what FROM audit ORDER BY rowid DESC LIMIT 1"), "big");
  EXPECT_THROW(db.execute("INSERT INTO orders (customer_id, total) VALUES (99, 1)"), strata::database_error);
}

struct orphan_order : strata::migration<"0003_orphan_order", "0002_orders"> {
  static constexpr strata::sql up{"CREATE TABLE gifts (id INTEGER PRIMARY KEY);\n"
                                  "INSERT INTO orders (customer_id, total) VALUES (42, 1)"};
  static constexpr strata::sql down{"DROP TABLE gifts"};
};
using shop_with_orphan = strata::registry<strata::sqlite::dialect, customers, orders, orphan_order>;

TEST(Sqlite, AForeignKeyViolationRollsTheRevisionBackNamingTheTable) {
  scratch_file file("violation");
  strata::sqlite::connection db{file.path()};
  try {
    strata::upgrade<shop_with_orphan>(db, quiet());
    FAIL() << "a row referencing a missing customer was committed";
  } catch (const strata::migration_error& e) {
    EXPECT_EQ(e.revision(), "0003_orphan_order");
    EXPECT_THAT(e.what(), HasSubstr("a row of table orders"));
    EXPECT_THAT(e.what(), HasSubstr("references a missing row of customers"));
    EXPECT_THAT(e.what(), HasSubstr("rolled back"));
  }
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 2);
  EXPECT_EQ(file.count("SELECT * FROM sqlite_schema WHERE name = 'gifts'"), 0);
  EXPECT_EQ(file.count("SELECT * FROM orders WHERE customer_id = 42"), 0);
  EXPECT_EQ(db.query("PRAGMA foreign_keys", {}).at(0).at(0), strata::value("1"));
}

TEST(Sqlite, ARowBrokenBeforeTheRunIsNotTheRevisionsDoing) {
  scratch_file file("orphan_before");
  {
    strata::sqlite::connection db{file.path()};
    strata::upgrade<shop>(db, to("0002_orders"));
  }
  file.run("INSERT INTO orders (customer_id, total) VALUES (77, 1)");  // a connection without foreign keys
  strata::sqlite::connection db{file.path()};
  EXPECT_EQ(strata::upgrade<shop>(db, quiet()).applied.size(), 3u);
  EXPECT_EQ(file.count("SELECT * FROM orders"), 4);
}

TEST(Sqlite, WithoutForeignKeysEnforcedTheConnectionIsLeftAsItWas) {
  scratch_file file("no_fk");
  strata::sqlite::connection db{file.path(), {std::chrono::seconds(5), false}};
  strata::upgrade<shop_with_orphan>(db, quiet());  // the application does not enforce them: nothing checks
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 3);
  EXPECT_EQ(db.query("PRAGMA foreign_keys", {}).at(0).at(0), strata::value("0"));
}

// Runs `work` in a child process; returns its pid.
template <class Work>
pid_t in_child(Work&& work) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 0;
    try {
      work();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child %d: %s\n", static_cast<int>(::getpid()), e.what());
      code = 1;
    }
    std::_Exit(code);
  }
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(Sqlite, FourProcessesAtOnceApplyEachRevisionOnce) {
  scratch_file file("race");
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i)
    children.push_back(in_child([&] {
      strata::sqlite::connection db{file.path()};
      strata::upgrade<heavy_migrations>(db, quiet());
    }));
  for (pid_t pid : children) EXPECT_EQ(exit_status(pid), 0);
  EXPECT_EQ(file.count("SELECT * FROM strata_history WHERE state = 'applied'"), static_cast<long long>(heavy_count));
  EXPECT_EQ(file.count("SELECT * FROM strata_log WHERE action = 'upgrade'"), static_cast<long long>(heavy_count));
  for (std::size_t k = 1; k <= heavy_count; ++k)
    EXPECT_EQ(file.count("SELECT * FROM t_" + std::to_string(k)), 20000) << "t_" << k;
}

TEST(Sqlite, AKilledRunLeavesItsLastWholeRevisionAndTheNextFinishes) {
  scratch_file file("kill");
  const pid_t child = in_child([&] {
    strata::sqlite::connection db{file.path()};
    strata::upgrade<heavy_migrations>(db, quiet());
  });
  // Killed once a few revisions are in, in the middle of the run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  long long seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      seen = file.count("SELECT * FROM strata_history");
    } catch (const strata::database_error&) {  // before the history exists
    }
    if (seen >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(child, SIGKILL);
  EXPECT_EQ(exit_status(child), 128 + SIGKILL);
  const long long applied = file.count("SELECT * FROM strata_history");
  ASSERT_GE(applied, 3);
  ASSERT_LT(applied, static_cast<long long>(heavy_count)) << "the run ended before the kill: nothing was interrupted";
  // Every recorded revision is whole, and nothing of the next one is left.
  for (long long k = 1; k <= applied; ++k) EXPECT_EQ(file.count("SELECT * FROM t_" + std::to_string(k)), 20000);
  EXPECT_EQ(file.count("SELECT * FROM sqlite_schema WHERE name = 't_" + std::to_string(applied + 1) + "'"), 0);
  EXPECT_EQ(file.scalar("PRAGMA integrity_check"), "ok");

  strata::sqlite::connection db{file.path()};
  const strata::report r = strata::upgrade<heavy_migrations>(db, quiet());
  EXPECT_EQ(static_cast<long long>(r.applied.size()), static_cast<long long>(heavy_count) - applied);
  EXPECT_EQ(file.count("SELECT * FROM t_" + std::to_string(heavy_count)), 20000);
}

TEST(Sqlite, DowngradeToBaseLeavesOnlyStratasTables) {
  scratch_file file("base");
  strata::sqlite::connection db{file.path()};
  strata::upgrade<shop>(db, quiet());
  const strata::report r = strata::downgrade<shop>(db, to("base"));
  EXPECT_EQ(r.reverted.size(), 5u);
  EXPECT_EQ(file.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema ORDER BY name)"),
            "sqlite_autoindex_strata_history_1,sqlite_autoindex_strata_instances_1,strata_history,strata_instances,strata_log");
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 0);
  EXPECT_EQ(file.count("SELECT * FROM strata_log WHERE action = 'downgrade'"), 5);
  // And back up: the history adds up.
  EXPECT_EQ(strata::upgrade<shop>(db, quiet()).applied.size(), 5u);
  EXPECT_EQ(file.count("SELECT * FROM orders"), 3);
}

TEST(Sqlite, AWaitingProcessGivesUpAfterTheLockWaitNamingIt) {
  scratch_file file("lock");
  strata::sqlite::connection holder{file.path()};
  holder.execute("CREATE TABLE held (x); BEGIN IMMEDIATE; INSERT INTO held VALUES (1)");
  strata::sqlite::connection db{file.path()};  // its own busy timeout: 5 s
  strata::options o;
  o.lock_timeout = std::chrono::milliseconds(400);
  const auto started = std::chrono::steady_clock::now();
  try {
    strata::upgrade<shop>(db, o);
    FAIL() << "the upgrade ran while another connection held the write lock";
  } catch (const strata::lock_timeout_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("could not take the migration lock within 400 ms: it is held by another connection "
                                    "writing to the database"));
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(400));
  EXPECT_LT(waited, std::chrono::seconds(2)) << "each attempt waits at most what is left of the lock wait";
  EXPECT_EQ(db.query("PRAGMA busy_timeout", {}).at(0).at(0), strata::value("5000"));  // the connection's own, put back
  holder.execute("COMMIT");
  EXPECT_EQ(strata::upgrade<shop>(db, o).applied.size(), 5u);
}

int count_statements(unsigned, void* counter, void*, void*) {
  ++*static_cast<int*>(counter);
  return 0;
}

TEST(Sqlite, NothingPendingIsOneStatement) {
  scratch_file file("noop");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.path().c_str(), &raw), SQLITE_OK);
  {
    strata::sqlite::connection db{raw};  // the application's own handle
    strata::upgrade<shop>(db, quiet());
    int statements = 0;
    sqlite3_trace_v2(raw, SQLITE_TRACE_STMT, count_statements, &statements);
    const strata::report r = strata::upgrade<shop>(db, quiet());
    sqlite3_trace_v2(raw, 0, nullptr, nullptr);
    EXPECT_FALSE(r.changed());
    EXPECT_FALSE(r.took_lock);
    EXPECT_EQ(statements, 1);
  }
  sqlite3_close(raw);
}

struct duplicate_customer : strata::migration<"0003_duplicate_customer", "0002_orders"> {
  static constexpr strata::sql up{"UPDATE customers SET name = 'x';\nINSERT INTO customers (id, name) VALUES (1, 'again')"};
  static constexpr strata::sql down{"SELECT 1"};
};
using shop_with_duplicate = strata::registry<strata::sqlite::dialect, customers, orders, duplicate_customer>;

TEST(Sqlite, AFailingStatementNamesTheRevisionTheStatementAndTheExtendedCode) {
  scratch_file file("failure");
  strata::sqlite::connection db{file.path()};
  try {
    strata::upgrade<shop_with_duplicate>(db, quiet());
    FAIL() << "a duplicate primary key was committed";
  } catch (const strata::migration_error& e) {
    EXPECT_EQ(e.revision(), "0003_duplicate_customer");
    EXPECT_EQ(e.sqlstate(), "SQLITE_CONSTRAINT_PRIMARYKEY");
    EXPECT_EQ(e.statement_number(), 2u);
    EXPECT_THAT(e.what(), HasSubstr("UNIQUE constraint failed: customers.id [SQLITE_CONSTRAINT_PRIMARYKEY]"));
    EXPECT_THAT(e.what(), HasSubstr("INSERT INTO customers (id, name) VALUES (1, 'again')"));
  }
  EXPECT_EQ(file.scalar("SELECT name FROM customers WHERE id = 1"), "ann");  // its UPDATE was rolled back
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 2);
}

TEST(Sqlite, SingleTransactionIsAllOrNothing) {
  scratch_file file("single");
  strata::sqlite::connection db{file.path()};
  strata::options o;
  o.mode = strata::mode::single_transaction;
  EXPECT_THROW(strata::upgrade<shop_with_duplicate>(db, o), strata::migration_error);
  EXPECT_EQ(file.count("SELECT * FROM sqlite_schema WHERE name IN ('customers', 'orders')"), 0);
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 0);
  EXPECT_EQ(strata::upgrade<shop>(db, o).applied.size(), 5u);
}

TEST(Sqlite, AnEditedRevisionStopsTheRunAndChangesNothing) {
  scratch_file file("edited");
  strata::sqlite::connection db{file.path()};
  strata::upgrade<shop>(db, to("0002_orders"));
  file.run("UPDATE strata_history SET checksum = '0000000000000001' WHERE revision = '0001_customers'");
  try {
    strata::upgrade<shop>(db, quiet());
    FAIL() << "a run went on over an edited revision";
  } catch (const strata::validation_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("revision 0001_customers (history 0000000000000001, build"));
  }
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 2);
}

TEST(Sqlite, StatusStampAndTheScriptChangeNothingTheyDoNotSay) {
  scratch_file file("status");
  strata::sqlite::connection db{file.path()};
  const std::string script = strata::sql_script<shop>(db, true, to("0004_order_audit"));
  EXPECT_THAT(script, HasSubstr("BEGIN IMMEDIATE;"));
  EXPECT_THAT(script, HasSubstr("CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN"));
  EXPECT_THAT(script, HasSubstr("foreign keys"));
  EXPECT_EQ(file.count("SELECT * FROM sqlite_schema"), 0);

  strata::stamp<shop>(db, "0002_orders");
  strata::state s = strata::status<shop>(db);
  EXPECT_EQ(s.applied.size(), 2u);
  EXPECT_EQ(s.pending.size(), 3u);
  EXPECT_EQ(file.count("SELECT * FROM sqlite_schema WHERE name = 'customers'"), 0);  // stamped: nothing ran
  strata::stamp<shop>(db, "base");
  EXPECT_TRUE(strata::status<shop>(db).applied.empty());
}

struct vacuum : strata::migration<"0003_vacuum", "0002_orders"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"VACUUM"};
  static constexpr strata::sql down{"SELECT 1"};
};
using shop_with_vacuum = strata::registry<strata::sqlite::dialect, customers, orders, vacuum>;

TEST(Sqlite, AMigrationOutsideATransactionIsRefusedNamingIt) {
  scratch_file file("vacuum");
  strata::sqlite::connection db{file.path()};
  strata::upgrade<shop_with_vacuum>(db, to("0002_orders"));
  try {
    strata::upgrade<shop_with_vacuum>(db, quiet());
    FAIL() << "a migration outside a transaction ran without the lock";
  } catch (const strata::target_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("revision 0003_vacuum is not transactional"));
    EXPECT_THAT(e.what(), HasSubstr("BEGIN IMMEDIATE"));
  }
  EXPECT_EQ(file.count("SELECT * FROM strata_history"), 2);
}

TEST(Sqlite, TheSchemaSnapshotReadsSqlitesCatalogWithoutStratasTables) {
  scratch_file file("snapshot");
  strata::sqlite::connection db{file.path()};
  strata::upgrade<shop>(db, quiet());
  const strata::schema_snapshot s = strata::read_schema(db);
  const auto& o = s.objects();
  EXPECT_EQ(o.at("column customers.name"), "text not null default ''");
  EXPECT_EQ(o.at("column orders.id"), "integer primary key");
  EXPECT_EQ(o.at("foreign key orders (customer_id)"), "references customers (id) on update no action on delete cascade");
  EXPECT_EQ(o.at("index audit_order"), "on audit (order_id)");
  EXPECT_THAT(o.at("trigger orders_audit"), HasSubstr("CASE WHEN NEW.total > 100"));
  for (const auto& [object, definition] : o) EXPECT_EQ(object.find("strata_"), std::string::npos) << object;
  strata::downgrade<shop>(db, to("base"));
  EXPECT_TRUE(strata::read_schema(db).empty());
}

}  // namespace
