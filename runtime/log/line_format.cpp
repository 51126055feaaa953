#include "runtime/log/line_format.hpp"

#include <ctime>

#include <fmt/format.h>

namespace nz::log {

std::string_view to_string(level x) {
  switch (x) {
    case level::trace:
      return "trace";
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "unknown";
}

namespace {

/// Upper case, padded to five columns.
std::string_view text_label(level x) {
  switch (x) {
    case level::trace:
      return "TRACE";
    case level::debug:
      return "DEBUG";
    case level::info:
      return "INFO ";
    case level::warn:
      return "WARN ";
    case level::error:
      return "ERROR";
  }
  return "?????";
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) {
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    return cont(1) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) {
      return 0;
    }
    if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) {
      return 0;  // overlong or UTF-16 surrogate
    }
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) {
      return 0;
    }
    if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F)) {
      return 0;  // overlong or above U+10FFFF
    }
    return 4;
  }
  return 0;
}

}  // namespace

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  auto millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

void append_json_escaped(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04x}", c);
        } else if (auto len = utf8_sequence(s, i); len == 0) {
          out += "\\ufffd";
        } else {
          out.append(s.substr(i, len));
          i += len;
          continue;
        }
    }
    ++i;
  }
}

void append_text_escaped(std::string& out, std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += ch;
        }
    }
  }
}

std::string format_line(format f, std::chrono::system_clock::time_point t, level lvl,
                        std::string_view component, std::string_view msg) {
  std::string out;
  out.reserve(48 + component.size() + msg.size());
  if (f == format::json) {
    out += "{\"ts\":\"";
    out += format_timestamp(t);
    out += "\",\"level\":\"";
    out += to_string(lvl);
    out += "\",\"component\":\"";
    append_json_escaped(out, component);
    out += "\",\"msg\":\"";
    append_json_escaped(out, msg);
    out += "\"}";
  } else {
    out += format_timestamp(t);
    out += ' ';
    out += text_label(lvl);
    out += " [";
    append_text_escaped(out, component);
    out += "] ";
    append_text_escaped(out, msg);
  }
  return out;
}

}  // namespace nz::log
