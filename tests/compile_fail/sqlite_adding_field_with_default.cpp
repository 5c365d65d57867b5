// SQLite's lint rule adding-field-with-default: the unsafe statement fails naming the rule; the safe alternative and
// the allowed form compile.
#include "sqlite_base.hpp"
#ifdef STRATA_EXPECT_FAIL
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN created_at TEXT DEFAULT (datetime('now'))"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<strata::sqlite::dialect, base, change>;
#else
struct change : strata::migration<"0002_change", "0001_base"> {
  static constexpr strata::sql up{"ALTER TABLE users ADD COLUMN created_at TEXT DEFAULT '1970-01-01';\nALTER TABLE users ADD COLUMN score INTEGER DEFAULT (-1)"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct allowed : strata::migration<"0003_allowed", "0002_change"> {
  static constexpr strata::sql up{"-- strata:allow adding-field-with-default: reviewed\nALTER TABLE users ADD COLUMN created_at TEXT DEFAULT (datetime('now'))"};
  static constexpr strata::sql down{"SELECT 1"};
};
struct words : strata::migration<"0004_words", "0003_allowed"> {  // quoted, commented: never read as statements
  static constexpr strata::sql up{"SELECT 'DROP TABLE users; ALTER TABLE users ALTER COLUMN x', [ALTER COLUMN] FROM users -- PRAGMA foreign_keys = OFF"};
  static constexpr strata::sql down{"SELECT 1"};
};
using app = strata::registry<strata::sqlite::dialect, base, change, allowed, words>;
static_assert(app::size == 4);
#endif
