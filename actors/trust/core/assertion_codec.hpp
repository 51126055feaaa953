// Canonical byte encoding of assertions and signed assertions, and the bytes an
// issuer signs. docs/trust.md ("Assertion encoding") has the layout table.
//
// Assertion (version 1; integers per storage/byte_codec):
//   u8 version (1) | u8 kind | 32 issuer | 32 subject | u8 level | u8 depth |
//   u8 max_level | varint issuer_seq | i64 created_ms | i64 expires_ms |
//   varint label count | count x (varint key len | key | varint value len | value)
// Signed assertion: assertion encoding | 64-byte signature (no length prefix:
//   the assertion encoding is self-delimiting).
// Signing bytes: "nz-trust-assertion-v1" NUL | assertion encoding.
//
// Decoders are strict: truncation, trailing bytes, an unknown version, and
// everything validate() refuses are errors (malformed or limit), so that for
// every accepted input b, encode(decode(b)) == b: one encoding per assertion,
// and a re-encoded assertion can never carry an old signature.
//
// Thread rules: pure functions.
#pragma once

#include "actors/trust/core/assertion.hpp"
#include "storage/byte_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace nz::trust {

constexpr uint8_t assertion_version = 1;
constexpr std::string_view assertion_domain = "nz-trust-assertion-v1";
/// Size of the smallest possible assertion encoding (no labels).
constexpr size_t min_assertion_size = 1 + 1 + 32 + 32 + 3 + 1 + 1 + 1 + 1;

/// Canonical encoding. Does not validate: encode only assertions that passed
/// validate() (or came from a decoder) if they are to be decoded again.
std::vector<uint8_t> encode(const assertion& a);
void encode_to(storage::byte_writer& w, const assertion& a);

/// Strict decode of exactly one assertion. Errors: malformed, limit.
trust_result<assertion> decode_assertion(const uint8_t* data, size_t size,
                                         const limits& l = {});

/// Reads one assertion from `r` (trailing input is left for the caller).
/// Errors: malformed, limit.
trust_result<assertion> read_assertion(storage::byte_reader& r, const limits& l);

/// The bytes an issuer signs for `a`.
std::vector<uint8_t> signing_bytes(const assertion& a);

/// assertion encoding | signature.
std::vector<uint8_t> encode(const signed_assertion& s);
void encode_to(storage::byte_writer& w, const signed_assertion& s);

/// Strict decode of exactly one signed assertion (does not verify the
/// signature; see signature.hpp). Errors: malformed, limit.
trust_result<signed_assertion> decode_signed(const uint8_t* data, size_t size,
                                             const limits& l = {});
trust_result<signed_assertion> read_signed(storage::byte_reader& r, const limits& l);

}  // namespace nz::trust
