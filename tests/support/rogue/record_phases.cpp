// Malformed and oversized records on the peer port (phases.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include "support/rogue/noise_client.hpp"
#include "support/rogue/phases.hpp"
#include "support/rogue/raw_conn.hpp"

namespace nz::rogue {

namespace {

using peer::record_kind;

/// A well-formed hello: a real Noise message 1 (a fresh ephemeral key).
bytes hello_record() {
  auto kp = peer::noise::keypair::generate();
  bytes msg1(kp.public_key_bytes.begin(), kp.public_key_bytes.end());
  return *peer::encode_record(record_kind::hello, msg1.data(), msg1.size());
}

bytes rec(record_kind k, const bytes& payload) {
  return *peer::encode_record(k, payload.data(), payload.size());
}

bytes concat(std::vector<bytes> parts) {
  bytes out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// Sends `data` on a fresh connection and waits (at most `limit_ms`) for the
/// target to close it.
void one_case(const options& o, const char* phase, const std::string& name,
              const bytes& data, int64_t limit_ms) {
  std::string err;
  auto conn = raw_conn::open(*o.peer, next_source(o), err);
  if (!conn) {
    say(phase, " ", name, ": ", err);
    result(phase, " case=", name, " closed_ms=connect_failed");
    return;
  }
  bool sent = conn->send_bytes(data);
  auto closed = conn->wait_closed(limit_ms);
  say(phase, " ", name, ": sent ", data.size(), " bytes", sent ? "" : " (not all taken)",
      "; ",
      closed >= 0 ? "closed by the target after " + std::to_string(closed) + " ms"
                  : "still open after " + std::to_string(limit_ms) + " ms",
      "; records received: ", conn->kinds_seen().empty() ? "none" : conn->kinds_seen());
  result(phase, " case=", name, " closed_ms=", closed,
         " kinds=", conn->kinds_seen().empty() ? "-" : conn->kinds_seen());
}

}  // namespace

void phase_records(const options& o) {
  // Closed at once: well below the handshake timeout.
  auto limit = std::min<int64_t>(o.handshake_timeout_ms / 2, 2000);
  one_case(o, "record", "length0", raw_conn::raw_record(0, 0, {}), limit);
  one_case(o, "record", "kind0", raw_conn::raw_record(1, 0, {}), limit);
  one_case(o, "record", "kind6", raw_conn::raw_record(5, 6, random_bytes(4)), limit);
  one_case(o, "record", "kind255", raw_conn::raw_record(1, 255, {}), limit);
  one_case(o, "record", "abort_payload", raw_conn::raw_record(3, 5, {0xde, 0xad}), limit);
  one_case(o, "record", "first_frame", rec(record_kind::frame, random_bytes(40)), limit);
  one_case(o, "record", "first_abort", rec(record_kind::abort, {}), limit);
  one_case(o, "record", "first_handshake2",
           rec(record_kind::handshake2, random_bytes(96)), limit);
  one_case(o, "record", "handshake3_then_hello",
           concat({rec(record_kind::handshake3, random_bytes(64)), hello_record()}),
           limit);
  one_case(o, "record", "two_hellos", concat({hello_record(), hello_record()}), limit);
}

void phase_oversize(const options& o) {
  auto limit = std::min<int64_t>(o.handshake_timeout_ms / 2, 2000);
  struct claim {
    const char* name;
    uint32_t len;
  };
  for (auto c : {claim{"512mib", 512u << 20}, claim{"4gib", 0xFFFFFFFFu},
                 claim{"max_plus_1", peer::max_record_len + 1}}) {
    std::string err;
    auto conn = raw_conn::open(*o.peer, next_source(o), err);
    if (!conn) {
      result("oversize case=", c.name, " closed_ms=connect_failed");
      continue;
    }
    rss_sampler rss{o.watch_pid};
    // The header, a valid kind and the first 4 KiB of the announced payload.
    conn->send_bytes(raw_conn::raw_record(c.len, 1, random_bytes(4096)));
    auto closed = conn->wait_closed(limit);
    // Keep sampling a moment after the close: an allocation made on the
    // header would show now.
    sleep_ms(300);
    rss.stop();
    say("oversize ", c.name, ": header announcing ", c.len, " bytes; ",
        closed >= 0 ? "closed after " + std::to_string(closed) + " ms" : "still open",
        "; target VmRSS ", rss.before(), " -> peak ", rss.peak(), " KiB");
    result("oversize case=", c.name, " announced=", c.len, " closed_ms=", closed,
           " rss_before_kib=", rss.before(), " rss_growth_kib=", rss.growth());
  }
}

}  // namespace nz::rogue
