// The identity actor: holds the node's secret keys (derived from the unlocked
// seed) in guarded memory, no-access while idle, and offers sign / verify /
// Diffie-Hellman / subkeys (messages/identity_api.hpp). No other actor holds
// secret key material.
//
// Restarts: the child spec keeps the 32-byte seed in its own guarded, no-access
// buffer (shared by the spec's copies, never by another actor) so that a
// restarted identity actor derives its keys again without asking for the
// passphrase. The buffer is wiped when the node process ends.
#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "runtime/crypto/secret.hpp"

namespace nz {

struct identity_source {
  /// The unlocked seed (seed32 of docs/identity.md).
  crypto::secret<32> seed;
  /// Key file KDF, shown by `nzctl identity`.
  std::string kdf;
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
};

caf::expected<caf::actor> spawn_identity(caf::actor_system& sys,
                                         std::shared_ptr<const identity_source> source);

}  // namespace nz
