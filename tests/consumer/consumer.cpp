// A service of another project, built against an installed strata or strata as a subdirectory.
#include <strata/pq.hpp>

struct create_users : strata::migration<"20240101_create_users"> {
  static constexpr strata::sql up{"CREATE TABLE users (id bigserial PRIMARY KEY)"};
  static constexpr strata::sql down{"DROP TABLE users"};
};
using app_migrations = strata::registry<create_users>;
static_assert(app_migrations::head == "20240101_create_users");

int main(int argc, char**) {
  if (argc > 1) {  // never taken in the test: linking strata::pqxx is what is checked
    strata::pq::connection db{"postgresql://app@localhost/app"};
    return strata::upgrade<app_migrations>(db).applied.empty() ? 0 : 1;
  }
  return app_migrations::size == 1 ? 0 : 1;
}
