// The Noise hash functions and the constructions built on them (Noise revision
// 34, sections 4.3 and 4.4): HASH, HMAC-HASH (RFC 2104) and HKDF. BLAKE2b is the
// node's hash; SHA-256 and SHA-512 are here so that the published test vectors
// for them exercise the same SymmetricState code.
//
// Every intermediate secret (inner/outer HMAC state, HKDF temp_key) lives on the
// stack and is wiped with sodium_memzero before return.
//
// Thread rules: stateless functions; safe from any thread.
#pragma once

#include "actors/peer/noise/noise_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nz::peer::noise {

/// The supported HASH functions.
enum class hash_algo : uint8_t { blake2b, sha256, sha512 };

/// HASHLEN: 64 for BLAKE2b and SHA-512, 32 for SHA-256.
size_t hash_len(hash_algo x);
/// BLOCKLEN for HMAC: 128 for BLAKE2b and SHA-512, 64 for SHA-256.
size_t block_len(hash_algo x);
/// The name in a protocol name: "BLAKE2b", "SHA256", "SHA512".
const char* to_string(hash_algo x);
/// The inverse of to_string; nullopt for anything else (e.g. "BLAKE2s").
std::optional<hash_algo> parse_hash_algo(std::string_view name);

/// out = HASH(a || b). REQUIRES: out has hash_len(algo) bytes.
void noise_hash(hash_algo algo, bytes_view a, bytes_view b, uint8_t* out);

/// out = HMAC-HASH(key, d1 || d2) per RFC 2104 with block_len(algo); keys longer
/// than a block are hashed first. REQUIRES: out has hash_len(algo) bytes.
void noise_hmac(hash_algo algo, bytes_view key, bytes_view d1, bytes_view d2,
                uint8_t* out);

/// HKDF(chaining_key, input_key_material, num_outputs) of the spec: writes
/// hash_len(algo) bytes to out1, out2 and (when num_outputs == 3) out3.
/// REQUIRES: num_outputs is 2 or 3; ck has hash_len(algo) bytes; out3 is
/// non-null when num_outputs == 3. ck and ikm are read before any output is
/// written, so out1 may alias ck (MixKey does exactly that).
void noise_hkdf(hash_algo algo, bytes_view ck, bytes_view ikm, int num_outputs,
                uint8_t* out1, uint8_t* out2, uint8_t* out3);

}  // namespace nz::peer::noise
