// Command line of the rogue node (tests/support/rogue/rogue_main.cpp has the
// usage text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nz::rogue {

struct endpoint {
  std::string host;
  uint16_t port = 0;
};

struct options {
  /// The target's peer port (raw TCP) and admin port (BASP, 127.0.0.1).
  std::optional<endpoint> peer;
  std::optional<endpoint> admin;
  std::vector<std::string> phases;
  /// The target's pid, for VmRSS samples (0: no samples).
  int watch_pid = 0;
  /// 64 hex digits: the Ed25519 seed of the rogue's own identity (the one the
  /// test may make the target trust). Empty: a fresh random identity.
  std::string seed_hex;
  /// The target's peer-handshake-timeout in ms: how long slow attacks wait.
  int64_t handshake_timeout_ms = 5000;
  /// "A.B": attack connections come from 127-net source addresses A.B.x.y
  /// (each connection its own address unless a phase says otherwise), so that
  /// the per-source handshake rate does not mix phases up.
  std::string source_net = "127.1";
  /// Connections of the one-source flood, and of the half-open flood.
  int flood_conns = 40;
  int half_open_conns = 24;
  /// Sealed frames of the frame flood, and the plaintext body size of each.
  int frames = 20000;
  size_t frame_body = 16;
  /// Admin-port phases: the actor ids guessed, the wait for reactions, and the
  /// client name of the lockout phase.
  uint64_t first_id = 1;
  uint64_t last_id = 300;
  int settle_ms = 800;
  std::string lockout_client = "nzctl:root";
};

/// Parses argv; nullopt on any error (the caller prints the usage).
std::optional<options> parse_options(int argc, char** argv);

/// The next source address of `o.source_net` (127.X.Y.1, 127.X.Y.2, ...).
std::string next_source(const options& o);

}  // namespace nz::rogue
