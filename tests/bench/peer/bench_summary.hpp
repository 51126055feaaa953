// The peer benchmark's figures per repetition and its closing summary (medians
// of the repetitions, each repetition's figure in brackets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nz::bench {

/// Repetitions of every measurement.
inline constexpr int repeats = 3;
/// The payload sizes, in the order of repetition::by_size.
inline constexpr size_t sizes[] = {64, 1024, 16384};
/// Where the defaults phase's sustained rate starts: past the 40,000-record
/// burst of the default frame-rate bucket.
inline constexpr uint64_t defaults_mark = 50000;

struct size_figures {
  double sealed = 0, direct = 0, plain = 0, raw = 0, core = 0;  ///< messages per second
  double posted = 0;    ///< sealed one-way (peer_post)
  double routed = 0;    ///< sealed one-way straight to the session (peer_route)
  double per_poll = 0;  ///< sealed: messages per listen reply
};

struct hs_figures {
  double rate = 0, p50 = 0, p99 = 0;
};

struct repetition {
  size_figures by_size[3];
  hs_figures seq, conc, mem_hs;  ///< conc: only with hs_in_flight > 1
  double core_hs = 0;
  double rtt_p50 = 0, rtt_p99 = 0;
  double recv_per_session = 0, send_per_session = 0;  ///< bytes
  double recv_before = 0, recv_after = 0;             ///< bytes
  double maps_per_session = 0;                        ///< receiver memory mappings
};

/// At the node's default limits (once, after the repetitions): a sealed 1 KiB
/// stream long enough to outlast the frame-rate burst, and handshake attempts
/// one at a time against the default admission limits.
struct defaults_figures {
  uint64_t messages = 0;
  double rate = 0;       ///< whole stream
  double sustained = 0;  ///< after the first defaults_mark messages
  double throttled = 0;  ///< receiver's nzcore_peer_throttled_total
  uint64_t attempts = 0, established = 0;
  double refused = 0;  ///< receiver's handshake failures {rate_per_source}
  double half_open_refused = 0;
  hs_figures hs;
  double hs_seconds = 0;
};

/// Prints the summary of all repetitions and the defaults phase.
void summary(const std::vector<repetition>& reps, uint64_t hs_in_flight,
             const defaults_figures& d);

}  // namespace nz::bench
