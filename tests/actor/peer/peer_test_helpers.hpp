// Small values and actors that the deterministic peer tests share: byte
// helpers, error codes, the eventual reply of a request made with
// peer_fixture::call(), and a bystander actor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>

#include "messages/core_errors.hpp"
#include "messages/peer_api.hpp"

namespace nz::test {

using byte_vec = std::vector<uint8_t>;

inline bool has_code(const caf::error& err, peer_errc code) {
  return err.category() == peer_category && err.code() == static_cast<uint8_t>(code);
}

inline byte_vec bytes_of(const std::string& s) {
  return byte_vec(s.begin(), s.end());
}

/// The eventual reply to a request made with call().
template <class T>
struct reply {
  std::optional<caf::expected<T>> value;
  bool done() const { return value.has_value(); }
  bool ok() const { return value && static_cast<bool>(*value); }
  caf::error error() const { return value && !*value ? value->error() : caf::error{}; }
};

/// A local actor that is neither a session's link nor its manager (spawn
/// it with any tag: see call_later() on spawning without arguments).
inline caf::behavior bystander(caf::event_based_actor*, int /* tag */) {
  return {[](peer_redial_atom) {}};
}

}  // namespace nz::test
