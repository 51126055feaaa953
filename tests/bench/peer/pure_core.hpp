// Pure (no CAF) pieces of nz_bench_peer: throwaway node identities for
// initiator sessions, the sizes of a channel frame, and the in-process core
// baselines (handshake drivers and sealed frames without actors or sockets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace nz::peer::noise {
struct keypair;
}  // namespace nz::peer::noise

namespace nz::bench {

/// A throwaway node identity as a peer manager makes it once per process: a
/// fresh Noise static key and its binding, signed with a fresh Ed25519 key
/// (libsodium directly instead of an identity actor).
struct peer_identity {
  std::shared_ptr<const peer::noise::keypair> static_key;
  std::vector<uint8_t> binding;
};

peer_identity make_peer_identity();

/// The plaintext of a "chan" frame carrying `payload` bytes on `channel`
/// (channel frame inside the frame body), as peer_session seals it.
size_t chan_plaintext_size(size_t payload, const char* channel);

/// `n` complete XX handshakes between two fresh handshake drivers (the same
/// two identities each time, as within one process), both transports taken;
/// handshakes per second on this thread.
double core_handshake_rate(uint64_t n);

/// What both sessions do per channel message, on one thread without actors:
/// encode (channel frame, frame body), seal, open, decode. Messages per
/// second; `bad` counts frames that failed to open or decode.
double core_frame_rate(size_t payload, uint64_t n, uint64_t& bad);

}  // namespace nz::bench
