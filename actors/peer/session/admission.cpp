#include "actors/peer/session/admission.hpp"

#include "actors/peer/noise/hex.hpp"

namespace nz::peer {

namespace {

/// Case-insensitive equality of an allow-list entry and lowercase hex.
bool same_hex(std::string_view entry, std::string_view lower_hex) {
  if (entry.size() != lower_hex.size()) {
    return false;
  }
  for (size_t i = 0; i < entry.size(); ++i) {
    char c = entry[i];
    if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != lower_hex[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const char* to_string(admission_policy x) {
  switch (x) {
    case admission_policy::open:
      return "open";
    case admission_policy::trusted:
      return "trusted";
    case admission_policy::allow_list:
      return "allow_list";
  }
  return "unknown";
}

std::optional<admission_policy> parse_admission_policy(std::string_view name) {
  if (name == "open") {
    return admission_policy::open;
  }
  if (name == "trusted") {
    return admission_policy::trusted;
  }
  if (name == "allow_list") {
    return admission_policy::allow_list;
  }
  return std::nullopt;
}

const char* to_string(refusal x) {
  switch (x) {
    case refusal::not_trusted:
      return "not_trusted";
    case refusal::revoked:
      return "revoked";
    case refusal::not_listed:
      return "not_listed";
  }
  return "unknown";
}

admission_decision decide(admission_policy policy, const binding& peer,
                          const peer_standing& standing, uint8_t min_level,
                          const std::vector<std::string>& allow_list) {
  if (standing.revoked) {
    return {refusal::revoked};
  }
  switch (policy) {
    case admission_policy::open:
      return {};
    case admission_policy::trusted:
      if (standing.level > max_trust_level || standing.level < min_level) {
        return {refusal::not_trusted};
      }
      return {};
    case admission_policy::allow_list: {
      const std::string key_hex = noise::hex_encode(peer.ed25519_public);
      for (const auto& entry : allow_list) {
        if (same_hex(entry, peer.node_id) || same_hex(entry, key_hex)) {
          return {};
        }
      }
      return {refusal::not_listed};
    }
  }
  return {refusal::not_trusted};
}

}  // namespace nz::peer
