#include "runtime/json_writer.hpp"

#include "runtime/log/line_format.hpp"

#include <cmath>
#include <cstdio>

namespace nz {

std::string json_writer::escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  log::append_json_escaped(out, s);
  out += '"';
  return out;
}

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

json_writer& json_writer::begin_object() {
  separate();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

json_writer& json_writer::begin_array() {
  separate();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

json_writer& json_writer::key(std::string_view k) {
  separate();
  out_ += escape(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view s) {
  separate();
  out_ += escape(s);
  return *this;
}

json_writer& json_writer::value(int64_t x) {
  separate();
  out_ += std::to_string(x);
  return *this;
}

json_writer& json_writer::value(uint64_t x) {
  separate();
  out_ += std::to_string(x);
  return *this;
}

json_writer& json_writer::value(double x) {
  separate();
  if (!std::isfinite(x)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  out_ += buf;
  return *this;
}

json_writer& json_writer::value(bool x) {
  separate();
  out_ += x ? "true" : "false";
  return *this;
}

}  // namespace nz
