// A SQL-standard function body (BEGIN ATOMIC ... END), which the splitter would cut at its ';'.
#include <strata/strata.hpp>
struct order_total : strata::migration<"0007_order_total"> {
#ifdef STRATA_EXPECT_FAIL
  static constexpr strata::sql up{
      "CREATE OR REPLACE FUNCTION order_total() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT 1; END"};
#else
  static constexpr strata::sql up{
      "CREATE OR REPLACE FUNCTION order_total() RETURNS bigint LANGUAGE sql AS $$ SELECT 1; $$"};
#endif
  static constexpr strata::sql down{"DROP FUNCTION order_total()"};
};
using app = strata::registry<order_total>;
static_assert(app::size == 1);
