#include "actors/peer/noise/json_lite.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <utility>

namespace nz::peer::noise {

namespace {

class parser {
 public:
  parser(std::string_view in, const json_limits& limits) : in_(in), lim_(limits) {}

  json_result document() {
    if (in_.size() > lim_.max_input) return fail("input over the size limit");
    json_value v;
    skip_ws();
    if (!value(v, 1)) return std::move(*err_);
    skip_ws();
    if (pos_ != in_.size()) return fail("trailing characters after the value");
    return v;
  }

 private:
  json_error fail(std::string message) { return json_error{pos_, std::move(message)}; }
  bool error(std::string message) {
    if (!err_) err_ = fail(std::move(message));
    return false;
  }

  bool at_end() const { return pos_ >= in_.size(); }
  char peek() const { return in_[pos_]; }

  void skip_ws() {
    while (!at_end()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return error("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool value(json_value& out, size_t depth) {
    if (++values_ > lim_.max_values) return error("too many values");
    if (depth > lim_.max_depth) return error("nesting too deep");
    if (at_end()) return error("unexpected end of input");
    switch (peek()) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"':
        out.type = json_value::kind::string;
        return string(out.text);
      case 't':
        out.type = json_value::kind::boolean;
        out.boolean = true;
        return literal("true");
      case 'f':
        out.type = json_value::kind::boolean;
        return literal("false");
      case 'n':
        out.type = json_value::kind::null;
        return literal("null");
      default:
        out.type = json_value::kind::number;
        return number(out.text);
    }
  }

  bool object(json_value& out, size_t depth) {
    out.type = json_value::kind::object;
    ++pos_;  // '{'
    skip_ws();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (at_end() || peek() != '"') return error("expected a string key");
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (at_end() || peek() != ':') return error("expected ':'");
      ++pos_;
      skip_ws();
      json_value v;
      if (!value(v, depth + 1)) return false;
      out.keys.push_back(std::move(key));
      out.items.push_back(std::move(v));
      skip_ws();
      if (at_end()) return error("unterminated object");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return unique_keys(out.keys);
      }
      return error("expected ',' or '}'");
    }
  }

  /// O(n log n), so that a huge object cannot make the check quadratic.
  bool unique_keys(const std::vector<std::string>& keys) {
    std::vector<size_t> order(keys.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    for (size_t i = 1; i < order.size(); ++i)
      if (keys[order[i - 1]] == keys[order[i]]) return error("duplicate key");
    return true;
  }

  bool array(json_value& out, size_t depth) {
    out.type = json_value::kind::array;
    ++pos_;  // '['
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_ws();
      json_value v;
      if (!value(v, depth + 1)) return false;
      out.items.push_back(std::move(v));
      skip_ws();
      if (at_end()) return error("unterminated array");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return error("expected ',' or ']'");
    }
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool digits() {
    if (at_end() || !is_digit(peek())) return error("expected a digit");
    while (!at_end() && is_digit(peek())) ++pos_;
    return true;
  }

  bool number(std::string& out) {
    const size_t start = pos_;
    if (!at_end() && peek() == '-') ++pos_;
    if (at_end() || !is_digit(peek())) return error("invalid value");
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && is_digit(peek())) return error("leading zero in a number");
    } else if (!digits()) {
      return false;
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!digits()) return false;
    }
    if (pos_ - start > lim_.max_string) return error("number too long");
    out.assign(in_.data() + start, pos_ - start);
    return true;
  }

  bool hex4(uint32_t& out) {
    if (in_.size() - pos_ < 4) return error("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = in_[pos_++];
      uint32_t d;
      if (c >= '0' && c <= '9')
        d = static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<uint32_t>(c - 'A' + 10);
      else
        return error("bad hex digit in \\u escape");
      out = out << 4 | d;
    }
    return true;
  }

  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | cp >> 6));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | cp >> 12));
      out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | cp >> 18));
      out.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  bool escape(std::string& out) {
    ++pos_;  // '\\'
    if (at_end()) return error("truncated escape");
    char c = in_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.push_back(c);
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return error("invalid escape");
    }
    uint32_t cp;
    if (!hex4(cp)) return false;
    if (cp >= 0xdc00 && cp <= 0xdfff) return error("lone low surrogate");
    if (cp >= 0xd800 && cp <= 0xdbff) {
      if (in_.substr(pos_, 2) != "\\u") return error("lone high surrogate");
      pos_ += 2;
      uint32_t lo;
      if (!hex4(lo)) return false;
      if (lo < 0xdc00 || lo > 0xdfff) return error("bad low surrogate");
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    put_utf8(out, cp);
    return true;
  }

  /// Copies one UTF-8 sequence, rejecting overlong forms, surrogates and
  /// code points above U+10FFFF.
  bool utf8(std::string& out) {
    auto b0 = static_cast<uint8_t>(peek());
    size_t n;
    uint32_t cp;
    if (b0 >= 0xc2 && b0 <= 0xdf)
      n = 2, cp = b0 & 0x1fu;
    else if (b0 >= 0xe0 && b0 <= 0xef)
      n = 3, cp = b0 & 0x0fu;
    else if (b0 >= 0xf0 && b0 <= 0xf4)
      n = 4, cp = b0 & 0x07u;
    else
      return error("invalid UTF-8");
    if (in_.size() - pos_ < n) return error("truncated UTF-8");
    for (size_t i = 1; i < n; ++i) {
      auto b = static_cast<uint8_t>(in_[pos_ + i]);
      if ((b & 0xc0) != 0x80) return error("invalid UTF-8");
      cp = cp << 6 | (b & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
      return error("invalid UTF-8");
    out.append(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // '"'
    for (;;) {
      if (at_end()) return error("unterminated string");
      if (out.size() > lim_.max_string) return error("string too long");
      char c = peek();
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!escape(out)) return false;
      } else if (static_cast<uint8_t>(c) < 0x20) {
        return error("control character in a string");
      } else if (static_cast<uint8_t>(c) < 0x80) {
        out.push_back(c);
        ++pos_;
      } else if (!utf8(out)) {
        return false;
      }
    }
  }

  std::string_view in_;
  const json_limits& lim_;
  size_t pos_ = 0;
  size_t values_ = 0;
  std::optional<json_error> err_;
};

}  // namespace

const json_value* json_value::find(std::string_view key) const {
  if (type != kind::object) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &items[i];
  return nullptr;
}

json_result parse_json(std::string_view input, const json_limits& limits) {
  return parser{input, limits}.document();
}

}  // namespace nz::peer::noise
