/* Baseline (b) of nz_bench_peer, in plain C: sealed frames streamed over a
 * loopback TCP connection between two processes. */
#ifndef NZ_BENCH_PEER_RAW_STREAM_H
#define NZ_BENCH_PEER_RAW_STREAM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Streams `frames` frames of `plain_len` plaintext bytes from this process to
 * a forked receiver over 127.0.0.1. Each frame is a u32 big-endian length,
 * then a 10-byte header (version 1, flags 0, counter u64 big endian) that is
 * the associated data, then the ChaCha20-Poly1305-IETF ciphertext and tag
 * (crypto_aead_chacha20poly1305_ietf_encrypt, nonce 00000000 || LE64(counter),
 * as docs/protocol.md frames are sealed). The sender batches frames into
 * writes of 64 KiB (or one frame, if larger); the receiver reads, checks
 * every counter and opens every frame, then writes one byte back.
 * `seconds`: from the first write until that byte arrived. `opened`: frames
 * the receiver opened. Returns 0, or -1 after printing why to stderr.
 * Call only from a single-threaded process (it forks). */
int nz_raw_sealed_stream(size_t plain_len, uint64_t frames, double* seconds,
                         uint64_t* opened);

#ifdef __cplusplus
}
#endif

#endif
