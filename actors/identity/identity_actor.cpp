#include "actors/identity/identity_actor.hpp"

#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/identity/newzone_derivation.hpp"
#include "messages/identity_api.hpp"
#include "runtime/exception_reason.hpp"

namespace nz {

namespace {

struct identity_state {
  std::shared_ptr<const identity_source> source;
  /// identity::identity_keys in guarded memory.
  std::unique_ptr<crypto::secret_buffer> keys;
  identity_info info;
  static inline const char* name = "nz.identity";
};

using self_ptr = identity_actor::stateful_pointer<identity_state>;
using bytes = std::vector<uint8_t>;

const identity::identity_keys& as_keys(const crypto::read_view& v) {
  return *reinterpret_cast<const identity::identity_keys*>(v.data());
}

identity_actor::behavior_type identity_impl(
    self_ptr self, std::shared_ptr<const identity_source> source) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.source = std::move(source);
  st.keys = std::make_unique<crypto::secret_buffer>(sizeof(identity::identity_keys));
  {
    auto seed = st.source->seed.read();
    auto w = st.keys->write();
    auto& k = *reinterpret_cast<identity::identity_keys*>(w.data());
    if (!identity::derive_identity(k, seed.data())) {
      self->quit(
          caf::make_error(caf::sec::runtime_error, "identity: key derivation failed"));
      return identity_actor::behavior_type::make_empty_behavior();
    }
    st.info.node_id = identity::node_id_hex(k.ed25519_pk);
    st.info.ed25519_public = identity::to_base64(k.ed25519_pk, sizeof(k.ed25519_pk));
    st.info.x25519_public = identity::to_base64(k.x25519_pk, sizeof(k.x25519_pk));
  }
  st.info.kdf = st.source->kdf;
  st.info.opslimit = st.source->opslimit;
  st.info.memlimit = st.source->memlimit;
  return {
      [self](get_atom) { return self->state.info; },
      [self](sign_atom, const bytes& msg) {
        bytes sig(crypto_sign_BYTES);
        auto r = self->state.keys->read();
        crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(),
                             as_keys(r).ed25519_sk);
        return sig;
      },
      [](verify_atom, const bytes& pk, const bytes& msg, const bytes& sig) {
        if (pk.size() != crypto_sign_PUBLICKEYBYTES || sig.size() != crypto_sign_BYTES)
          return false;
        return crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pk.data())
               == 0;
      },
      [self](dh_atom, const bytes& peer) -> caf::result<bytes> {
        if (peer.size() != crypto_scalarmult_BYTES)
          return caf::make_error(caf::sec::invalid_argument,
                                 "dh: peer key must be 32 bytes");
        bytes shared(crypto_scalarmult_BYTES);
        auto r = self->state.keys->read();
        // Fails for low-order points (an all-zero shared secret).
        if (crypto_scalarmult(shared.data(), as_keys(r).x25519_sk, peer.data()) != 0)
          return caf::make_error(caf::sec::invalid_argument, "dh: peer key of low order");
        return shared;
      },
      [self](subkey_atom, uint8_t purpose) -> caf::result<bytes> {
        if (purpose < 1 || purpose > 4)
          return caf::make_error(caf::sec::invalid_argument, "subkey: unknown purpose");
        bytes out(32);
        auto seed = self->state.source->seed.read();
        if (!identity::derive_subkey(out.data(), out.size(), seed.data(),
                                     static_cast<identity::subkey_purpose>(purpose)))
          return caf::make_error(caf::sec::runtime_error, "subkey derivation failed");
        return out;
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_identity(caf::actor_system& sys,
                                         std::shared_ptr<const identity_source> source) {
  return caf::actor_cast<caf::actor>(sys.spawn(identity_impl, std::move(source)));
}

}  // namespace nz
