// Simultaneous opens: when A dials B while B dials A, each side ends up with two
// sessions to the other, one it initiated (outbound) and one it accepted
// (inbound). Both sides must close the same one without talking about it.
//
// Rule (docs/peer-manager.md, "Tie-break"): keep the session initiated by the
// node with the smaller node id, comparing the 32 node id bytes
// lexicographically as unsigned bytes (for node ids in hex: digit by digit,
// either case). Each side knows both ids after the handshake, so both reach the
// same answer.
//
// Thread rules: pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nz::peer {

/// Raw node id bytes (the BLAKE2b-256 digest of the Ed25519 public key).
using node_id_bytes = std::array<uint8_t, 32>;

/// True if the session we initiated is the one to keep, i.e. my id < peer id.
/// Equal ids mean a connection to ourselves, which the session layer refuses
/// before this point; the answer for them is false.
inline bool keep_outbound(const node_id_bytes& mine, const node_id_bytes& peer) {
  for (size_t i = 0; i < mine.size(); ++i)
    if (mine[i] != peer[i]) return mine[i] < peer[i];
  return false;
}

namespace detail {

/// A hex digit's value, or 16 for anything else (sorts after every digit).
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 16;
}

}  // namespace detail

/// The same rule for node ids in hex (64 digits, either case): digit-wise
/// comparison of hex equals bytewise comparison of the bytes. REQUIRES: both
/// are valid node ids; for other strings the answer is deterministic but
/// meaningless (a non-digit sorts after every digit, a prefix before the id).
constexpr bool keep_outbound(std::string_view mine, std::string_view peer) {
  size_t n = mine.size() < peer.size() ? mine.size() : peer.size();
  for (size_t i = 0; i < n; ++i) {
    int a = detail::hex_value(mine[i]);
    int b = detail::hex_value(peer[i]);
    if (a != b) return a < b;
  }
  return mine.size() < peer.size();
}

}  // namespace nz::peer
