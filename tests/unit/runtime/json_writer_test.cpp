// json_writer: escaping per RFC 8259, nesting and automatic commas.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "runtime/json_writer.hpp"

using nz::json_writer;

TEST_CASE("escape quotes backslashes and the named control characters") {
  CHECK(json_writer::escape("plain") == "\"plain\"");
  CHECK(json_writer::escape("") == "\"\"");
  CHECK(json_writer::escape("a\"b") == R"("a\"b")");
  CHECK(json_writer::escape("a\\b") == R"("a\\b")");
  CHECK(json_writer::escape("a\nb\rc\td") == R"("a\nb\rc\td")");
}

namespace {

// Decodes a JSON string literal as escape() writes it (ASCII \u escapes only);
// nullopt if it is not a well-formed literal or contains a raw control byte.
std::optional<std::string> decode_literal(const std::string& lit) {
  if (lit.size() < 2 || lit.front() != '"' || lit.back() != '"') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < lit.size(); ++i) {
    auto c = static_cast<unsigned char>(lit[i]);
    if (c < 0x20 || c == '"') return std::nullopt;
    if (c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    if (++i + 1 >= lit.size()) return std::nullopt;
    switch (lit[i]) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        if (i + 5 >= lit.size()) return std::nullopt;
        auto code = std::stoul(lit.substr(i + 1, 4), nullptr, 16);
        if (code >= 0x80) return std::nullopt;
        out += static_cast<char>(code);
        i += 4;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("escape leaves no raw control character and every one decodes back") {
  for (int c = 0; c < 0x20; ++c) {
    std::string in = "a" + std::string(1, static_cast<char>(c)) + "b";
    CAPTURE(c);
    CHECK(decode_literal(json_writer::escape(in)) == in);
  }
  std::string nul{"a\0b", 3};
  CHECK(decode_literal(json_writer::escape(nul)) == nul);
  CHECK(json_writer::escape("\x01") == R"("\u0001")");
  CHECK(json_writer::escape("\x1f") == R"("\u001f")");
}

TEST_CASE("escape keeps DEL decodable and passes valid UTF-8 through unchanged") {
  CHECK(decode_literal(json_writer::escape("\x7f")) == std::string{"\x7f"});
  CHECK(json_writer::escape("gr\xc3\xbc\xc3\x9f \xe2\x82\xac")
        == "\"gr\xc3\xbc\xc3\x9f \xe2\x82\xac\"");
}

TEST_CASE("escape never emits bytes that are not UTF-8") {
  auto out = json_writer::escape("bad \xff\xfe byte \xc3");
  CHECK(out.find('\xff') == std::string::npos);
  CHECK(out.find('\xfe') == std::string::npos);
  CHECK(out.back() == '"');
  CHECK(out.find("bad ") == 1);
}

TEST_CASE("objects and arrays nest with commas only between siblings") {
  json_writer w;
  w.begin_object();
  w.field("a", 1);
  w.key("b").begin_array();
  w.value(1).value("x").begin_object().end_object().begin_array().end_array();
  w.end_array();
  w.field("c", true);
  w.key("d").begin_object().field("e", "f").field("g", false).end_object();
  w.end_object();
  CHECK(w.str() == R"({"a":1,"b":[1,"x",{},[]],"c":true,"d":{"e":"f","g":false}})");
}

TEST_CASE("empty containers and top-level arrays of containers are written correctly") {
  json_writer w;
  w.begin_array()
      .begin_array()
      .end_array()
      .begin_array()
      .value(1)
      .value(2)
      .end_array()
      .begin_object()
      .end_object()
      .end_array();
  CHECK(w.str() == "[[],[1,2],{}]");
  json_writer e;
  e.begin_object().end_object();
  CHECK(e.str() == "{}");
}

TEST_CASE("keys are escaped like strings") {
  json_writer w;
  w.begin_object().field("we\"ird\n", "v\x01").end_object();
  CHECK(w.str() == R"({"we\"ird\n":"v\u0001"})");
}

TEST_CASE("integers keep their full range") {
  json_writer w;
  w.begin_array()
      .value(std::numeric_limits<int64_t>::min())
      .value(std::numeric_limits<uint64_t>::max())
      .value(-7)
      .value(int64_t{0})
      .end_array();
  CHECK(w.str() == "[-9223372036854775808,18446744073709551615,-7,0]");
}

TEST_CASE("doubles round-trip and non-finite doubles become null") {
  json_writer w;
  w.begin_array()
      .value(0.5)
      .value(std::numeric_limits<double>::infinity())
      .value(std::numeric_limits<double>::quiet_NaN())
      .value(-2.0)
      .end_array();
  CHECK(w.str() == "[0.5,null,null,-2]");
}

TEST_CASE("a value after a key in an object gets no comma") {
  json_writer w;
  w.begin_object().key("k").value(std::string_view{"v"}).key("n").value(uint64_t{3});
  w.end_object();
  CHECK(w.str() == R"({"k":"v","n":3})");
}
