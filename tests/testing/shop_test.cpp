// The testing kit on a correct registry: its migration cases pass; schema_of sees every kind of
// object and ignores what does not matter; a test database is fresh and goes away; data hooks run
// around their revision.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <strata/testing.hpp>

namespace shop {

struct users : strata::migration<"0001_users"> {
  static constexpr std::string_view description = "users";
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct orders : strata::migration<"0002_orders", "0001_users"> {
  static constexpr strata::sql up{
      "CREATE TYPE order_status AS ENUM ('new', 'paid', 'cancelled');\n"
      "CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id),\n"
      "                     status order_status NOT NULL DEFAULT 'new', total_cents bigint CHECK (total_cents >= 0))"};
  static constexpr strata::sql down{"DROP TABLE orders; DROP TYPE order_status"};
};
struct users_by_name : strata::migration<"0003_users_by_name", "0002_orders"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_name_idx"};
};
// A data migration: the hooks below check its backfill.
struct split_name : strata::migration<"0004_split_name", "0003_users_by_name"> {
  static constexpr strata::sql up{
      "ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text;\n"
      "UPDATE users SET first_name = split_part(name, ' ', 1), last_name = split_part(name, ' ', 2)"};
  static constexpr strata::sql down{
      "-- strata:allow ban-drop-column: the columns this revision added\n"
      "ALTER TABLE users DROP COLUMN first_name, DROP COLUMN last_name"};
};
struct order_total : strata::migration<"0005_order_total", "0004_split_name"> {
  static constexpr strata::sql up{
      "CREATE FUNCTION order_total(u bigint) RETURNS bigint LANGUAGE sql STABLE AS $$\n"
      "  SELECT coalesce(sum(total_cents), 0) FROM orders WHERE user_id = u; -- a ';' inside\n"
      "$$;\n"
      "CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
      "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_touch();\n"
      "COMMENT ON FUNCTION order_total(bigint) IS 'cents a user spent'"};
  static constexpr strata::sql down{
      "DROP TRIGGER orders_touch ON orders; DROP FUNCTION orders_touch(); DROP FUNCTION order_total(bigint)"};
};
struct purge_cancelled : strata::migration<"0006_purge_cancelled", "0005_order_total"> {
  static constexpr strata::sql up{"DELETE FROM orders WHERE status = 'cancelled'"};
  static constexpr auto down = strata::irreversible;
};
struct paid_orders : strata::migration<"0007_paid_orders", "0006_purge_cancelled"> {
  static constexpr strata::sql up{"CREATE VIEW paid_orders AS SELECT id, user_id, total_cents FROM orders WHERE status = 'paid'"};
  static constexpr strata::sql down{"DROP VIEW paid_orders"};
};

using migrations = strata::registry<users, orders, users_by_name, split_name, order_total, purge_cancelled, paid_orders>;

}  // namespace shop

STRATA_MIGRATION_TESTS(shop::migrations);

namespace {

using ::testing::HasSubstr;
using strata::testing::database;
using strata::testing::schema_of;

TEST(Database, IsFreshAndIsDroppedAfterwards) {
  std::string name;
  {
    database db;
    name = db.name();
    EXPECT_EQ(db.value("SELECT current_database()"), name);
    EXPECT_EQ(db.value("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public'"),
              "0");
    database other;
    EXPECT_NE(other.name(), name);
  }
  database probe;
  EXPECT_EQ(probe.value("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"), "0");
}

TEST(Database, IsDroppedWhenTheTestThrows) {
  std::string name;
  try {
    database db;
    name = db.name();
    db.execute("SELECT 1/0");
  } catch (const strata::database_error& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
  }
  database probe;
  EXPECT_EQ(probe.value("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"), "0");
}

TEST(SchemaOf, SeesEveryKindOfObject) {
  database db;
  db.execute(
      "CREATE SCHEMA billing;"
      "CREATE TYPE mood AS ENUM ('ok', 'sad');"
      "CREATE TYPE billing.amount AS (cents bigint, currency text);"
      "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');"
      "CREATE TABLE people (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mail email, m mood DEFAULT 'ok',"
      "  doubled int GENERATED ALWAYS AS (id * 2) STORED, nick varchar(20) NOT NULL);"
      "CREATE TABLE billing.invoices (id serial PRIMARY KEY, person int REFERENCES people (id));"
      "CREATE UNIQUE INDEX people_nick ON people (lower(nick));"
      "CREATE SEQUENCE tickets START 100;"
      "CREATE VIEW sad_people AS SELECT id FROM people WHERE m = 'sad';"
      "CREATE MATERIALIZED VIEW people_count AS SELECT count(*) AS n FROM people;"
      "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;"
      "CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;"
      "CREATE FUNCTION t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
      "CREATE TRIGGER people_t BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION t();"
      "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
      "ALTER TABLE people ENABLE ROW LEVEL SECURITY;"
      "CREATE POLICY mine ON people USING (id > 0);"
      "COMMENT ON TABLE people IS 'who';"
      "COMMENT ON COLUMN people.nick IS 'short name';"
      "CREATE RULE no_delete AS ON DELETE TO billing.invoices DO INSTEAD NOTHING;"
      "CREATE STATISTICS people_stats (dependencies) ON m, nick FROM people;"
      "CREATE COLLATION plain (lc_collate = 'C', lc_ctype = 'POSIX');");
  const auto objects = schema_of(db.url()).objects();
  auto definition = [&](const std::string& object) {
    const auto found = objects.find(object);
    return found == objects.end() ? std::string("(absent)") : found->second;
  };
  EXPECT_EQ(definition("schema billing"), "");
  EXPECT_EQ(definition("type mood"), "enum ('ok', 'sad')");
  EXPECT_EQ(definition("type billing.amount"), "composite (cents bigint, currency text)");
  EXPECT_EQ(definition("domain email"), "text");
  EXPECT_EQ(definition("domain constraint email.email_check"), "CHECK (VALUE ~~ '%@%'::text)");
  EXPECT_EQ(definition("table people"), "row level security");
  EXPECT_EQ(definition("column people.id"), "integer not null generated always as identity");
  EXPECT_EQ(definition("column people.m"), "mood default 'ok'::mood");
  EXPECT_EQ(definition("column people.doubled"), "integer generated always as ((id * 2)) stored");
  EXPECT_EQ(definition("column people.nick"), "character varying(20) not null");
  EXPECT_EQ(definition("constraint people.people_pkey"), "PRIMARY KEY (id)");
  EXPECT_EQ(definition("constraint billing.invoices.invoices_person_fkey"), "FOREIGN KEY (person) REFERENCES people(id)");
  EXPECT_EQ(definition("index people_nick"), "CREATE UNIQUE INDEX people_nick ON public.people USING btree (lower((nick)::text))");
  EXPECT_EQ(definition("sequence tickets"), "bigint start 100 increment 1 min 1 max 9223372036854775807 cache 1");
  EXPECT_THAT(definition("sequence billing.invoices_id_seq"), HasSubstr("owned by billing.invoices.id"));
  EXPECT_EQ(objects.count("sequence people_id_seq"), 0u) << "an identity's sequence is part of its column";
  EXPECT_THAT(definition("view sad_people"), HasSubstr("WHERE people.m = 'sad'::mood"));
  EXPECT_THAT(definition("materialized view people_count"), HasSubstr("count(*) AS n"));
  EXPECT_THAT(definition("function f(a integer)"), HasSubstr("SELECT a"));
  EXPECT_THAT(definition("procedure p()"), HasSubstr("CREATE OR REPLACE PROCEDURE public.p()"));
  EXPECT_THAT(definition("trigger people.people_t"), HasSubstr("BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION t()"));
  EXPECT_THAT(definition("extension pg_trgm"), HasSubstr("in schema public"));
  EXPECT_EQ(definition("policy people.mine"), "permissive for all to public using ((id > 0))");
  EXPECT_EQ(definition("comment on table people"), "who");
  EXPECT_EQ(definition("comment on column people.nick"), "short name");
  EXPECT_THAT(definition("rule billing.invoices.no_delete"), HasSubstr("ON DELETE TO billing.invoices DO INSTEAD NOTHING"));
  EXPECT_EQ(definition("statistics people_stats"), "CREATE STATISTICS public.people_stats (dependencies) ON m, nick FROM people");
  EXPECT_EQ(definition("collation plain"), "libc locale C ctype POSIX");
  for (const auto& [object, _] : objects) {  // an extension's members are the extension's
    EXPECT_THAT(object, ::testing::Not(HasSubstr("similarity"))) << object;
    EXPECT_THAT(object, ::testing::Not(HasSubstr("gtrgm"))) << object;
  }
}

TEST(SchemaOf, IsIndependentOfCreationOrderAndLeavesStrataTablesOut) {
  database a, b;
  a.execute("CREATE TABLE t1 (x int); CREATE TYPE e AS ENUM ('a'); CREATE TABLE t2 (y e); CREATE INDEX t1_x ON t1 (x)");
  b.execute("CREATE TYPE e AS ENUM ('a'); CREATE TABLE t2 (y e); CREATE TABLE t1 (x int); CREATE INDEX t1_x ON t1 (x)");
  EXPECT_EQ(schema_of(a.url()), schema_of(b.url()));
  const auto before = schema_of(b.url());
  b.execute("CREATE TABLE strata_history (revision text); CREATE TABLE strata_log (at timestamptz)");
  EXPECT_EQ(schema_of(b.url()), before);
  // strata's tables in the session's current schema, whatever search_path says
  b.execute("CREATE SCHEMA app; ALTER DATABASE " + b.name() + " SET search_path TO app");
  const auto with_app = schema_of(b.url());
  b.execute("CREATE TABLE app.strata_history (revision text); CREATE TABLE app.strata_log (at timestamptz)");
  EXPECT_EQ(schema_of(b.url()), with_app);
  b.execute("ALTER TABLE public.t1 ALTER COLUMN x SET DEFAULT 7");
  EXPECT_EQ(strata::describe_changes(with_app, schema_of(b.url())), "column t1.x: integer before, integer default 7 after\n");
}

TEST(DataHooks, RunAroundTheirRevision) {
  database db;
  strata::testing::data_hooks hooks;
  std::vector<std::string> seen;
  hooks.before("0004_split_name", [&](database& d) {
    seen.push_back("before");
    d.execute("INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada Lovelace')");
    EXPECT_EQ(d.value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'last_name'"), "0");
  });
  hooks.after("0004_split_name", [&](database& d) {
    seen.push_back("after");
    EXPECT_EQ(d.value("SELECT first_name || '|' || last_name FROM users"), "Ada|Lovelace");
  });
  strata::testing::upgrade_with_data<shop::migrations>(db, hooks);
  EXPECT_EQ(seen, (std::vector<std::string>{"before", "after"}));
  EXPECT_EQ(db.value("SELECT count(*) FROM strata_history"), "7");
}

TEST(DataHooks, AHookOnAnUnknownOrAppliedRevisionIsAnError) {
  database db;
  strata::testing::data_hooks unknown;
  unknown.before("0004_split_nam", [](database&) {});
  try {
    strata::testing::upgrade_with_data<shop::migrations>(db, unknown);
    FAIL() << "a hook on an unknown revision was accepted";
  } catch (const strata::target_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'0004_split_nam'"));
  }
  strata::pq::connection conn(db.url());
  strata::upgrade<shop::migrations>(conn);
  strata::testing::data_hooks applied;
  applied.after("0002_orders", [](database&) {});
  try {
    strata::testing::upgrade_with_data<shop::migrations>(db, applied);
    FAIL() << "a hook on an applied revision was accepted";
  } catch (const strata::target_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'0002_orders'"));
    EXPECT_THAT(e.what(), HasSubstr("already applied"));
  }
}

}  // namespace
