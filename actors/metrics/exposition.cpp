#include "actors/metrics/exposition.hpp"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace nz::exposition {

std::string format_value(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  constexpr double exact_int_limit = 9007199254740992.0;  // 2^53
  if (std::trunc(v) == v && std::fabs(v) < exact_int_limit) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return fmt::format("{}", v);
}

void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view le) {
  if (names.empty() && le.empty()) {
    return;
  }
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += names[i];
    out += "=\"";
    append_label_value(out, values[i]);
    out += '"';
  }
  if (!le.empty()) {
    if (!names.empty()) {
      out += ',';
    }
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

namespace {

bool is_alpha_(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_alpha_(name[0]) || name[0] == ':')) {
    return false;
  }
  for (char c : name) {
    if (!(is_alpha_(c) || is_digit(c) || c == ':')) {
      return false;
    }
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !is_alpha_(name[0]) || name.substr(0, 2) == "__") {
    return false;
  }
  for (char c : name) {
    if (!(is_alpha_(c) || is_digit(c))) {
      return false;
    }
  }
  return true;
}

}  // namespace nz::exposition
