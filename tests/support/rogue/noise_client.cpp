#include "support/rogue/noise_client.hpp"

#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/frame_body.hpp"
#include "actors/peer/session/session_protocol.hpp"

namespace nz::rogue {

std::optional<rogue_identity> rogue_identity::make(const std::string& seed_hex) {
  std::array<uint8_t, crypto_sign_SEEDBYTES> seed{};
  if (seed_hex.empty()) {
    randombytes_buf(seed.data(), seed.size());
  } else {
    size_t len = 0;
    if (sodium_hex2bin(seed.data(), seed.size(), seed_hex.data(), seed_hex.size(),
                       nullptr, &len, nullptr)
            != 0
        || len != seed.size())
      return std::nullopt;
  }
  rogue_identity id;
  crypto_sign_seed_keypair(id.pk_.data(), id.sk_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return std::optional<rogue_identity>{std::move(id)};
}

rogue_identity::rogue_identity(rogue_identity&& other) noexcept
    : pk_(other.pk_), sk_(other.sk_) {
  sodium_memzero(other.sk_.data(), other.sk_.size());
}

rogue_identity::~rogue_identity() {
  sodium_memzero(sk_.data(), sk_.size());
}

std::string rogue_identity::key_hex() const {
  return hex(pk_.data(), pk_.size());
}

std::string rogue_identity::node_id() const {
  return peer::node_id_of(pk_);
}

peer::session_result<peer::handshake_driver> rogue_identity::initiator() const {
  auto kp = peer::noise::keypair::generate();
  auto msg = peer::binding_message(kp.public_key_bytes, peer::protocol_version);
  peer::ed25519_signature sig{};
  crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk_.data());
  auto binding = peer::encode_binding(pk_, sig, peer::protocol_version, 0);
  return peer::handshake_driver::create(peer::noise::role::initiator, kp.clone(),
                                        std::move(binding));
}

namespace {

bool is(const peer::record_bytes& r, peer::record_kind k) {
  return !r.empty() && r[0] == static_cast<uint8_t>(k);
}

/// The verdict for a missing or unexpected record.
std::string no_answer(const raw_conn& conn, const std::optional<peer::record_bytes>& r) {
  if (r && is(*r, peer::record_kind::abort)) return "refused";
  if (r) return "failed: unexpected record kind " + std::to_string(int{(*r)[0]});
  return conn.closed() ? "closed" : "timeout";
}

}  // namespace

handshake_outcome run_handshake(raw_conn& conn, const rogue_identity& id,
                                int64_t timeout_ms) {
  handshake_outcome out;
  auto drv = id.initiator();
  if (!drv) {
    out.verdict = "failed: driver: " + drv.error().message;
    return out;
  }
  auto msg1 = drv->start();
  if (!msg1 || !conn.send_record(peer::record_kind::hello, *msg1)) {
    out.verdict = "failed: cannot send the hello";
    return out;
  }
  auto r2 = conn.read_record(timeout_ms);
  if (!r2 || !is(*r2, peer::record_kind::handshake2)) {
    out.verdict = no_answer(conn, r2);
    return out;
  }
  auto reply = drv->on_msg2({r2->data() + 1, r2->size() - 1});
  if (!reply) {
    out.verdict = "failed: message 2: " + reply.error().message;
    return out;
  }
  if (!conn.send_record(peer::record_kind::handshake3, reply->msg3)) {
    out.verdict = "closed";
    return out;
  }
  auto cipher = drv->transport(peer::session_options{}, static_cast<uint64_t>(mono_ms()));
  if (!cipher) {
    out.verdict = "failed: transport: " + cipher.error().message;
    return out;
  }
  auto r4 = conn.read_record(timeout_ms);
  if (!r4 || !is(*r4, peer::record_kind::frame)) {
    out.verdict = no_answer(conn, r4);
    return out;
  }
  auto plain =
      cipher->open({r4->data() + 1, r4->size() - 1}, static_cast<uint64_t>(mono_ms()));
  if (!plain) {
    out.verdict = "failed: cannot open the first frame: " + plain.error().message;
    return out;
  }
  auto body = peer::decode_frame_body(*plain);
  if (!body || body->type != "ready") {
    out.verdict = "failed: the first frame is not 'ready'";
    return out;
  }
  out.verdict = "admitted";
  out.cipher.emplace(std::move(*cipher));
  return out;
}

std::optional<bytes> sealed_frame_record(peer::session_cipher& cipher,
                                         const std::string& type, const bytes& body) {
  auto plain = peer::encode_frame_body(peer::frame_body{type, {}, body});
  if (!plain) return std::nullopt;
  auto frame = cipher.seal(*plain, static_cast<uint64_t>(mono_ms()));
  if (!frame) return std::nullopt;
  auto rec = peer::encode_record(peer::record_kind::frame, frame->data(), frame->size());
  if (!rec) return std::nullopt;
  return std::move(*rec);
}

}  // namespace nz::rogue
