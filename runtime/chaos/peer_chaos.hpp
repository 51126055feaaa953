// Fault injection for traffic between peers, for chaos testing only (a node
// started with --enable-chaos; `nzctl chaos partition|heal|delay|drop`,
// docs/chaos.md). One object per process, shared by the operator (which sets
// it) and every peer session (which consults it for each frame it sends and
// each handshake it completes). Pure, no CAF; thread-safe.
//
// Rules:
// - partition(ids): frames to and from those peers are dropped at this node and
//   handshakes with them are refused, as if the network between them were cut;
//   the sessions then die by their failure detector and redial until heal().
// - delay(ms): every frame this node sends waits that long first (order kept).
// - drop(p): each application frame this node would send is dropped with
//   probability p before it is sealed (so the session's counters stay intact);
//   heartbeats and handshakes are not dropped.
// - heal(): clears all of it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace nz {

class peer_chaos {
 public:
  void partition(std::vector<std::string> node_ids);
  void heal();
  void set_delay(std::chrono::milliseconds d);
  /// REQUIRES: 0 <= p <= 1 (clamped).
  void set_drop(double p);

  /// True if traffic with this peer is cut (a node id, or a prefix of 8+ of one
  /// given to partition()).
  bool blocked(const std::string& node_id) const;
  std::chrono::milliseconds delay() const;
  /// One roll of the drop probability.
  bool roll_drop();
  /// A one-line description for `nzctl chaos status`.
  std::string describe() const;

 private:
  mutable std::mutex mtx_;
  std::vector<std::string> blocked_;
  std::chrono::milliseconds delay_{0};
  double drop_ = 0;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace nz
