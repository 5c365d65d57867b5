#pragma once
// A migration with code bodies, beside the .sql files: strata_add_migrations lists it too.
#include <strata/strata.hpp>

namespace example {

struct add_display_name : strata::migration<"20240102_add_display_name", "20240101_create_users"> {
  static constexpr std::string_view description = "a display name, set by code";
  static void up(strata::transaction& tx) { tx.execute("ALTER TABLE users ADD COLUMN display_name text"); }
  static void down(strata::transaction& tx) { tx.execute("ALTER TABLE users DROP COLUMN display_name"); }
};

}  // namespace example
