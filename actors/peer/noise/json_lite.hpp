// A small, strict, bounded JSON parser (RFC 8259) for the Noise test-vector
// files: objects, arrays, strings, numbers, true, false, null. Nothing more
// (no comments, trailing commas, NaN, single quotes, BOM).
//
// Strictness: a duplicate key in one object, invalid UTF-8, a lone surrogate
// escape, a control character in a string, a number with a leading zero or
// without digits, and anything but whitespace after the value are errors.
// Bounds: input size, nesting depth, string length and the total number of
// values are checked against json_limits as the parser goes, so hostile input
// cannot exhaust the stack or the heap. Numbers are kept as their text.
//
// Thread rules: stateless functions; a json_value is a plain value.
#pragma once

#include "messages/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer::noise {

struct json_limits {
  /// Bytes of input.
  size_t max_input = 8u << 20;
  /// Nesting of arrays and objects (the top-level value is depth 1).
  size_t max_depth = 64;
  /// Bytes of one decoded string or number.
  size_t max_string = 1u << 20;
  /// Values in the whole document (each array, object, member value, ...).
  size_t max_values = 200000;
};

struct json_value {
  enum class kind : uint8_t { null, boolean, number, string, array, object };

  kind type = kind::null;
  bool boolean = false;
  /// The decoded string, or the number's text.
  std::string text;
  /// Array elements, or object member values (in input order).
  std::vector<json_value> items;
  /// Object member keys; keys[i] names items[i].
  std::vector<std::string> keys;

  bool is_null() const { return type == kind::null; }
  bool is_string() const { return type == kind::string; }
  bool is_array() const { return type == kind::array; }
  bool is_object() const { return type == kind::object; }
  /// The member named `key` of an object, or nullptr (also for non-objects).
  const json_value* find(std::string_view key) const;
};

struct json_error {
  /// Byte offset into the input where the problem was found.
  size_t offset;
  std::string message;
};

/// A value or a json_error (messages/result.hpp).
using json_result = basic_result<json_value, json_error>;

/// Parses one JSON document. Errors carry the offset and a reason.
[[nodiscard]] json_result parse_json(std::string_view input,
                                     const json_limits& limits = {});

}  // namespace nz::peer::noise
