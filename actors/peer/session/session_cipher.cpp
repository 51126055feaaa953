#include "actors/peer/session/session_cipher.hpp"

#include <array>
#include <cstring>
#include <utility>

namespace nz::peer {

namespace {

using header_bytes = std::array<uint8_t, frame_header_len>;

header_bytes make_header(uint8_t flags, uint64_t counter) {
  header_bytes h{};
  h[0] = frame_version;
  h[1] = flags;
  for (int i = 0; i < 8; ++i) {
    h[2 + i] = static_cast<uint8_t>(counter >> (56 - 8 * i));
  }
  return h;
}

uint64_t read_counter(const uint8_t* p) {
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) {
    x = (x << 8) | p[i];
  }
  return x;
}

}  // namespace

session_status validate(const session_options& opts) {
  if (opts.max_plaintext == 0 || opts.max_plaintext > max_session_plaintext) {
    return make_session_error(
        session_errc::invalid_argument,
        "max_plaintext must be 1.." + std::to_string(max_session_plaintext));
  }
  if (opts.rekey_messages == 0) {
    return make_session_error(session_errc::invalid_argument,
                              "rekey_messages must be at least 1");
  }
  if (opts.rekey_interval_ms == 0) {
    return make_session_error(session_errc::invalid_argument,
                              "rekey_interval_ms must be at least 1");
  }
  if (opts.max_consecutive_failures == 0) {
    return make_session_error(session_errc::invalid_argument,
                              "max_consecutive_failures must be at least 1");
  }
  return {};
}

session_result<session_cipher> session_cipher::create(noise::transport_ciphers t,
                                                      const session_options& opts,
                                                      uint64_t now_ms) {
  if (auto st = validate(opts); !st) {
    return st.error();
  }
  if (!t.send.has_key() || !t.recv.has_key()) {
    return make_session_error(session_errc::invalid_argument,
                              "both transport directions need a key");
  }
  return session_cipher{std::move(t.send), std::move(t.recv), opts, now_ms};
}

session_cipher::session_cipher(noise::cipher_state send, noise::cipher_state recv,
                               const session_options& opts, uint64_t now_ms)
    : send_(std::move(send)),
      recv_(std::move(recv)),
      opts_(opts),
      last_rekey_ms_(now_ms) {
  counters_.last_received_ms = now_ms;
  // Every frame uses these keys: keep them readable (noise/cipher_state.hpp).
  send_.pin();
  recv_.pin();
}

bool session_cipher::should_close() const {
  return exhausted_ || counters_.consecutive_failures >= opts_.max_consecutive_failures;
}

session_result<std::vector<uint8_t>> session_cipher::seal(noise::bytes_view plaintext,
                                                          uint64_t now_ms) {
  std::vector<uint8_t> out;
  if (auto st = seal_append(plaintext, now_ms, out); !st) return st.error();
  return out;
}

session_result<void> session_cipher::seal_append(noise::bytes_view plaintext,
                                                 uint64_t now_ms,
                                                 std::vector<uint8_t>& out) {
  if (plaintext.size > opts_.max_plaintext) {
    return make_session_error(session_errc::payload_too_long,
                              "plaintext over max_plaintext");
  }
  const uint64_t counter = send_.nonce();
  if (counter == noise::max_nonce) {
    exhausted_ = true;
    return make_session_error(session_errc::exhausted, "send counter exhausted");
  }
  const uint64_t elapsed = now_ms > last_rekey_ms_ ? now_ms - last_rekey_ms_ : 0;
  uint8_t flags = 0;
  if (sent_since_rekey_ >= opts_.rekey_messages || elapsed >= opts_.rekey_interval_ms) {
    if (auto st = send_.rekey(); !st) {
      return make_session_error(session_errc::internal, "rekey failed");
    }
    sent_since_rekey_ = 0;
    last_rekey_ms_ = now_ms;
    ++counters_.rekeys_sent;
    flags |= frame_flag_rekey;
  }
  const header_bytes header = make_header(flags, counter);
  const size_t start = out.size();
  out.reserve(start + frame_overhead + plaintext.size);
  out.insert(out.end(), header.begin(), header.end());
  if (auto st = send_.encrypt_with_ad(header, plaintext, out); !st) {
    out.resize(start);
    return make_session_error(session_errc::internal, "encrypt failed");
  }
  ++sent_since_rekey_;
  ++counters_.sent;
  return {};
}

session_error session_cipher::drop(session_errc code, const char* what) {
  auto& d = counters_.dropped;
  switch (code) {
    case session_errc::too_long:
      ++d.too_long;
      break;
    case session_errc::malformed:
      ++d.malformed;
      break;
    case session_errc::replayed:
      ++d.replayed;
      break;
    case session_errc::reordered:
      ++d.reordered;
      break;
    case session_errc::exhausted:
      ++d.exhausted;
      exhausted_ = true;
      break;
    default:
      ++d.forged;
      break;
  }
  if (counters_.consecutive_failures < UINT32_MAX) {
    ++counters_.consecutive_failures;
  }
  return make_session_error(code, what);
}

session_result<std::vector<uint8_t>> session_cipher::open(noise::bytes_view frame,
                                                          uint64_t now_ms) {
  std::vector<uint8_t> plaintext;
  if (auto st = open_into(frame, now_ms, plaintext); !st) return st.error();
  return plaintext;
}

session_status session_cipher::open_into(noise::bytes_view frame, uint64_t now_ms,
                                         std::vector<uint8_t>& plaintext) {
  plaintext.clear();
  if (frame.size > opts_.max_plaintext + frame_overhead) {
    return drop(session_errc::too_long, "frame over max_plaintext + overhead");
  }
  if (frame.size < frame_overhead) {
    return drop(session_errc::malformed, "frame shorter than header and tag");
  }
  const uint8_t version = frame.data[0];
  const uint8_t flags = frame.data[1];
  if (version != frame_version) {
    return drop(session_errc::malformed, "unknown frame version");
  }
  if ((flags & ~frame_flag_rekey) != 0) {
    return drop(session_errc::malformed, "unknown frame flags");
  }
  const uint64_t counter = read_counter(frame.data + 2);
  const uint64_t expected = recv_.nonce();
  if (counter < expected) {
    return drop(session_errc::replayed, "counter already seen");
  }
  if (counter > expected) {
    return drop(session_errc::reordered, "counter ahead of next");
  }
  if (expected == noise::max_nonce) {
    return drop(session_errc::exhausted, "receive counter exhausted");
  }

  const noise::bytes_view header{frame.data, frame_header_len};
  const noise::bytes_view ciphertext{frame.data + frame_header_len,
                                     frame.size - frame_header_len};
  plaintext.reserve(ciphertext.size - noise::tag_len);
  if ((flags & frame_flag_rekey) != 0) {
    // Rekey a copy and commit only when the frame authenticates, so a forged
    // rekey flag changes nothing.
    noise::cipher_state next = recv_.clone();
    if (auto st = next.rekey(); !st) {
      return make_session_error(session_errc::internal, "rekey failed");
    }
    if (auto st = next.decrypt_with_ad(header, ciphertext, plaintext); !st) {
      return drop(session_errc::forged, "frame does not authenticate");
    }
    recv_ = std::move(next);
    ++counters_.rekeys_received;
  } else if (auto st = recv_.decrypt_with_ad(header, ciphertext, plaintext); !st) {
    return drop(session_errc::forged, "frame does not authenticate");
  }
  ++counters_.received;
  counters_.consecutive_failures = 0;
  counters_.last_received_ms = now_ms;
  return {};
}

}  // namespace nz::peer
