// Constants of the peer protocol, version 1 (docs/protocol.md): the protocol
// version every part binds, the handshake's prologue label and the size limits
// that are fixed by the wire format rather than configured.
//
// Thread rules: constants only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nz::peer {

/// The peer protocol version this code speaks. It is bound into the
/// handshake prologue and the binding signature; nodes with different
/// versions fail the handshake.
inline constexpr uint16_t protocol_version = 1;

/// The prologue is this label followed by the protocol version (u16, big
/// endian): "nz-peer-v1" 00 01 for version 1.
inline constexpr std::string_view prologue_label = "nz-peer-v1";

/// The largest binding payload accepted (version 1 bindings are 102 bytes).
inline constexpr size_t max_binding_len = 256;

/// The largest handshake message accepted, checked before the Noise core
/// sees it: XX message 2 is e (32) + encrypted s (32 + 16) + encrypted
/// binding (at most 256 + 16).
inline constexpr size_t max_handshake_message_len = 32 + 48 + max_binding_len + 16;

}  // namespace nz::peer
