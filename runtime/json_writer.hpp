// A minimal streaming JSON writer for operator replies: objects, arrays, strings
// (escaped per RFC 8259), integers, booleans. Callers keep the nesting valid;
// commas are inserted automatically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nz {

class json_writer {
 public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  /// Writes `"k":` inside an object; the next value call supplies the value.
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view{s}); }
  json_writer& value(int64_t x);
  json_writer& value(uint64_t x);
  json_writer& value(int x) { return value(static_cast<int64_t>(x)); }
  json_writer& value(double x);
  json_writer& value(bool x);

  template <class T>
  json_writer& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }

  static std::string escape(std::string_view s);

 private:
  void separate();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool after_key_ = false;
};

}  // namespace nz
