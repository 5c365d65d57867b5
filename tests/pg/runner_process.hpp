#pragma once
// The migration runner as a process (strata_pg_runner SET URL), for the multi-process tests.

#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace strata::testing {

// Its standard output and error go to `output` when one is given.
inline pid_t spawn_runner(const std::string& set, const std::string& url, const std::string& output = "") {
  pid_t pid = 0;
  std::string runner = STRATA_PG_RUNNER;
  std::vector<char*> argv{runner.data(), const_cast<char*>(set.c_str()), const_cast<char*>(url.c_str()), nullptr};
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  if (!output.empty()) {
    posix_spawn_file_actions_addopen(&files, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
  }
  const int failed = posix_spawn(&pid, runner.c_str(), &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (failed != 0) throw std::runtime_error("spawn");
  return pid;
}

// Its exit code, or 128 + the signal that ended it.
inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace strata::testing
