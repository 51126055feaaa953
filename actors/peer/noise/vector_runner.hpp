// Runs Noise test vectors in the JSON format shared by cacophony, snow and
// noise-c: {"vectors": [{"protocol_name" | "name", "init_prologue",
// "init_static", "init_ephemeral", "init_remote_static", "resp_...",
// "handshake_hash", "messages": [{"payload", "ciphertext"}, ...]}, ...]}, all
// byte strings in hex.
//
// For each vector whose protocol parse_protocol_name accepts, both sides are
// built from the vector's keys and every message is written by its sender
// (ciphertext compared), read by its receiver (payload compared); handshake
// messages alternate initiator/responder, then the remaining messages use the
// split transport states and keep alternating (only the initiator sends after
// a one-way pattern). The handshake hash, when given, must match on both
// sides. Skipped: unsupported protocols, vectors with PSKs (init_psks /
// resp_psks non-empty, or any psk field), fallback vectors and vectors marked
// "fail".
//
// Thread rules: stateless functions; output goes only to the given stream.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace nz::peer::noise {

struct vector_counts {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;
};

/// Runs the vectors in `json_text` (a whole file's contents). Prints one line
/// per failure to `out`, prefixed with `label` and the vector's index and name;
/// a document that does not parse counts as one failure. Prints no summary.
vector_counts run_noise_vector_text(std::string_view json_text, std::string_view label,
                                    std::ostream& out);

/// Reads the file at `path` (at most json_limits{}.max_input bytes), runs its
/// vectors and ends with the line "N passed, N failed, N skipped". Returns 0
/// when nothing failed, 1 otherwise (an unreadable file is one failure).
int run_noise_vectors(const std::string& path, std::ostream& out);

}  // namespace nz::peer::noise
