#pragma once
// A dialect for the executor's tests: PostgreSQL's language, and a protocol whose transaction
// control, migration lock, history reads and writes are worded otherwise (each still valid
// PostgreSQL).
// A run of a registry<test_dialect, ...> that sent a word of PostgreSQL's own protocol would have
// taken it from somewhere other than the dialect.

#include <string>
#include <string_view>

#include <strata/backend/postgresql/dialect.hpp>

namespace strata::testing {

struct test_protocol : postgresql::protocol {
  static constexpr const char* begin_sql = "START TRANSACTION";
  static constexpr const char* commit_sql = "END";
  static constexpr const char* rollback_sql = "ABORT";
  static std::string try_lock_sql() { return "SELECT pg_try_advisory_lock(" + lock_key_sql() + ") AS test_lock"; }
  static std::string unlock_sql() { return "SELECT pg_advisory_unlock(" + lock_key_sql() + ") AS test_unlock"; }
  static std::string try_transaction_lock_sql() {
    return "SELECT pg_try_advisory_xact_lock(" + lock_key_sql() + ") AS test_transaction_lock";
  }
  std::string read_sql() const { return postgresql::protocol::read_sql() + " /* test history */"; }
  std::string digest_sql() const { return postgresql::protocol::digest_sql() + " /* test digest */"; }
  static std::string existing_sql() { return postgresql::protocol::existing_sql() + " /* test existing */"; }
  std::string create_sql() const { return postgresql::protocol::create_sql() + " /* test tables */"; }
  std::string states_of_sql() const { return postgresql::protocol::states_of_sql() + " /* test states */"; }
  std::string log_count_sql() const { return postgresql::protocol::log_count_sql() + " /* test log */"; }
  std::string log_without_history_sql() const {
    return postgresql::protocol::log_without_history_sql() + " /* test evidence */";
  }
  std::string record_sql(std::string_view action) const { return postgresql::protocol::record_sql(action) + " /* test */"; }
  std::string start_sql(std::string_view action, bool reverting) const {
    return postgresql::protocol::start_sql(action, reverting) + " /* test */";
  }
  std::string progress_sql() const { return postgresql::protocol::progress_sql() + " /* test */"; }
  std::string finish_sql(std::string_view action) const { return postgresql::protocol::finish_sql(action) + " /* test */"; }
  std::string erase_sql(std::string_view action, bool in_transaction = true) const {
    return postgresql::protocol::erase_sql(action, in_transaction) + " /* test */";
  }
  std::string repair_sql() const { return postgresql::protocol::repair_sql() + " /* test */"; }
};

struct test_dialect {
  static constexpr std::string_view name = "test";
  using language = postgresql::language;
  using protocol = test_protocol;
};
static_assert(dialect<test_dialect>);

}  // namespace strata::testing
