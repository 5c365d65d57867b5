// Registries whose `down` is wrong, for the testing kit to catch (checked by check_defects.py,
// which reads this binary's results: each defect fails its revision's case with the difference,
// every other case passes).
#include <strata/testing.hpp>

namespace enum_left_behind {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct orders : strata::migration<"0002_orders", "0001_users"> {
  static constexpr strata::sql up{
      "CREATE TYPE order_status AS ENUM ('new', 'paid');\n"
      "CREATE TABLE orders (id bigserial PRIMARY KEY, status order_status NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE orders"};  // forgets the type
};
using migrations = strata::registry<users, orders>;
}  // namespace enum_left_behind

namespace wrong_index_dropped {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text, name text);\n"
      "CREATE INDEX users_email_idx ON users (email)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct by_name : strata::migration<"0002_users_by_name", "0001_users"> {
  static constexpr bool transactional = false;
  static constexpr strata::sql up{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX CONCURRENTLY IF EXISTS users_email_idx"};  // the wrong one
};
using migrations = strata::registry<users, by_name>;
}  // namespace wrong_index_dropped

namespace column_type_changed {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, email text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct drop_email : strata::migration<"0002_drop_email", "0001_users"> {
  static constexpr auto phase = strata::after_deploy;  // a contraction: no allowance needed
  static constexpr strata::sql up{"ALTER TABLE users DROP COLUMN email"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN email varchar(200)"};  // another type
};
struct names : strata::migration<"0003_names", "0002_drop_email"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN name text"};
  static constexpr strata::sql down{
      "-- strata:allow ban-drop-column: the column this revision added\n"
      "ALTER TABLE users DROP COLUMN name"};
};
using migrations = strata::registry<users, drop_email, names>;
}  // namespace column_type_changed

// A before_deploy revision that removes and changes what the release still running uses, with the
// lint's allowances: the kit's expansion check names both. The revision before it changes columns
// only in ways that keep that release working.
namespace contraction_before_deploy {
struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, nick varchar(20), legacy text, code text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct loosen : strata::migration<"0002_loosen", "0001_users"> {
  static constexpr strata::sql up{
      "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n"
      "ALTER TABLE users ALTER COLUMN email SET DEFAULT '';\n"
      "ALTER TABLE users ALTER COLUMN nick TYPE varchar(40)"};
  static constexpr strata::sql down{
      "ALTER TABLE users ALTER COLUMN email DROP DEFAULT;\n"
      "-- strata:allow adding-not-nullable-field: a test table\n"
      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
      "-- strata:allow changing-column-type: back to the width before\n"
      "ALTER TABLE users ALTER COLUMN nick TYPE varchar(20)"};
};
struct drop_legacy : strata::migration<"0003_drop_legacy", "0002_loosen"> {
  static constexpr strata::sql up{
      "-- strata:allow ban-drop-column, changing-column-type: the defect under test\n"
      "ALTER TABLE users DROP COLUMN legacy;\n"
      "-- strata:allow changing-column-type: the defect under test\n"
      "ALTER TABLE users ALTER COLUMN code TYPE integer USING 0"};
  static constexpr strata::sql down{
      "-- strata:allow changing-column-type: back\n"
      "ALTER TABLE users ALTER COLUMN code TYPE text;\n"
      "ALTER TABLE users ADD COLUMN legacy text"};
};
struct names : strata::migration<"0004_names", "0003_drop_legacy"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN name text"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN name"};
};
using migrations = strata::registry<users, loosen, drop_legacy, names>;
}  // namespace contraction_before_deploy

STRATA_MIGRATION_TESTS(enum_left_behind::migrations);
STRATA_MIGRATION_TESTS(contraction_before_deploy::migrations);
STRATA_MIGRATION_TESTS(wrong_index_dropped::migrations);
STRATA_MIGRATION_TESTS(column_type_changed::migrations);
