#include "actors/trust/core/assertion_codec.hpp"

#include <algorithm>
#include <string>

namespace nz::trust {

namespace {

trust_error malformed(std::string msg) {
  return make_error(trust_errc::malformed, std::move(msg));
}

bool read_key(storage::byte_reader& r, pubkey& out) {
  const uint8_t* p = nullptr;
  if (!r.get_raw(out.size(), p)) return false;
  std::copy(p, p + out.size(), out.begin());
  return true;
}

// A length-prefixed string whose length is checked against `max` first, so
// that an oversized label is reported as a limit, a short input as malformed.
trust_result<std::string> read_label_part(storage::byte_reader& r, const char* what,
                                          size_t max) {
  auto len = r.get_varint();
  if (!len) return malformed(std::string{"truncated "} + what + " length");
  if (*len > max)
    return make_error(trust_errc::limit, std::string{what} + " size "
                                             + std::to_string(*len) + " exceeds limit "
                                             + std::to_string(max));
  const uint8_t* p = nullptr;
  if (!r.get_raw(static_cast<size_t>(*len), p))
    return malformed(std::string{"truncated "} + what);
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(*len));
}

}  // namespace

void encode_to(storage::byte_writer& w, const assertion& a) {
  w.put_u8(assertion_version);
  w.put_u8(static_cast<uint8_t>(a.k));
  w.put_raw(a.issuer.data(), a.issuer.size());
  w.put_raw(a.subject.data(), a.subject.size());
  w.put_u8(static_cast<uint8_t>(a.lvl));
  w.put_u8(a.depth);
  w.put_u8(static_cast<uint8_t>(a.max_level));
  w.put_varint(a.issuer_seq);
  w.put_i64(a.created_ms);
  w.put_i64(a.expires_ms);
  w.put_varint(a.labels.size());
  for (const auto& [key, value] : a.labels) {
    w.put_string(key);
    w.put_string(value);
  }
}

std::vector<uint8_t> encode(const assertion& a) {
  storage::byte_writer w;
  w.reserve(128);
  encode_to(w, a);
  return w.take();
}

trust_result<assertion> read_assertion(storage::byte_reader& r, const limits& l) {
  auto version = r.get_u8();
  if (!version) return malformed("empty assertion");
  if (*version != assertion_version)
    return malformed("unknown assertion version " + std::to_string(*version));
  assertion a;
  auto k = r.get_u8();
  if (!k) return malformed("truncated kind");
  if (!valid_kind(*k)) return malformed("unknown kind " + std::to_string(*k));
  a.k = static_cast<kind>(*k);
  if (!read_key(r, a.issuer)) return malformed("truncated issuer");
  if (!read_key(r, a.subject)) return malformed("truncated subject");
  auto lvl = r.get_u8();
  auto depth = r.get_u8();
  auto max_level = r.get_u8();
  if (!lvl || !depth || !max_level) return malformed("truncated level fields");
  if (!valid_level(*lvl)) return malformed("level " + std::to_string(*lvl) + " > 4");
  if (!valid_level(*max_level))
    return malformed("max_level " + std::to_string(*max_level) + " > 4");
  a.lvl = static_cast<level>(*lvl);
  a.depth = *depth;
  a.max_level = static_cast<level>(*max_level);
  auto seq = r.get_varint();
  if (!seq) return malformed("truncated or overlong issuer_seq");
  a.issuer_seq = *seq;
  auto created = r.get_i64();
  if (!created) return malformed("truncated or overlong created_ms");
  a.created_ms = *created;
  auto expires = r.get_i64();
  if (!expires) return malformed("truncated or overlong expires_ms");
  a.expires_ms = *expires;
  auto count = r.get_varint();
  if (!count) return malformed("truncated label count");
  if (*count > l.max_labels)
    return make_error(trust_errc::limit, "label count " + std::to_string(*count)
                                             + " exceeds limit "
                                             + std::to_string(l.max_labels));
  a.labels.reserve(static_cast<size_t>(*count));
  for (uint64_t i = 0; i < *count; ++i) {
    auto key = read_label_part(r, "label key", l.max_label_key);
    if (!key) return key.error();
    auto value = read_label_part(r, "label value", l.max_label_value);
    if (!value) return value.error();
    a.labels.emplace_back(std::move(*key), std::move(*value));
  }
  if (auto st = validate(a, l); !st) return st.error();
  return a;
}

trust_result<assertion> decode_assertion(const uint8_t* data, size_t size,
                                         const limits& l) {
  storage::byte_reader r{data, size};
  auto a = read_assertion(r, l);
  if (!a) return a;
  if (!r.at_end())
    return malformed(std::to_string(r.remaining()) + " trailing bytes after assertion");
  return a;
}

std::vector<uint8_t> signing_bytes(const assertion& a) {
  storage::byte_writer w;
  w.reserve(assertion_domain.size() + 1 + 128);
  w.put_raw(reinterpret_cast<const uint8_t*>(assertion_domain.data()),
            assertion_domain.size());
  w.put_u8(0);
  encode_to(w, a);
  return w.take();
}

void encode_to(storage::byte_writer& w, const signed_assertion& s) {
  encode_to(w, s.a);
  w.put_raw(s.sig.data(), s.sig.size());
}

std::vector<uint8_t> encode(const signed_assertion& s) {
  storage::byte_writer w;
  w.reserve(192);
  encode_to(w, s);
  return w.take();
}

trust_result<signed_assertion> read_signed(storage::byte_reader& r, const limits& l) {
  auto a = read_assertion(r, l);
  if (!a) return a.error();
  signed_assertion s;
  s.a = std::move(*a);
  const uint8_t* p = nullptr;
  if (!r.get_raw(s.sig.size(), p)) return malformed("truncated signature");
  std::copy(p, p + s.sig.size(), s.sig.begin());
  return s;
}

trust_result<signed_assertion> decode_signed(const uint8_t* data, size_t size,
                                             const limits& l) {
  storage::byte_reader r{data, size};
  auto s = read_signed(r, l);
  if (!s) return s;
  if (!r.at_end())
    return malformed(std::to_string(r.remaining())
                     + " trailing bytes after signed assertion");
  return s;
}

}  // namespace nz::trust
