// Formats one log record as a line of text or JSON. Pure: the caller passes the
// time, and has already redacted component and message.
//
//   text: 2026-11-26T06:44:16.123Z INFO  [component] message
//   json: {"ts":"2026-11-26T06:44:16.123Z","level":"info","component":"c","msg":"m"}
//
// Lines never contain a raw newline: text lines escape control characters
// (\n, \r, \t, \xNN), JSON lines use JSON string escaping (and replace invalid
// UTF-8 with U+FFFD). Neither includes the trailing '\n'.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace nz::log {

enum class level : uint8_t { trace, debug, info, warn, error };

enum class format : uint8_t { text, json };

/// "trace", "debug", "info", "warn", "error".
std::string_view to_string(level x);

/// RFC 3339 UTC time with milliseconds, e.g. 2026-11-26T06:44:16.123Z.
std::string format_timestamp(std::chrono::system_clock::time_point t);

/// Appends `s` as the inside of a JSON string (no surrounding quotes).
void append_json_escaped(std::string& out, std::string_view s);

/// Appends `s` with control characters escaped so it stays on one line.
void append_text_escaped(std::string& out, std::string_view s);

std::string format_line(format f, std::chrono::system_clock::time_point t, level lvl,
                        std::string_view component, std::string_view msg);

}  // namespace nz::log
