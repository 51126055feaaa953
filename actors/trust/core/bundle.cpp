#include "actors/trust/core/bundle.hpp"

#include <cstring>
#include <string>

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/signature.hpp"

namespace nz::trust {

namespace {

constexpr uint8_t magic[4] = {'N', 'Z', 'T', 'B'};
constexpr size_t sig_size = 64;

trust_error malformed(std::string msg) {
  return make_error(trust_errc::malformed, "bundle: " + std::move(msg));
}

std::vector<uint8_t> signed_message(const uint8_t* data, size_t size) {
  std::vector<uint8_t> msg;
  // resize + memcpy: GCC 12 at -O3 reports a false stringop-overflow for
  // vector::insert of a pointer range here.
  msg.resize(bundle_domain.size() + 1 + size);
  std::memcpy(msg.data(), bundle_domain.data(), bundle_domain.size());
  msg[bundle_domain.size()] = 0;
  if (size > 0) std::memcpy(msg.data() + bundle_domain.size() + 1, data, size);
  return msg;
}

}  // namespace

trust_result<std::vector<uint8_t>> encode_bundle(const pubkey& exporter,
                                                 int64_t created_ms,
                                                 const std::vector<signed_assertion>& xs,
                                                 const sign_fn& sign, const limits& l) {
  if (xs.size() > l.max_bundle_assertions)
    return make_error(trust_errc::limit,
                      "bundle of " + std::to_string(xs.size())
                          + " assertions exceeds max_bundle_assertions "
                          + std::to_string(l.max_bundle_assertions));
  storage::byte_writer w;
  w.put_raw(magic, sizeof(magic));
  w.put_u8(bundle_version);
  w.put_raw(exporter.data(), exporter.size());
  w.put_i64(created_ms);
  w.put_varint(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    if (auto st = validate(xs[i].a, l); !st)
      return make_error(st.error().code, "bundle assertion " + std::to_string(i) + ": "
                                             + st.error().message);
    w.put_bytes(encode(xs[i]));
    if (w.size() + sig_size > l.max_bundle_bytes)
      return make_error(trust_errc::limit, "bundle exceeds max_bundle_bytes "
                                               + std::to_string(l.max_bundle_bytes));
  }
  auto msg = signed_message(w.bytes().data(), w.size());
  auto sig = sign(msg.data(), msg.size());
  w.put_raw(sig.data(), sig.size());
  return w.take();
}

trust_result<bundle> decode_bundle(const uint8_t* data, size_t size, const limits& l) {
  if (size > l.max_bundle_bytes)
    return make_error(trust_errc::limit, "bundle of " + std::to_string(size)
                                             + " bytes exceeds max_bundle_bytes "
                                             + std::to_string(l.max_bundle_bytes));
  if (size < sig_size) return malformed("truncated");
  storage::byte_reader r{data, size - sig_size};
  const uint8_t* p = nullptr;
  if (!r.get_raw(sizeof(magic), p) || std::memcmp(p, magic, sizeof(magic)) != 0)
    return malformed("bad magic");
  auto version = r.get_u8();
  if (!version) return malformed("truncated version");
  if (*version != bundle_version)
    return malformed("unknown version " + std::to_string(*version));
  bundle b;
  if (!r.get_raw(b.exporter.size(), p)) return malformed("truncated exporter key");
  std::memcpy(b.exporter.data(), p, b.exporter.size());
  auto created = r.get_i64();
  if (!created) return malformed("truncated created_ms");
  b.created_ms = *created;
  auto count = r.get_varint();
  if (!count) return malformed("truncated assertion count");
  if (*count > l.max_bundle_assertions)
    return make_error(trust_errc::limit,
                      "bundle of " + std::to_string(*count)
                          + " assertions exceeds max_bundle_assertions "
                          + std::to_string(l.max_bundle_assertions));
  // Each item takes at least min_assertion_size + 64 + 1 bytes: no reserve for
  // more items than the input could hold.
  b.assertions.reserve(
      std::min<uint64_t>(*count, r.remaining() / (min_assertion_size + 65)));
  for (uint64_t i = 0; i < *count; ++i) {
    auto where = "assertion " + std::to_string(i) + ": ";
    auto len = r.get_varint();
    if (!len || *len > r.remaining()) return malformed(where + "truncated");
    if (!r.get_raw(static_cast<size_t>(*len), p)) return malformed(where + "truncated");
    auto s = decode_signed(p, static_cast<size_t>(*len), l);
    if (!s) return make_error(s.error().code, "bundle: " + where + s.error().message);
    b.assertions.push_back(std::move(*s));
  }
  if (!r.at_end())
    return malformed(std::to_string(r.remaining())
                     + " trailing bytes before the signature");
  sig64 sig{};
  std::memcpy(sig.data(), data + size - sig_size, sig_size);
  auto msg = signed_message(data, size - sig_size);
  if (!verify_detached(sig, msg.data(), msg.size(), b.exporter))
    return make_error(
        trust_errc::bad_signature,
        "bundle: exporter signature by " + short_id(b.exporter) + " does not verify");
  return b;
}

}  // namespace nz::trust
