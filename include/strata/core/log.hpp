#pragma once
// Log levels and the sink every log line goes to.

#include <functional>
#include <string_view>

namespace strata {

enum class log_level { debug, info, warning, error };

constexpr const char* level_name(log_level l) noexcept {
  switch (l) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
  }
  return "info";
}

// Receives every log line, one line each, never with a password (core/redact.hpp).
using log_sink = std::function<void(log_level, std::string_view)>;

}  // namespace strata
