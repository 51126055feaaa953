// Typed interface of the identity actor: the only actor that holds the node's
// secret keys (in guarded memory). Everything else asks it to sign, to agree on a
// key, or for a named subkey.
//
// Secrets in messages: `dh` and `subkey` replies carry secret bytes through one
// mailbox. The receiver moves them into guarded memory at once and zeroes the
// message buffer (its handler takes `bytes&`); they never reach a log or disk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace nz {

using sign_atom = caf::atom_constant<caf::atom("sign")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;
using dh_atom = caf::atom_constant<caf::atom("dh")>;
using subkey_atom = caf::atom_constant<caf::atom("subkey")>;

/// Public facts about the node's identity (`nzctl identity`).
struct identity_info {
  /// Lowercase hex BLAKE2b-256 of the Ed25519 public key.
  std::string node_id;
  /// Public keys, base64 (original variant, as the JS version printed them).
  std::string ed25519_public;
  std::string x25519_public;
  /// KDF of the key file.
  std::string kdf;
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, identity_info& x) {
  return f(caf::meta::type_name("nz.identity_info"), x.node_id, x.ed25519_public,
           x.x25519_public, x.kdf, x.opslimit, x.memlimit);
}

/// Named subkeys derived from the seed (crypto_kdf contexts in docs/identity.md).
enum class subkey_purpose : uint8_t {
  storage = 1,
  trust_log = 2,
  backup = 3,
  tokens = 4
};

using identity_actor = caf::typed_actor<
    caf::replies_to<get_atom>::with<identity_info>,
    /// Ed25519 detached signature (64 bytes) of the message.
    caf::replies_to<sign_atom, std::vector<uint8_t>>::with<std::vector<uint8_t>>,
    /// Verifies (public key, message, signature) strictly; true if valid.
    caf::replies_to<verify_atom, std::vector<uint8_t>, std::vector<uint8_t>,
                    std::vector<uint8_t>>::with<bool>,
    /// X25519 shared secret with the static key (32 bytes). Secret: see above.
    caf::replies_to<dh_atom, std::vector<uint8_t>>::with<std::vector<uint8_t>>,
    /// A 32-byte subkey for the purpose. Secret: see above.
    caf::replies_to<subkey_atom, uint8_t>::with<std::vector<uint8_t>>>;

}  // namespace nz
