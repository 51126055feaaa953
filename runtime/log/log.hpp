// Process-wide logger: levels, text or JSON lines, stderr and an optional
// append-only file, a ring of recent lines for crash reports, and redaction of
// secrets (see redactor.hpp) applied to every line before it is written or kept.
//
//   nz::log::info("storage", "opened {} in {} ms", dir, ms);
//
// Threading: every function is safe from any thread. Lines from concurrent
// callers never interleave: each line reaches each sink with one write(2).
// The level check is a relaxed atomic load; disabled levels cost no formatting.
//
// Contracts:
//   - Logging never throws and never blocks on anything but the sink lock and
//     the write itself. A formatting failure logs "<log format error: ...>".
//   - Secrets registered with add_secret (>= 6 bytes; shorter ones are ignored
//     because they cause too many false hits) never appear in an emitted line,
//     nor as lower/upper-case hex or base64. Values of sensitive keys
//     (token=, password: , "secret":"...", ...) are replaced by [REDACTED].
//     Secrets live only in memory and are wiped on clear_secrets().
//   - The default is level info, text format, stderr on, no file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "runtime/log/line_format.hpp"

namespace nz::log {

inline constexpr size_t recent_capacity = 200;

// -- configuration ------------------------------------------------------------

/// Parses "trace", "debug", "info", "warn"/"warning", "error" (any case).
std::optional<level> parse_level(std::string_view s);

/// Parses "text" or "json" (any case).
std::optional<format> parse_format(std::string_view s);

/// Lines below `lvl` are dropped. Takes effect at once (SIGHUP reload uses it).
void set_level(level lvl);
level get_level();
bool enabled(level lvl);

void set_format(format f);
format get_format();

/// Turns the stderr sink on or off (tests turn it off).
void set_stderr(bool on);

/// Appends lines to `path` as well, creating it with mode 0600; an existing file
/// with group/other permissions is narrowed to 0600. Replaces a previous file.
/// Returns the errno-based error if the file cannot be opened.
[[nodiscard]] std::error_code open_file(const std::string& path);

/// Stops writing to the file, if any.
void close_file();

// -- redaction ----------------------------------------------------------------

/// Registers a secret value (kept in memory only). Returns false if ignored
/// (shorter than 6 bytes, or already registered).
bool add_secret(std::string_view secret);

/// Wipes and forgets every registered secret.
void clear_secrets();

/// The redaction every line gets (secrets, then sensitive keys).
std::string redact(std::string_view text);

// -- logging ------------------------------------------------------------------

/// Redacts, formats and writes one record if `lvl` is enabled.
void write(level lvl, std::string_view component, std::string_view msg);

/// Formats with fmt and writes; catches formatting errors.
void vlog(level lvl, std::string_view component, fmt::string_view f,
          fmt::format_args args) noexcept;

template <class... Ts>
void log(level lvl, std::string_view component, fmt::format_string<Ts...> f, Ts&&... xs) {
  if (enabled(lvl)) {
    vlog(lvl, component, f, fmt::make_format_args(xs...));
  }
}

template <class... Ts>
void trace(std::string_view component, fmt::format_string<Ts...> f, Ts&&... xs) {
  log(level::trace, component, f, std::forward<Ts>(xs)...);
}

template <class... Ts>
void debug(std::string_view component, fmt::format_string<Ts...> f, Ts&&... xs) {
  log(level::debug, component, f, std::forward<Ts>(xs)...);
}

template <class... Ts>
void info(std::string_view component, fmt::format_string<Ts...> f, Ts&&... xs) {
  log(level::info, component, f, std::forward<Ts>(xs)...);
}

template <class... Ts>
void warn(std::string_view component, fmt::format_string<Ts...> f, Ts&&... xs) {
  log(level::warn, component, f, std::forward<Ts>(xs)...);
}

template <class... Ts>
void error(std::string_view component, fmt::format_string<Ts...> f, Ts&&... xs) {
  log(level::error, component, f, std::forward<Ts>(xs)...);
}

// -- crash reports ------------------------------------------------------------

/// The last recent_capacity emitted lines (redacted, without '\n'), oldest first.
std::vector<std::string> recent();

/// Empties the ring of recent lines (tests).
void clear_recent();

}  // namespace nz::log
