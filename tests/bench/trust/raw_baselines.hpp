// The baselines of nz_bench_trust that involve no actor: raw Ed25519 signing
// and strict verification (libsodium) and raw synced LMDB commits, sized like
// the trust store's own work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nz::bench {

using bytes = std::vector<uint8_t>;

/// A message the size of the signing bytes of an own set_level assertion
/// without labels (what the identity actor signs for every append).
bytes assertion_sized_message();

/// Bytes of one trust log record: a chain entry holding a signed set_level.
size_t log_record_size();

struct crypto_rates {
  double sign = 0;    ///< crypto_sign_detached per second
  double verify = 0;  ///< crypto_sign_verify_detached per second
};

/// `n` signatures of distinct messages of msg's size with one fresh key pair,
/// then `n` verifications of them (dies if one fails).
crypto_rates raw_crypto(const bytes& msg, uint64_t n);

/// Puts per second of `total` puts of `value_size` bytes under 8-byte sequential
/// keys (as the trust log's), in synced commits of `batch` puts: plain mdb_*
/// calls, MDB_NOTLS as the node, a fresh environment under $TMPDIR.
double raw_commit_rate(uint64_t total, uint64_t batch, size_t value_size);

}  // namespace nz::bench
