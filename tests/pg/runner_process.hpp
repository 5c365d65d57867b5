#pragma once
// The migration runner as a process (strata_pg_runner SET URL), for the multi-process tests.

#include <stdexcept>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace strata::testing {

inline pid_t spawn_runner(const std::string& set, const std::string& url) {
  pid_t pid = 0;
  std::string runner = STRATA_PG_RUNNER;
  std::vector<char*> argv{runner.data(), const_cast<char*>(set.c_str()), const_cast<char*>(url.c_str()), nullptr};
  if (posix_spawn(&pid, runner.c_str(), nullptr, nullptr, argv.data(), environ) != 0) throw std::runtime_error("spawn");
  return pid;
}

// Its exit code, or 128 + the signal that ended it.
inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace strata::testing
