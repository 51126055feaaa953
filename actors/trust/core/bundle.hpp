// Trust bundles: a signed export of assertions for `trust export` / `trust
// import` and offline transfer. docs/trust.md ("Bundle") has the layout.
//
//   "NZTB" | u8 version (1) | 32 exporter key | i64 created_ms |
//   varint n (<= max_bundle_assertions) | n x (varint len | signed assertion) |
//   64-byte exporter signature
// The signature covers "nz-trust-bundle-v1" NUL | every preceding byte.
//
// decode_bundle checks structure, bounds and the exporter signature only; the
// assertions' own signatures and all admission rules are check_batch's job (a
// bundle with more than max_batch assertions is refused there as
// batch_too_large: import splits nothing).
//
// Thread rules: pure functions.
#pragma once

#include "actors/trust/core/assertion.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace nz::trust {

constexpr uint8_t bundle_version = 1;
constexpr std::string_view bundle_domain = "nz-trust-bundle-v1";

struct bundle {
  pubkey exporter{};
  int64_t created_ms = 0;
  std::vector<signed_assertion> assertions;
};

/// Signs a message (the domain-prefixed bundle bytes) with the exporter's key.
using sign_fn = std::function<sig64(const uint8_t* msg, size_t size)>;

/// Encodes and signs a bundle. Errors: limit (more than max_bundle_assertions
/// assertions, or more than max_bundle_bytes in total), malformed (an
/// assertion that fails validate()).
trust_result<std::vector<uint8_t>> encode_bundle(const pubkey& exporter,
                                                 int64_t created_ms,
                                                 const std::vector<signed_assertion>& xs,
                                                 const sign_fn& sign,
                                                 const limits& l = {});

/// Strict decode and exporter-signature check. Errors (the message names what
/// failed, with the assertion index where there is one): limit (size or count
/// over the bounds, a label bound), malformed (bad magic, unknown version,
/// truncation, trailing bytes, an assertion that does not decode exactly within
/// its length), bad_signature (exporter signature).
trust_result<bundle> decode_bundle(const uint8_t* data, size_t size,
                                   const limits& l = {});

}  // namespace nz::trust
