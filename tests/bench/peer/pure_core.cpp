#include "bench/peer/pure_core.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <sodium.h>

#include "actors/peer/channel_codec.hpp"
#include "actors/peer/noise/x25519.hpp"
#include "actors/peer/session/binding.hpp"
#include "actors/peer/session/frame_body.hpp"
#include "actors/peer/session/handshake_driver.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "actors/peer/session/session_protocol.hpp"
#include "bench/support/bench_stats.hpp"

namespace nz::bench {

namespace {

[[noreturn]] void core_die(const std::string& what) {
  std::fprintf(stderr, "nz_bench_peer: %s\n", what.c_str());
  std::exit(1);
}

peer::handshake_driver make_driver(peer::noise::role r, const peer_identity& id) {
  auto d = peer::handshake_driver::create(r, id.static_key->clone(), id.binding);
  if (!d) core_die("handshake_driver::create: " + d.error().message);
  return std::move(*d);
}

/// One complete handshake; the two transports (initiator, responder).
std::pair<peer::session_cipher, peer::session_cipher> handshake(const peer_identity& a,
                                                                const peer_identity& b) {
  auto init = make_driver(peer::noise::role::initiator, a);
  auto resp = make_driver(peer::noise::role::responder, b);
  auto m1 = init.start();
  if (!m1) core_die("start: " + m1.error().message);
  auto m2 = resp.on_msg1(*m1);
  if (!m2) core_die("on_msg1: " + m2.error().message);
  auto r = init.on_msg2(*m2);
  if (!r) core_die("on_msg2: " + r.error().message);
  auto b3 = resp.on_msg3(r->msg3);
  if (!b3) core_die("on_msg3: " + b3.error().message);
  auto ti = init.transport(peer::session_options{}, 0);
  auto tr = resp.transport(peer::session_options{}, 0);
  if (!ti || !tr) core_die("transport");
  return {std::move(*ti), std::move(*tr)};
}

}  // namespace

peer_identity make_peer_identity() {
  auto key = std::make_shared<peer::noise::keypair>(peer::noise::keypair::generate());
  peer::ed25519_public_key pk{};
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk.data(), sk);
  auto msg = peer::binding_message(key->public_key_bytes, peer::protocol_version);
  peer::ed25519_signature sig{};
  crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return {key, peer::encode_binding(pk, sig, peer::protocol_version, 0)};
}

size_t chan_plaintext_size(size_t payload, const char* channel) {
  auto body =
      peer::encode_channel_frame({channel, 1, 0, std::vector<uint8_t>(payload, 0x5a)});
  auto fb = peer::encode_frame_body({"chan", {}, std::move(body)});
  if (!fb) core_die("encode_frame_body: " + fb.error().message);
  return fb->size();
}

double core_handshake_rate(uint64_t n) {
  auto a = make_peer_identity();
  auto b = make_peer_identity();
  auto t0 = clock_type::now();
  for (uint64_t i = 0; i < n; ++i) (void)handshake(a, b);
  return static_cast<double>(n) / seconds_since(t0);
}

double core_frame_rate(size_t payload, uint64_t n, uint64_t& bad) {
  auto a = make_peer_identity();
  auto b = make_peer_identity();
  auto [tx, rx] = handshake(a, b);
  std::vector<uint8_t> data(payload, 0x5a);
  bad = 0;
  auto t0 = clock_type::now();
  for (uint64_t i = 0; i < n; ++i) {
    // Sender: peer_send copies the payload into the channel frame.
    auto body = peer::encode_channel_frame({"bench", i + 1, 0, data});
    auto plain = peer::encode_frame_body({"chan", {}, std::move(body)});
    if (!plain) core_die("encode_frame_body");
    auto frame = tx.seal(*plain, 0);
    sodium_memzero(plain->data(), plain->size());
    if (!frame) core_die("seal: " + frame.error().message);
    // Receiver.
    auto opened = rx.open(*frame, 0);
    if (!opened) {
      ++bad;
      continue;
    }
    auto fb = peer::decode_frame_body(*opened);
    sodium_memzero(opened->data(), opened->size());
    if (!fb || fb->type != "chan") {
      ++bad;
      continue;
    }
    auto c = peer::decode_channel_frame(fb->body);
    if (!c || c->payload.size() != payload) ++bad;
  }
  return static_cast<double>(n) / seconds_since(t0);
}

}  // namespace nz::bench
