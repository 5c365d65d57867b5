// A service of five migrations for the fleet benchmark (run.py): its command line's `fleet` and,
// for the loop it is compared with, its single-target `upgrade` and `check`.
#include <strata/cli.hpp>

struct accounts : strata::migration<"b1_accounts"> {
  static constexpr strata::sql up{"CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE accounts"};
};
struct invoices : strata::migration<"b2_invoices", "b1_accounts"> {
  static constexpr strata::sql up{"CREATE TABLE invoices (id bigint PRIMARY KEY, account bigint NOT NULL, total numeric NOT NULL)"};
  static constexpr strata::sql down{"DROP TABLE invoices"};
};
struct account_name : strata::migration<"b3_account_name", "b2_invoices"> {
  static constexpr strata::sql up{"ALTER TABLE accounts ADD COLUMN name text"};
  static constexpr strata::sql down{"ALTER TABLE accounts DROP COLUMN name"};
};
struct invoice_index : strata::migration<"b4_invoice_index", "b3_account_name"> {
  static constexpr std::string_view allow = "require-concurrent-index-creation: invoices is created empty by b2 in the same rollout";
  static constexpr strata::sql up{"CREATE INDEX invoices_account_idx ON invoices (account)"};
  static constexpr strata::sql down{"DROP INDEX invoices_account_idx"};
};
struct seed : strata::migration<"b5_seed", "b4_invoice_index"> {
  static constexpr strata::sql up{"INSERT INTO accounts (id, email, name) VALUES (1, 'owner@example.com', current_schema())"};
  static constexpr strata::sql down{"DELETE FROM accounts WHERE id = 1"};
};
using fleet_bench_migrations = strata::registry<accounts, invoices, account_name, invoice_index, seed>;

int main(int argc, char** argv) { return strata::cli::main<fleet_bench_migrations>(argc, argv); }
