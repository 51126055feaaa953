// The Noise handshake patterns (revision 34, sections 7.4, 7.5 and 18): the
// one-way patterns N, K, X, the twelve fundamental interactive patterns
// (NN ... IX, including the node's XX and IK) and the 23 deferred patterns
// (NK1 ... I1X1). They are a table of strings in the spec's notation, parsed
// once into token lists; adding a pattern is adding a line. Modifiers (psk,
// fallback, hfs) are not implemented.
//
// Messages alternate: message 0 is the initiator's, message 1 the responder's,
// and so on. After a one-way pattern only the initiator sends.
//
// Thread rules: the table is built on first use (a function-local static) and
// is immutable afterwards; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nz::peer::noise {

/// A message-pattern token.
enum class token : uint8_t { e, s, ee, es, se, ss };

/// "e", "s", "ee", "es", "se" or "ss".
const char* to_string(token x);

struct handshake_pattern {
  /// "XX", "IK", "NK1", ...
  std::string name;
  /// Pre-message tokens of the initiator and of the responder ("e" and/or "s").
  std::vector<token> pre_initiator;
  std::vector<token> pre_responder;
  /// The message patterns; message i is sent by the initiator when i is even.
  std::vector<std::vector<token>> messages;
  /// N, K and X: a single message, after which only the initiator sends.
  bool one_way = false;
};

/// The pattern with this name, or nullptr.
const handshake_pattern* find_pattern(std::string_view name);

/// Every implemented pattern, in the spec's order.
const std::vector<handshake_pattern>& all_patterns();

}  // namespace nz::peer::noise
