// Compile-time properties of SQL bodies: building this file is the test.
#include <strata/strata.hpp>

namespace {

struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{
      "CREATE TABLE users (id bigserial PRIMARY KEY, note text DEFAULT 'a;b');\n"
      "-- a comment; with a semicolon\n"
      "CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql;\n"};
  static constexpr strata::sql down{"DROP FUNCTION f(); DROP TABLE users"};
};

static_assert(strata::statement_count(users::up) == 2);
static_assert(strata::statement_count(users::down) == 2);
static_assert(strata::statements<users::up>[0] == "CREATE TABLE users (id bigserial PRIMARY KEY, note text DEFAULT 'a;b')");
static_assert(strata::statements<users::up>[1] ==
              "CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql");
static_assert(strata::statements<users::down>[1] == "DROP TABLE users");

// The checksum: a Fletcher-style sum over up, 0xff, down, with line endings read as LF (README "Checksums").
static_assert(strata::sql_checksum("a\r\nb", "c") == strata::sql_checksum("a\nb", "c"));
static_assert(strata::sql_checksum("a", "") != strata::sql_checksum("", "a"));
static_assert(strata::checksum_version == 1);

// Known values, fixed for all compilers and platforms: a from 1, b from 0; a += byte, b += a.
constexpr std::uint64_t fletcher(std::initializer_list<unsigned char> bytes) {
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : bytes) {
    a += c;
    b += a;
  }
  return (std::uint64_t{b} << 32) | a;
}
static_assert(strata::sql_checksum("a", "b") == fletcher({'a', 0xff, 'b'}));
static_assert(strata::sql_checksum("a", "b") == 0x0000'0386'0000'01c3);  // a: 1+97+255+98, b: 98+353+451
static_assert(strata::sql_checksum("a\r\n", "b\r") == fletcher({'a', '\n', 0xff, 'b', '\n'}));

static_assert(strata::refused_in_transaction("CREATE INDEX CONCURRENTLY i ON t (x)"));
static_assert(!strata::refused_in_transaction("CREATE INDEX i ON t (x)"));

// Outside a transaction a statement must be harmless to run twice (an interrupted run is resumed).
constexpr bool repeatable(std::string_view s) { return !strata::postgresql::detail::classify_statement(s.data(), s.size()).not_idempotent; }
static_assert(!repeatable("CREATE INDEX CONCURRENTLY i ON t (x)"));
static_assert(repeatable("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x)"));
static_assert(!repeatable("create unique index concurrently i on t (x)"));
static_assert(repeatable("create unique index concurrently if not exists i on t (x)"));
static_assert(!repeatable("DROP INDEX CONCURRENTLY i"));
static_assert(repeatable("DROP INDEX CONCURRENTLY IF EXISTS i"));
static_assert(!repeatable("DROP TABLE t"));
static_assert(repeatable("DROP TABLE IF EXISTS t"));
static_assert(repeatable("DROP MATERIALIZED VIEW IF EXISTS v"));
static_assert(repeatable("DROP OWNED BY r"));
static_assert(!repeatable("CREATE TABLE t (x int)"));
static_assert(repeatable("CREATE TABLE IF NOT EXISTS t (x int)"));
static_assert(!repeatable("ALTER TYPE mood ADD VALUE 'meh'"));
static_assert(repeatable("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh'"));
static_assert(repeatable("VACUUM t"));
static_assert(repeatable("UPDATE t SET x = 1"));
// What a resumed run can still not repeat safely: every statement above can (in a transaction
// with its progress record, or looked up by its index name), but for these.
constexpr bool resumable(std::string_view s) {
  return strata::postgresql::detail::resumable(strata::postgresql::detail::classify_statement(s.data(), s.size()));
}
static_assert(resumable("CREATE INDEX CONCURRENTLY i ON t (x)"));
static_assert(resumable("DROP INDEX CONCURRENTLY i"));
static_assert(resumable("CREATE TABLE t (x int)"));
static_assert(resumable("ALTER TYPE mood ADD VALUE 'meh'"));
static_assert(!resumable("CREATE INDEX CONCURRENTLY ON t (x)"));
static_assert(!resumable("CREATE UNIQUE INDEX CONCURRENTLY ON t (x)"));
static_assert(!resumable("DROP TABLESPACE space"));
static_assert(resumable("DROP TABLESPACE IF EXISTS space"));

}  // namespace

int main() {}
