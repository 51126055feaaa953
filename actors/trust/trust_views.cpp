#include "actors/trust/trust_views.hpp"

#include <algorithm>

#include <sodium.h>

#include "actors/trust/core/keys.hpp"
#include "actors/trust/core/level.hpp"

namespace nz::trust {

namespace {

bool is_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

void append_record(const record& r, std::vector<signed_assertion>& out) {
  for (auto* slot : {&r.set_level, &r.delegate, &r.revoke})
    if (*slot) out.push_back(**slot);
}

}  // namespace

nz::trust_entry view_of(const assertion& a, uint64_t log_seq) {
  nz::trust_entry e;
  e.log_seq = log_seq;
  e.kind = to_string(a.k);
  e.issuer = node_id_of(a.issuer);
  e.subject = node_id_of(a.subject);
  e.subject_key = to_hex(a.subject);
  e.level = static_cast<uint8_t>(a.lvl);
  e.depth = a.depth;
  e.max_level = static_cast<uint8_t>(a.max_level);
  e.issuer_seq = a.issuer_seq;
  e.created_ms = a.created_ms;
  e.expires_ms = a.expires_ms;
  for (auto& [k, v] : a.labels) e.labels.push_back(k + "=" + v);
  return e;
}

nz::trust_verdict view_of(const verdict& v, const pubkey& subject) {
  nz::trust_verdict out;
  out.subject = node_id_of(subject);
  out.subject_key = to_hex(subject);
  out.level = static_cast<uint8_t>(v.lvl);
  out.revoked = v.revoked;
  for (auto& h : v.path) {
    nz::trust_entry e;
    e.kind = to_string(h.k);
    e.issuer = node_id_of(h.issuer);
    e.subject = node_id_of(h.subject);
    e.subject_key = to_hex(h.subject);
    e.issuer_seq = h.issuer_seq;
    if (h.k == kind::delegate)
      e.max_level = static_cast<uint8_t>(h.lvl);
    else
      e.level = static_cast<uint8_t>(h.lvl);
    out.path.push_back(std::move(e));
  }
  return out;
}

trust_result<pubkey> parse_subject(const trust_set& ts, const std::string& text) {
  pubkey pk{};
  if (text.size() == 64 && is_hex(text)) {
    if (auto known = ts.find_node_id(text)) return *known;
    size_t len = 0;
    if (sodium_hex2bin(pk.data(), pk.size(), text.data(), text.size(), nullptr, &len,
                       nullptr)
            == 0
        && len == pk.size())
      return pk;
  }
  if (text.size() == 44) {
    size_t len = 0;
    if (sodium_base642bin(pk.data(), pk.size(), text.data(), text.size(), nullptr, &len,
                          nullptr, sodium_base64_VARIANT_ORIGINAL)
            == 0
        && len == pk.size())
      return pk;
  }
  if (text.size() >= 8 && text.size() < 64 && is_hex(text)) return ts.find_node_id(text);
  return make_error(trust_errc::malformed,
                    "'" + text.substr(0, 80)
                        + "' is neither an Ed25519 public key (64 hex digits or base64)"
                          " nor a node id");
}

trust_result<std::vector<label>> parse_labels(const std::vector<std::string>& xs) {
  std::vector<label> out;
  for (auto& x : xs) {
    auto eq = x.find('=');
    if (eq == std::string::npos || eq == 0)
      return make_error(trust_errc::malformed, "label '" + x + "' is not key=value");
    out.emplace_back(x.substr(0, eq), x.substr(eq + 1));
  }
  std::sort(out.begin(), out.end());
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].first == out[i - 1].first)
      return make_error(trust_errc::malformed,
                        "label key '" + out[i].first + "' repeated");
  return out;
}

std::vector<signed_assertion> own_assertions(const trust_set& ts) {
  std::vector<signed_assertion> out;
  for (auto& [subject, r] : ts.own_records()) append_record(r, out);
  return out;
}

std::vector<signed_assertion> foreign_assertions(const trust_set& ts) {
  std::vector<signed_assertion> out;
  for (auto& [issuer, by_subject] : ts.foreign_records())
    for (auto& [subject, r] : by_subject) append_record(r, out);
  return out;
}

}  // namespace nz::trust
