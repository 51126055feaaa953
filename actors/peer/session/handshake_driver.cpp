#include "actors/peer/session/handshake_driver.hpp"

#include <cstring>
#include <utility>

namespace nz::peer {

std::vector<uint8_t> make_prologue(uint16_t version) {
  std::vector<uint8_t> out(prologue_label.size() + 2);
  std::memcpy(out.data(), prologue_label.data(), prologue_label.size());
  out[prologue_label.size()] = static_cast<uint8_t>(version >> 8);
  out[prologue_label.size() + 1] = static_cast<uint8_t>(version);
  return out;
}

session_result<handshake_driver> handshake_driver::create(
    noise::role r, noise::keypair local_static, std::vector<uint8_t> local_binding,
    uint16_t version, noise::random_fn rng) {
  auto own = verify_binding(local_binding, local_static.public_key_bytes);
  if (!own) {
    return make_session_error(
        session_errc::invalid_argument,
        std::string{"our binding is unusable: "} + own.error().message);
  }
  if (own->protocol_version != version) {
    return make_session_error(session_errc::invalid_argument,
                              "our binding names another protocol version");
  }
  noise::handshake_config cfg;
  cfg.protocol_name = std::string{noise::node_protocol_name};
  cfg.my_role = r;
  cfg.prologue = make_prologue(version);
  cfg.local_static = std::move(local_static);
  cfg.rng = std::move(rng);
  auto hs = noise::handshake_state::create(std::move(cfg));
  if (!hs) {
    return make_session_error(session_errc::internal, hs.error().message);
  }
  return handshake_driver{r, std::move(*hs), std::move(local_binding), version};
}

handshake_driver::handshake_driver(noise::role r, noise::handshake_state hs,
                                   std::vector<uint8_t> local_binding, uint16_t version)
    : role_(r),
      hs_(std::move(hs)),
      local_binding_(std::move(local_binding)),
      version_(version),
      stage_(r == noise::role::initiator ? stage::initiator_start
                                         : stage::responder_wait_msg1) {}

session_error handshake_driver::fail(session_errc code, std::string message) {
  stage_ = stage::dead;
  hs_.reset();  // wipes s, e, ck and k
  return make_session_error(code, std::move(message));
}

session_error handshake_driver::fail_noise(const noise::noise_error& e) {
  switch (e.code) {
    case noise::noise_errc::too_long:
      return fail(session_errc::too_long, e.message);
    case noise::noise_errc::truncated:
    case noise::noise_errc::decrypt_failed:
    case noise::noise_errc::bad_dh:
      return fail(session_errc::bad_message, e.message);
    default:
      return fail(session_errc::internal, e.message);
  }
}

session_status handshake_driver::expect(stage s) {
  if (stage_ == stage::dead) {
    return make_session_error(session_errc::aborted, "the handshake failed earlier");
  }
  if (stage_ != s) {
    return fail(session_errc::wrong_turn, "not this role's next step");
  }
  return {};
}

session_result<binding> handshake_driver::check_remote(
    const std::vector<uint8_t>& payload) {
  const auto& rs = hs_->remote_static();
  if (!rs) {
    return fail(session_errc::internal, "no remote static key after 's'");
  }
  auto b = verify_binding(payload, *rs);
  if (!b) {
    return fail(b.error().code, b.error().message);
  }
  if (b->protocol_version != version_) {
    return fail(session_errc::bad_binding, "binding names another protocol version");
  }
  return b;
}

void handshake_driver::finish() {
  hash_ = hs_->handshake_hash();
  stage_ = stage::finished;
}

session_result<std::vector<uint8_t>> handshake_driver::start() {
  if (auto st = expect(stage::initiator_start); !st) {
    return st.error();
  }
  auto m1 = hs_->write_message({});
  if (!m1) {
    return fail_noise(m1.error());
  }
  stage_ = stage::initiator_wait_msg2;
  return std::move(*m1);
}

session_result<initiator_reply> handshake_driver::on_msg2(noise::bytes_view msg2) {
  if (auto st = expect(stage::initiator_wait_msg2); !st) {
    return st.error();
  }
  if (msg2.size > max_handshake_message_len) {
    return fail(session_errc::too_long, "handshake message 2 over the limit");
  }
  auto payload = hs_->read_message(msg2);
  if (!payload) {
    return fail_noise(payload.error());
  }
  auto remote = check_remote(*payload);
  if (!remote) {
    return remote.error();
  }
  auto m3 = hs_->write_message(local_binding_);
  if (!m3) {
    return fail_noise(m3.error());
  }
  remote_ = *remote;
  finish();
  return initiator_reply{std::move(*remote), std::move(*m3)};
}

session_result<std::vector<uint8_t>> handshake_driver::on_msg1(noise::bytes_view msg1) {
  if (auto st = expect(stage::responder_wait_msg1); !st) {
    return st.error();
  }
  if (msg1.size > max_handshake_message_len) {
    return fail(session_errc::too_long, "handshake message 1 over the limit");
  }
  auto payload = hs_->read_message(msg1);
  if (!payload) {
    return fail_noise(payload.error());
  }
  if (!payload->empty()) {
    return fail(session_errc::malformed, "handshake message 1 carries a payload");
  }
  auto m2 = hs_->write_message(local_binding_);
  if (!m2) {
    return fail_noise(m2.error());
  }
  stage_ = stage::responder_wait_msg3;
  return std::move(*m2);
}

session_result<binding> handshake_driver::on_msg3(noise::bytes_view msg3) {
  if (auto st = expect(stage::responder_wait_msg3); !st) {
    return st.error();
  }
  if (msg3.size > max_handshake_message_len) {
    return fail(session_errc::too_long, "handshake message 3 over the limit");
  }
  auto payload = hs_->read_message(msg3);
  if (!payload) {
    return fail_noise(payload.error());
  }
  auto remote = check_remote(*payload);
  if (!remote) {
    return remote.error();
  }
  remote_ = *remote;
  finish();
  return remote;
}

session_result<session_cipher> handshake_driver::transport(const session_options& opts,
                                                           uint64_t now_ms) {
  if (stage_ == stage::dead) {
    return make_session_error(session_errc::aborted, "the handshake failed earlier");
  }
  if (stage_ != stage::finished) {
    return fail(session_errc::wrong_state, stage_ == stage::transported
                                               ? "transport already taken"
                                               : "handshake not finished");
  }
  if (auto st = validate(opts); !st) {
    return fail(st.error().code, st.error().message);
  }
  auto t = hs_->split();
  if (!t) {
    return fail_noise(t.error());
  }
  hs_.reset();
  stage_ = stage::transported;
  auto cipher = session_cipher::create(std::move(*t), opts, now_ms);
  if (!cipher) {
    return fail(cipher.error().code, cipher.error().message);
  }
  return cipher;
}

}  // namespace nz::peer
