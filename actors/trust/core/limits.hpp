// Configurable bounds of the trust store. Every bound is enforced with an error
// that names the limit and the offending value (trust_errc::limit), never by
// silently dropping data. Defaults follow issue #4.
//
// Thread rules: plain value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nz::trust {

struct limits {
  /// Subjects with a direct set_level or delegate by this node.
  size_t max_trusted = 1000;
  /// Labels per assertion; key and value sizes in bytes; all keys plus values.
  size_t max_labels = 16;
  size_t max_label_key = 64;
  size_t max_label_value = 256;
  size_t max_metadata = 2048;
  /// Foreign issuers whose records are kept per subject (flooding resistance:
  /// the PGP keyserver lesson).
  size_t max_third_party_per_subject = 32;
  /// Largest `depth` a delegate may carry, and the longest delegation chain.
  uint8_t max_delegation_depth = 4;
  /// Assertions per sync batch (and per bundle import).
  size_t max_batch = 100;
  /// Lifetime of a foreign set_level/delegate without expires_ms, counted from
  /// its created_ms; <= 0 disables the default (they never expire).
  int64_t default_ttl_ms = 24LL * 60 * 60 * 1000;
  /// Bundle bounds (decode_bundle).
  size_t max_bundle_assertions = 10000;
  size_t max_bundle_bytes = size_t{8} * 1024 * 1024;
};

}  // namespace nz::trust
