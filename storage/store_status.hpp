// Errors as values for the CAF-free storage core (byte codec, LMDB wrapper,
// journal store). The storage actor maps them onto nz::storage_errc and
// nz::core_errc (messages/core_errors.hpp); the codes mirror storage_errc.
//
// Thread rules: plain values, no shared state.
#pragma once

#include "messages/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nz::storage {

/// Failure classes of the storage core.
enum class store_errc : uint8_t {
  /// LMDB returned an error; the message names the call and mdb_strerror.
  lmdb_failure = 1,
  /// A record failed its checksum or header check; the message names it.
  corrupt_record = 2,
  /// An append or snapshot did not continue the stream's sequence.
  sequence_gap = 3,
  /// An argument exceeded a configured limit; the message names limit and size.
  limit_exceeded = 4,
  /// The environment is closed.
  closed = 5,
  /// A malformed argument, e.g. a stream name outside [a-z0-9._-]{1,64}.
  invalid_argument = 6,
  /// No usable base for a stream's state remains (corrupt snapshot whose
  /// journal was truncated); never answered with an empty state.
  recovery_failed = 7,
};

const char* to_string(store_errc x);

/// An error code plus a human-readable context.
struct store_error {
  store_errc code;
  std::string message;
};

/// Either a T or a store_error (messages/result.hpp).
template <class T>
using store_result = basic_result<T, store_error>;

/// Success or a store_error.
using store_status = basic_result<void, store_error>;

inline store_error make_store_error(store_errc code, std::string message) {
  return store_error{code, std::move(message)};
}

}  // namespace nz::storage
