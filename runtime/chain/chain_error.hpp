// Errors as values for the hash chain (runtime/chain): a decode or verification
// failure carries a human-readable message that names the field and, where
// known, the sequence number. No CAF.
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <string>

namespace nz::chain {

/// Why bytes are not a valid chain entry.
struct chain_error {
  std::string message;
};

/// A value or a chain_error (messages/result.hpp).
template <class T>
using chain_result = basic_result<T, chain_error>;

/// Prints "nz::chain misuse: <what>" to stderr and aborts. For violated
/// REQUIRES clauses only, never for bad input.
[[noreturn]] void misuse(const char* what);

}  // namespace nz::chain
