#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "runtime/log/line_format.hpp"

using namespace nz::log;

namespace {

std::chrono::system_clock::time_point sample_time() {
  // 2026-11-26T06:44:16.123Z
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{1795675456123}};
}

}  // namespace

TEST_CASE("timestamps are RFC 3339 UTC with milliseconds") {
  CHECK(format_timestamp(sample_time()) == "2026-11-26T06:44:16.123Z");
  CHECK(format_timestamp(std::chrono::system_clock::time_point{})
        == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("text lines have time, padded level, component and message") {
  CHECK(format_line(format::text, sample_time(), level::info, "storage", "opened x")
        == "2026-11-26T06:44:16.123Z INFO  [storage] opened x");
  CHECK(format_line(format::text, sample_time(), level::error, "a", "b")
        == "2026-11-26T06:44:16.123Z ERROR [a] b");
}

TEST_CASE("text lines escape control characters so one record stays one line") {
  auto line =
      format_line(format::text, sample_time(), level::warn, "c", "two\nlines\r\tand\x01");
  CHECK(line == "2026-11-26T06:44:16.123Z WARN  [c] two\\nlines\\r\\tand\\x01");
}

TEST_CASE("json lines carry ts, level, component and msg") {
  CHECK(format_line(format::json, sample_time(), level::debug, "net", "hello")
        == R"({"ts":"2026-11-26T06:44:16.123Z","level":"debug","component":"net",)"
           R"("msg":"hello"})");
}

TEST_CASE("json escaping covers quotes, backslashes and every control character") {
  std::string out;
  static constexpr char in[] = "q\"b\\n\nr\rt\tb\bf\f\x01\x1f\x7f z\0";
  append_json_escaped(out, std::string_view{in, sizeof(in) - 1});
  CHECK(out == "q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\\u007f z\\u0000");
}

TEST_CASE("json escaping keeps valid UTF-8 and replaces invalid bytes") {
  std::string out;
  append_json_escaped(out, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(out == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  out.clear();
  append_json_escaped(out,
                      "a\xff"
                      "b\xc3"
                      "c\xed\xa0\x80"
                      "d\xc0\xaf");
  CHECK(out == "a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd");
}
