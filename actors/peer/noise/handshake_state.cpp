#include "actors/peer/noise/handshake_state.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <sodium.h>

namespace nz::peer::noise {

namespace {

bool contains(const std::vector<token>& tokens, token t) {
  return std::find(tokens.begin(), tokens.end(), t) != tokens.end();
}

/// Whether `who` needs its own static key pair somewhere in `p`.
bool needs_static(const handshake_pattern& p, role who) {
  const bool initiator = who == role::initiator;
  if (contains(initiator ? p.pre_initiator : p.pre_responder, token::s)) return true;
  for (size_t i = 0; i < p.messages.size(); ++i) {
    const bool sender_is_initiator = i % 2 == 0;
    for (token t : p.messages[i]) {
      if (t == token::s && sender_is_initiator == initiator) return true;
      if (t == token::ss) return true;
      if (t == token::se && initiator) return true;
      if (t == token::es && !initiator) return true;
    }
  }
  return false;
}

/// A DH output on the stack, wiped on scope exit.
struct dh_output {
  uint8_t bytes[dh_len];
  ~dh_output() { sodium_memzero(bytes, sizeof(bytes)); }
};

}  // namespace

struct handshake_state::work {
  symmetric_state ss;
  std::optional<keypair> new_e;
  std::optional<public_key> re;
  std::optional<public_key> rs;
};

handshake_state::handshake_state(noise_protocol protocol, role r, symmetric_state ss)
    : protocol_(std::move(protocol)), role_(r), ss_(std::move(ss)) {}

noise_result<handshake_state> handshake_state::create(handshake_config config) {
  auto proto = parse_protocol_name(config.protocol_name);
  if (!proto) return proto.error();
  const handshake_pattern& p = *proto->pattern;
  const role me = config.my_role;
  const role peer = me == role::initiator ? role::responder : role::initiator;
  const auto& my_pre = me == role::initiator ? p.pre_initiator : p.pre_responder;
  const auto& peer_pre = me == role::initiator ? p.pre_responder : p.pre_initiator;

  if (needs_static(p, me) && !config.local_static)
    return make_error(
        noise_errc::missing_key,
        "pattern " + p.name + " needs the " + to_string(me) + "'s static key pair");
  if (contains(peer_pre, token::s) && !config.remote_static)
    return make_error(noise_errc::missing_key, "pattern " + p.name + " needs the "
                                                   + to_string(peer)
                                                   + "'s static public key in advance");
  if (contains(my_pre, token::e) && !config.local_ephemeral)
    return make_error(noise_errc::missing_key,
                      "pattern " + p.name + " needs a pre-set local ephemeral key");
  if (contains(peer_pre, token::e) && !config.remote_ephemeral)
    return make_error(noise_errc::missing_key,
                      "pattern " + p.name + " needs the peer's ephemeral key in advance");

  symmetric_state ss{proto->hash, proto->cipher, proto->name};
  ss.mix_hash(config.prologue);
  handshake_state hs{std::move(*proto), me, std::move(ss)};
  hs.s_ = std::move(config.local_static);
  hs.fixed_e_ = std::move(config.local_ephemeral);
  hs.rs_ = config.remote_static;
  hs.re_ = config.remote_ephemeral;
  hs.rng_ = std::move(config.rng);
  if (contains(my_pre, token::e)) hs.e_ = hs.fixed_e_->clone();

  // Pre-messages: the initiator's first, then the responder's.
  for (role side : {role::initiator, role::responder}) {
    const bool mine = side == me;
    for (token t : side == role::initiator ? p.pre_initiator : p.pre_responder) {
      if (t == token::e)
        hs.ss_.mix_hash(mine ? hs.e_->public_key_bytes : *hs.re_);
      else if (t == token::s)
        hs.ss_.mix_hash(mine ? hs.s_->public_key_bytes : *hs.rs_);
    }
  }
  return hs;
}

bool handshake_state::is_my_turn() const {
  return (index_ % 2 == 0) == (role_ == role::initiator);
}

noise_status handshake_state::dh(work& w, token t, uint8_t* out) const {
  const bool initiator = role_ == role::initiator;
  const keypair* e = w.new_e ? &*w.new_e : (e_ ? &*e_ : nullptr);
  const keypair* s = s_ ? &*s_ : nullptr;
  const keypair* local = nullptr;
  const std::optional<public_key>* remote = nullptr;
  switch (t) {
    case token::ee:
      local = e, remote = &w.re;
      break;
    case token::es:
      local = initiator ? e : s, remote = initiator ? &w.rs : &w.re;
      break;
    case token::se:
      local = initiator ? s : e, remote = initiator ? &w.re : &w.rs;
      break;
    case token::ss:
      local = s, remote = &w.rs;
      break;
    default:
      break;
  }
  if (local == nullptr || remote == nullptr || !remote->has_value())
    return make_error(noise_errc::missing_key,
                      std::string{"no key for token "} + to_string(t));
  return x25519_dh(*local, **remote, out);
}

noise_result<std::vector<uint8_t>> handshake_state::write_message(bytes_view payload) {
  if (split_done_ || is_finished())
    return make_error(noise_errc::wrong_state, "handshake already finished");
  if (!is_my_turn())
    return make_error(noise_errc::wrong_turn, "the peer writes the next message");
  if (payload.size > max_message_len)
    return make_error(noise_errc::too_long, "payload over 65535 bytes");
  work w{ss_.clone(), std::nullopt, re_, rs_};
  std::vector<uint8_t> out;
  // Tokens add at most 2 * (32 + 16) bytes, the payload tag 16.
  out.reserve(std::min(payload.size + 128, max_message_len + 128));
  for (token t : protocol_.pattern->messages[index_]) {
    if (t == token::e) {
      w.new_e = fixed_e_ ? fixed_e_->clone() : keypair::generate(rng_);
      const auto& pub = w.new_e->public_key_bytes;
      const size_t old = out.size();
      out.resize(old + dh_len);
      std::memcpy(out.data() + old, pub.data(), dh_len);
      w.ss.mix_hash(pub);
    } else if (t == token::s) {
      if (!s_) return make_error(noise_errc::missing_key, "no local static key pair");
      if (auto st = w.ss.encrypt_and_hash(s_->public_key_bytes, out); !st)
        return st.error();
    } else {
      dh_output d;
      if (auto st = dh(w, t, d.bytes); !st) return st.error();
      w.ss.mix_key({d.bytes, dh_len});
    }
  }
  if (out.size() + payload.size > max_message_len)
    return make_error(noise_errc::too_long, "handshake message over 65535 bytes");
  if (auto st = w.ss.encrypt_and_hash(payload, out); !st) return st.error();
  if (out.size() > max_message_len)
    return make_error(noise_errc::too_long, "handshake message over 65535 bytes");
  ss_ = std::move(w.ss);
  if (w.new_e) e_ = std::move(w.new_e);
  ++index_;
  return out;
}

noise_result<std::vector<uint8_t>> handshake_state::read_message(bytes_view message) {
  if (split_done_ || is_finished())
    return make_error(noise_errc::wrong_state, "handshake already finished");
  if (is_my_turn())
    return make_error(noise_errc::wrong_turn, "we write the next message");
  if (message.size > max_message_len)
    return make_error(noise_errc::too_long, "handshake message over 65535 bytes");
  work w{ss_.clone(), std::nullopt, re_, rs_};
  size_t pos = 0;
  for (token t : protocol_.pattern->messages[index_]) {
    if (t == token::e) {
      if (message.size - pos < dh_len)
        return make_error(noise_errc::truncated, "message too short for 'e'");
      public_key re;
      std::memcpy(re.data(), message.data + pos, dh_len);
      pos += dh_len;
      w.re = re;
      w.ss.mix_hash(re);
    } else if (t == token::s) {
      const size_t n = dh_len + (w.ss.has_key() ? tag_len : 0);
      if (message.size - pos < n)
        return make_error(noise_errc::truncated, "message too short for 's'");
      std::vector<uint8_t> rs;
      if (auto st = w.ss.decrypt_and_hash({message.data + pos, n}, rs); !st)
        return st.error();
      pos += n;
      public_key key;
      std::memcpy(key.data(), rs.data(), dh_len);
      w.rs = key;
    } else {
      dh_output d;
      if (auto st = dh(w, t, d.bytes); !st) return st.error();
      w.ss.mix_key({d.bytes, dh_len});
    }
  }
  std::vector<uint8_t> payload;
  if (auto st = w.ss.decrypt_and_hash({message.data + pos, message.size - pos}, payload);
      !st)
    return st.error();
  ss_ = std::move(w.ss);
  re_ = w.re;
  rs_ = w.rs;
  ++index_;
  return payload;
}

noise_result<transport_ciphers> handshake_state::split() {
  if (!is_finished())
    return make_error(noise_errc::wrong_state, "handshake not finished");
  if (split_done_) return make_error(noise_errc::wrong_state, "already split");
  auto hash = ss_.handshake_hash();
  auto [c1, c2] = ss_.split();
  const bool initiator = role_ == role::initiator;
  transport_ciphers out{initiator ? std::move(c1) : std::move(c2),
                        initiator ? std::move(c2) : std::move(c1), std::move(hash)};
  if (protocol_.pattern->one_way) {
    // Only the initiator sends after N, K and X (section 7.4).
    if (initiator)
      out.recv.clear();
    else
      out.send.clear();
  }
  e_.reset();
  fixed_e_.reset();
  s_.reset();
  split_done_ = true;
  return out;
}

}  // namespace nz::peer::noise
