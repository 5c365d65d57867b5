#pragma once
// strata::sqlite::connection: the model of strata::connection on SQLite's C library. The only
// file that includes sqlite3.h; the one place where SQLite's result codes become strata errors
// (the extended code's name as the error's state).

#include <chrono>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#define STRATA_ADAPTER_SQLITE 1  // <strata/testing.hpp> adds the SQLite kit

#include "../backend/sqlite/dialect.hpp"
#include "../core/connection.hpp"
#include "../core/errors.hpp"
#include "../core/redact.hpp"
#include "access.hpp"

namespace strata::sqlite {

// How an owned connection is opened.
struct connection_options {
  // How long a statement waits for another process's write lock before SQLITE_BUSY. strata's
  // own migration lock waits longer (options.lock_timeout), trying again after each busy wait.
  std::chrono::milliseconds busy_timeout{std::chrono::seconds(5)};
  bool foreign_keys = true;  // PRAGMA foreign_keys = ON for the connection (SQLite's default is off)
};

namespace detail {

// SQLite's extended result code by name ("SQLITE_CONSTRAINT_FOREIGNKEY"); for a plain
// SQLITE_ERROR, the kind its message names, where the executor needs to tell them apart.
inline std::string state_of(int code, std::string_view message) {
  static constexpr struct {
    int code;
    const char* name;
  } names[] = {
      {SQLITE_ERROR, "SQLITE_ERROR"}, {SQLITE_INTERNAL, "SQLITE_INTERNAL"}, {SQLITE_PERM, "SQLITE_PERM"},
      {SQLITE_ABORT, "SQLITE_ABORT"}, {SQLITE_BUSY, "SQLITE_BUSY"}, {SQLITE_LOCKED, "SQLITE_LOCKED"},
      {SQLITE_NOMEM, "SQLITE_NOMEM"}, {SQLITE_READONLY, "SQLITE_READONLY"}, {SQLITE_INTERRUPT, "SQLITE_INTERRUPT"},
      {SQLITE_IOERR, "SQLITE_IOERR"}, {SQLITE_CORRUPT, "SQLITE_CORRUPT"}, {SQLITE_NOTFOUND, "SQLITE_NOTFOUND"},
      {SQLITE_FULL, "SQLITE_FULL"}, {SQLITE_CANTOPEN, "SQLITE_CANTOPEN"}, {SQLITE_PROTOCOL, "SQLITE_PROTOCOL"},
      {SQLITE_SCHEMA, "SQLITE_SCHEMA"}, {SQLITE_TOOBIG, "SQLITE_TOOBIG"}, {SQLITE_CONSTRAINT, "SQLITE_CONSTRAINT"},
      {SQLITE_MISMATCH, "SQLITE_MISMATCH"}, {SQLITE_MISUSE, "SQLITE_MISUSE"}, {SQLITE_RANGE, "SQLITE_RANGE"},
      {SQLITE_NOTADB, "SQLITE_NOTADB"}, {SQLITE_BUSY_SNAPSHOT, "SQLITE_BUSY_SNAPSHOT"},
      {SQLITE_BUSY_RECOVERY, "SQLITE_BUSY_RECOVERY"}, {SQLITE_LOCKED_SHAREDCACHE, "SQLITE_LOCKED_SHAREDCACHE"},
      {SQLITE_READONLY_DBMOVED, "SQLITE_READONLY_DBMOVED"}, {SQLITE_CONSTRAINT_CHECK, "SQLITE_CONSTRAINT_CHECK"},
      {SQLITE_CONSTRAINT_FOREIGNKEY, "SQLITE_CONSTRAINT_FOREIGNKEY"}, {SQLITE_CONSTRAINT_NOTNULL, "SQLITE_CONSTRAINT_NOTNULL"},
      {SQLITE_CONSTRAINT_PRIMARYKEY, "SQLITE_CONSTRAINT_PRIMARYKEY"}, {SQLITE_CONSTRAINT_UNIQUE, "SQLITE_CONSTRAINT_UNIQUE"},
      {SQLITE_CONSTRAINT_TRIGGER, "SQLITE_CONSTRAINT_TRIGGER"}, {SQLITE_IOERR_READ, "SQLITE_IOERR_READ"},
      {SQLITE_IOERR_WRITE, "SQLITE_IOERR_WRITE"}, {SQLITE_IOERR_FSYNC, "SQLITE_IOERR_FSYNC"},
  };
  std::string name;
  for (const auto& n : names)
    if (n.code == code) name = n.name;
  if (name.empty()) {
    for (const auto& n : names)
      if (n.code == (code & 0xff)) name = n.name;
    name = (name.empty() ? std::string("SQLITE") : name) + " (extended code " + std::to_string(code) + ")";
  }
  if (code == SQLITE_ERROR) {
    for (std::string_view kind : {"no such table", "no such column", "already exists"})
      if (message.find(kind) != std::string_view::npos) return name + " (" + std::string(kind) + ")";
  }
  return name;
}

}  // namespace detail

// The path of a connection URL: sqlite:///abs/path.db, sqlite:relative.db, sqlite::memory:, or
// a plain path; a query (?mode=ro) makes it an SQLite URI (file:...). Nothing else is a secret
// in it: SQLite has no password.
inline std::string path_of_url(std::string_view url) {
  if (url.starts_with("sqlite://")) url.remove_prefix(9);  // an empty authority: the path follows
  else if (url.starts_with("sqlite:")) url.remove_prefix(7);
  if (const std::size_t q = url.find('?'); q != std::string_view::npos && url != ":memory:")
    return "file:" + std::string(url);
  return std::string(url);
}
inline bool is_url(std::string_view text) { return text.starts_with("sqlite:"); }

class connection {
 public:
  using dialect = sqlite::dialect;

  // Opens (creating it when missing) the database file `path`, ":memory:", or an sqlite: URL.
  // Throws strata::connection_error naming the file.
  explicit connection(const std::string& path, connection_options o = {}) {
    const std::string file = path_of_url(path);
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI;
    const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw connection_error("could not open the SQLite database " + file + ": " + message + " [" +
                                 detail::state_of(rc, message) + "]",
                             false);
    }
    owned_ = true;
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(o.busy_timeout.count()));
    try {
      if (o.foreign_keys) execute("PRAGMA foreign_keys = ON");
    } catch (...) {  // a constructor that throws runs no destructor
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw;
    }
  }
  // Borrows the application's own connection (its busy timeout and foreign_keys as they are); it
  // must outlive this object.
  explicit connection(sqlite3* borrowed) : db_(borrowed) { sqlite3_extended_result_codes(db_, 1); }

  connection(connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)), owned_(other.owned_) {}
  connection& operator=(connection&&) = delete;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() {
    if (owned_ && db_) sqlite3_close_v2(db_);
  }

  sqlite3* handle() const noexcept { return db_; }

  // Runs every statement of `text`.
  void execute(std::string_view text) { run(text, {}, nullptr); }

  // Runs every statement of `text`, binding $1, $2, ... (and ?1, ?2, ...) to params; returns the
  // rows of the last statement that returns columns.
  rows query(std::string_view text, std::span<const value> params) {
    rows out;
    run(text, params, &out);
    return out;
  }

 private:
  struct statement {
    sqlite3_stmt* s = nullptr;
    ~statement() { sqlite3_finalize(s); }
  };

  [[noreturn]] void fail(std::string_view sql, int offset_base) const {
    const int code = sqlite3_extended_errcode(db_);
    const std::string message = sqlite3_errmsg(db_);
#if SQLITE_VERSION_NUMBER >= 3038000
    const int offset = sqlite3_error_offset(db_);
#else
    const int offset = -1;
#endif
    throw database_error(message, detail::state_of(code, message), std::string(sql),
                         offset >= 0 ? static_cast<std::size_t>(offset + offset_base + 1) : 0);
  }

  void run(std::string_view text, std::span<const value> params, rows* out) {
    const char* at = text.data();
    const char* const end = text.data() + text.size();
    while (at < end) {
      statement st;
      const char* tail = nullptr;
      if (sqlite3_prepare_v2(db_, at, static_cast<int>(end - at), &st.s, &tail) != SQLITE_OK)
        fail(std::string_view(at, static_cast<std::size_t>(end - at)), 0);
      const std::string_view sql(at, static_cast<std::size_t>(tail - at));
      at = tail;
      if (st.s == nullptr) continue;  // blanks or a comment
      for (int i = 1; i <= sqlite3_bind_parameter_count(st.s); ++i) {
        const char* name = sqlite3_bind_parameter_name(st.s, i);
        const std::size_t n = name && name[1] ? static_cast<std::size_t>(std::atoi(name + 1)) : static_cast<std::size_t>(i);
        if (n == 0 || n > params.size()) continue;  // unbound: NULL
        const value& v = params[n - 1];
        if (v) sqlite3_bind_text(st.s, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
      }
      const int columns = sqlite3_column_count(st.s);
      if (out && columns > 0) out->clear();
      for (;;) {
        const int rc = sqlite3_step(st.s);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) fail(sql, 0);
        if (!out) continue;
        row r;
        r.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) {
          if (sqlite3_column_type(st.s, c) == SQLITE_NULL) {
            r.emplace_back(std::nullopt);
            continue;
          }
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st.s, c));
          r.emplace_back(std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st.s, c))));
        }
        out->push_back(std::move(r));
      }
    }
  }

  sqlite3* db_ = nullptr;
  bool owned_ = false;
};

}  // namespace strata::sqlite

namespace strata {

// The command line on SQLite (adapters/access.hpp): DATABASE_URL=sqlite:///path/app.db,
// sqlite:relative.db or sqlite::memory:. An SQLite URL holds no password; any other text is
// read for one all the same, as the strings a PostgreSQL URL would spell.
template <>
struct database_access<sqlite::dialect> {
  using connection = sqlite::connection;
  static connection open(const std::string& url) { return connection{url}; }
  static secret_filter secrets_of(std::string_view text) {
    secret_filter secrets;
    if (!sqlite::is_url(text))
      for (const auto& s : detail::spelled_secrets(text)) secrets.add(s);
    return secrets;
  }
  static void check_url(const std::string& url) {
    if (!sqlite::is_url(url) || sqlite::path_of_url(url).empty())
      throw config_error("the database URL is not an SQLite one (" + std::string(url_example) + ", or sqlite::memory:)");
  }
  static constexpr std::string_view url_example = "sqlite:///path/app.db";
  static constexpr bool has_schemas = false;
};

}  // namespace strata
