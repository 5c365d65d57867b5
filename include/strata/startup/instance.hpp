#pragma once
// A service instance's registration (README "Rolling deploys"): at start-up, before the history
// is read, the instance writes its row (release = its registry's head) in the instances table;
// a heartbeat thread renews it every `instance_heartbeat`, and it counts for three of them after
// the last; at a clean exit the row is deleted. A row, not a held session or an advisory lock, so
// that it works the same through a pooler in transaction mode, and costs a request nothing.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <unistd.h>

#include "../adapters/pqxx.hpp"
#include "../core/log.hpp"
#include "../exec/dialect.hpp"
#include "../exec/history.hpp"

namespace strata::detail {

// How long a row counts after its last heartbeat: three heartbeats, so that one lost does not
// drop a live instance.
inline constexpr int heartbeats_counted = 3;

struct instance_identity {
  std::string id, release, host;
  long long pid = 0;
};

inline instance_identity this_instance(std::string_view release) {
  std::random_device random;
  char id[17];
  std::snprintf(id, sizeof id, "%08x%08x", random(), random());
  char host[256] = "unknown";
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown");
  host[sizeof host - 1] = '\0';
  return {id, std::string(release), host, static_cast<long long>(getpid())};
}

// Writes (or renews) the instance's row, creating the table on first use; two instances creating
// it at once is harmless.
template <connection C>
void write_registration(C& conn, const options& o, const instance_identity& me, std::chrono::milliseconds heartbeat) {
  using D = protocol_for<C>;
  const D t = tables_of<D>(o);
  const std::vector<value> params{me.id, me.release, me.host, std::to_string(me.pid),
                                  std::to_string(heartbeat.count() * heartbeats_counted)};
  try {
    conn.query(t.register_instance_sql(), params);
    return;
  } catch (const database_error& e) {
    if (!D::undefined_table(e.sqlstate())) throw;
  }
  try {
    conn.execute(t.create_instances_sql());
  } catch (const database_error& e) {
    if (!D::duplicate_object(e.sqlstate())) throw;
  }
  conn.query(t.register_instance_sql(), params);
}

template <connection C>
void erase_registration(C& conn, const options& o, const instance_identity& me) {
  using D = protocol_for<C>;
  conn.query(tables_of<D>(o).deregister_instance_sql(), std::vector<value>{me.id});
}

// The heartbeat: a thread renewing the row on a connection of its own, opened for each beat (an
// instance keeps no idle server connection); the row is deleted when it stops.
class instance_heartbeat {
 public:
  instance_heartbeat(std::string url, options o, instance_identity me, std::chrono::milliseconds every)
      : url_(std::move(url)), options_(std::move(o)), me_(std::move(me)), every_(every), thread_([this] { beat(); }) {}
  instance_heartbeat(const instance_heartbeat&) = delete;
  instance_heartbeat& operator=(const instance_heartbeat&) = delete;
  ~instance_heartbeat() {
    {
      std::lock_guard<std::mutex> hold(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    try {
      pq::connection conn{url_};
      erase_registration(conn, options_, me_);
    } catch (const std::exception& e) {  // it stops counting when its row expires
      log(options_, log_level::warning, std::string("could not deregister this instance: ") + e.what());
    }
  }

 private:
  void beat() {
    std::unique_lock<std::mutex> hold(mutex_);
    while (!wake_.wait_for(hold, every_, [this] { return stopping_; })) {
      hold.unlock();
      try {
        pq::connection conn{url_};
        write_registration(conn, options_, me_, every_);
      } catch (const std::exception& e) {
        log(options_, log_level::warning, std::string("instance heartbeat failed (retried at the next one): ") + e.what());
      }
      hold.lock();
    }
  }

  std::string url_;
  options options_;
  instance_identity me_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The registrations of this process, one per database, history and release, kept until the
// process exits: the one process-wide object of strata, because an instance is registered for as
// long as its process runs, whatever the caller keeps of the start-up's report.
class process_registrations {
 public:
  static process_registrations& of_this_process() {
    static process_registrations all;
    return all;
  }
  // The identity registered under `key`, or a new one (with `started` set).
  instance_identity identity(const std::string& key, std::string_view release, bool& started) {
    std::lock_guard<std::mutex> hold(mutex_);
    const auto found = identities_.find(key);
    started = found == identities_.end();
    if (started) return identities_.emplace(key, this_instance(release)).first->second;
    return found->second;
  }
  void keep(const std::string& key, std::unique_ptr<instance_heartbeat> heartbeat) {
    std::lock_guard<std::mutex> hold(mutex_);
    if (!heartbeats_.count(key)) heartbeats_.emplace(key, std::move(heartbeat));
    // Stopped by a handler registered now, after the database library set itself up (its TLS
    // library cleans up at exit too, and handlers run last registered first).
    if (!stop_at_exit_) stop_at_exit_ = std::atexit([] { of_this_process().stop_all(); }) == 0;
  }
  void stop_all() {
    std::map<std::string, std::unique_ptr<instance_heartbeat>> gone;
    std::lock_guard<std::mutex> hold(mutex_);
    gone.swap(heartbeats_);
    identities_.clear();
  }
  void forget(const std::string& key) {
    std::unique_ptr<instance_heartbeat> gone;
    std::lock_guard<std::mutex> hold(mutex_);
    if (const auto h = heartbeats_.find(key); h != heartbeats_.end()) {
      gone = std::move(h->second);
      heartbeats_.erase(h);
    }
    identities_.erase(key);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, instance_identity> identities_;
  std::map<std::string, std::unique_ptr<instance_heartbeat>> heartbeats_;
  bool stop_at_exit_ = false;
};

}  // namespace strata::detail
