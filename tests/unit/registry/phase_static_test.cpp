// The phase of a migration (README "Rolling deploys"), checked by the compiler: an after_deploy
// migration needs no allowance for what breaks the release still running, in C++ types (SQL or
// code bodies) and in .sql folders of every format, where `-- strata:after-deploy` says it.
#include <strata/strata.hpp>

#include <rolling_dbmate.hpp>
#include <rolling_flyway.hpp>
#include <rolling_golang_migrate.hpp>
#include <rolling_goose.hpp>
#include <rolling_sqlx.hpp>
#include <rolling_strata.hpp>

namespace {

struct users : strata::migration<"0001_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY, name text, display_name text, code text)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
struct drop_name : strata::migration<"0002_drop_name", "0001_users"> {
  static constexpr auto phase = strata::after_deploy;
  static constexpr strata::sql up{
      "ALTER TABLE users DROP COLUMN name;\n"
      "ALTER TABLE users RENAME COLUMN display_name TO shown_name;\n"
      "ALTER TABLE users ALTER COLUMN code TYPE integer USING 0"};
  static constexpr strata::sql down{"ALTER TABLE users ADD COLUMN name text"};
};
struct drop_by_code : strata::migration<"0003_drop_by_code", "0002_drop_name"> {
  static constexpr auto phase = strata::after_deploy;
  static void up(strata::transaction&) {}
  static void down(strata::transaction&) {}
};
struct expand : strata::migration<"0004_expand", "0003_drop_by_code"> {
  static constexpr auto phase = strata::before_deploy;  // the default, said
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN email text"};
  static constexpr strata::sql down{"ALTER TABLE users DROP COLUMN email"};
};
using cpp_types = strata::registry<users, drop_name, drop_by_code, expand>;

static_assert(!cpp_types::entries[0].facts->after_deploy);
static_assert(cpp_types::entries[1].facts->after_deploy && cpp_types::entries[1].facts->lint_hits == 0);
static_assert(cpp_types::entries[2].facts->after_deploy);
static_assert(!cpp_types::entries[3].facts->after_deploy);

// Only the rules that break the running release are lifted: a lock-queueing statement is still a finding.
struct blocking : strata::migration<"0001_blocking"> {
  static constexpr auto phase = strata::after_deploy;
  static constexpr strata::sql up{"CREATE INDEX users_name_idx ON users (name)"};
  static constexpr strata::sql down{"DROP INDEX users_name_idx"};
};
static_assert(strata::detail::facts<strata::default_dialect, blocking>.lint_hits != 0);

template <class R>
constexpr bool contracts_second = R::size == 2 && !R::entries[0].facts->after_deploy && R::entries[1].facts->after_deploy;
static_assert(contracts_second<rolling_strata>);
static_assert(contracts_second<rolling_golang_migrate>);
static_assert(contracts_second<rolling_sqlx>);
static_assert(contracts_second<rolling_goose>);
static_assert(contracts_second<rolling_dbmate>);
static_assert(contracts_second<rolling_flyway>);

}  // namespace

int main() { return 0; }
