// json_lite: what it accepts, and the hostile inputs it must refuse without
// crashing, recursing without bound or allocating without bound.
#include <doctest/doctest.h>

#include <random>

#include "actors/peer/noise/json_lite.hpp"

using namespace nz::peer::noise;

namespace {

bool parses(std::string_view text, const json_limits& lim = {}) {
  return static_cast<bool>(parse_json(text, lim));
}

}  // namespace

TEST_CASE("parses the values the vector format needs") {
  auto r = parse_json(R"( {"vectors": [ {"name": "x", "n": -1.5e+3, "t": true,
                          "f": false, "z": null, "a": [], "o": {}} ] } )");
  REQUIRE(r);
  const json_value* vs = r->find("vectors");
  REQUIRE(vs != nullptr);
  REQUIRE(vs->is_array());
  REQUIRE(vs->items.size() == 1);
  const json_value& v = vs->items[0];
  CHECK(v.find("name")->text == "x");
  CHECK(v.find("n")->type == json_value::kind::number);
  CHECK(v.find("n")->text == "-1.5e+3");
  CHECK(v.find("t")->boolean);
  CHECK_FALSE(v.find("f")->boolean);
  CHECK(v.find("z")->is_null());
  CHECK(v.find("a")->is_array());
  CHECK(v.find("o")->is_object());
  CHECK(v.find("missing") == nullptr);
  CHECK(vs->find("x") == nullptr);  // not an object
}

TEST_CASE("any value may stand at the top level") {
  for (const char* ok : {"0", "-0", "12", "1.25", "1e5", "1E-5", "\"s\"", "true", "null",
                         "[1,2]", " \t\r\n{} \n"})
    CHECK_MESSAGE(parses(ok), ok);
}

TEST_CASE("string escapes decode to UTF-8, surrogate pairs included") {
  auto r = parse_json(R"("a\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00")");
  REQUIRE(r);
  CHECK(r->text == "a\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  auto raw = parse_json("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
  REQUIRE(raw);
  CHECK(raw->text == "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST_CASE("malformed documents are refused with an offset") {
  for (const char* bad : {"",
                          "   ",
                          "{",
                          "[",
                          "[1,]",
                          "{\"a\":1,}",
                          "{\"a\" 1}",
                          "{a:1}",
                          "{'a':1}",
                          "[1 2]",
                          "01",
                          "-",
                          "1.",
                          ".5",
                          "1e",
                          "+1",
                          "NaN",
                          "Infinity",
                          "tru",
                          "nul",
                          "True",
                          "\"abc",
                          "\"\\x\"",
                          "\"\\u12\"",
                          "\"\\u12g4\"",
                          "\"a\nb\"",
                          "\"\t\"",
                          "[1] [2]",
                          "{} x",
                          "// c\n{}",
                          "/* c */ {}",
                          "\xef\xbb\xbf{}",
                          "{\"a\":1,\"a\":2}"}) {
    auto r = parse_json(bad);
    CAPTURE(bad);
    CHECK_FALSE(r);
  }
  auto r = parse_json("[1, 2, x]");
  REQUIRE_FALSE(r);
  CHECK(r.error().offset == 7);
}

TEST_CASE("invalid UTF-8 and lone surrogates are refused") {
  for (const char* bad : {"\"\xc0\x80\"",              // overlong NUL
                          "\"\xc1\xbf\"",              // overlong
                          "\"\xe0\x80\xaf\"",          // overlong '/'
                          "\"\xed\xa0\x80\"",          // encoded surrogate
                          "\"\xf4\x90\x80\x80\"",      // above U+10FFFF
                          "\"\xf8\x88\x80\x80\x80\"",  // 5-byte form
                          "\"\x80\"",                  // stray continuation
                          "\"\xc3\"",                  // truncated sequence
                          "\"\xe2\x82\"",              // truncated sequence
                          "\"\\ud83d\"",               // lone high surrogate
                          "\"\\ude00\"",               // lone low surrogate
                          "\"\\ud83d\\u0041\""})       // high + non-low
  {
    CAPTURE(bad);
    CHECK_FALSE(parses(bad));
  }
}

TEST_CASE("nesting deeper than the limit is refused without deep recursion") {
  json_limits lim;
  lim.max_depth = 64;
  CHECK(parses(std::string(64, '[') + std::string(64, ']'), lim));
  CHECK_FALSE(parses(std::string(65, '[') + std::string(65, ']'), lim));
  // A hostile million-deep document stops at the limit.
  std::string deep(1'000'000, '[');
  auto r = parse_json(deep);
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "nesting too deep");
  std::string objs;
  for (int i = 0; i < 100; ++i) objs += "{\"a\":";
  CHECK_FALSE(parses(objs + "1" + std::string(100, '}'), lim));
}

TEST_CASE("input, string and value-count limits are enforced") {
  json_limits lim;
  lim.max_input = 100;
  CHECK(parses(std::string(98, ' ') + "[]", lim));
  auto big = parse_json(std::string(99, ' ') + "[]", lim);
  REQUIRE_FALSE(big);
  CHECK(big.error().message == "input over the size limit");

  json_limits s;
  s.max_string = 10;
  CHECK(parses("\"0123456789\"", s));
  CHECK_FALSE(parses("\"0123456789a\"", s));
  CHECK_FALSE(parses("12345678901", s));

  json_limits v;
  v.max_values = 5;
  CHECK(parses("[1,2,3,4]", v));
  CHECK_FALSE(parses("[1,2,3,4,5]", v));
  CHECK_FALSE(parses("{\"a\":{\"b\":[1,2,3]}}", v));
}

TEST_CASE("a huge object checks duplicate keys in n log n") {
  std::string doc = "{";
  for (int i = 0; i < 100000; ++i)
    doc += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  doc += "}";
  auto r = parse_json(doc);
  REQUIRE(r);
  CHECK(r->keys.size() == 100000);
  doc.back() = ',';
  doc += "\"k99999\":1}";
  CHECK_FALSE(parses(doc));
}

TEST_CASE("random mutations of a valid document never crash the parser") {
  const std::string base =
      R"({"vectors":[{"protocol_name":"Noise_XX_25519_ChaChaPoly_BLAKE2b","messages":[{"payload":"00","ciphertext":"ab"}],"x":[1.5,-2e3,true,false,null,"\u00e9"]}]})";
  std::mt19937 rng{12345};
  size_t ok = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string doc = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % doc.size();
      switch (rng() % 3) {
        case 0:
          doc[pos] = static_cast<char>(rng() % 256);
          break;
        case 1:
          doc.erase(pos, 1 + rng() % 3);
          break;
        default:
          doc.insert(pos, 1, "{}[]\",:\\u0"[rng() % 11]);
      }
      if (doc.empty()) doc = "x";
    }
    if (parse_json(doc)) ++ok;
  }
  CHECK(ok < 20000);  // most mutations break the document; none may crash
}
