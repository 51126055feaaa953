// The transport: frame layout, refusal of replayed, reordered, forged,
// truncated and oversized frames without state change, consecutive failures,
// rekeying by count and by time, counter exhaustion.
#include <doctest/doctest.h>
#include <sodium.h>

#include <cstring>

#include "actors/peer/noise/cipher_state.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "tests/unit/peer_session/session_test_util.hpp"

using namespace nz::peer;
using namespace nz::peer::test;
namespace noise = nz::peer::noise;

namespace {

/// Transport ciphers with known keys (as Split() would give): a's send key is
/// b's receive key and the other way round.
noise::transport_ciphers known_ciphers(bool first, uint64_t nonce = 0) {
  uint8_t k1[32], k2[32];
  for (int i = 0; i < 32; ++i) {
    k1[i] = static_cast<uint8_t>(i);
    k2[i] = static_cast<uint8_t>(0x80 + i);
  }
  noise::transport_ciphers t;
  t.send.initialize_key(first ? k1 : k2);
  t.recv.initialize_key(first ? k2 : k1);
  t.send.set_nonce(nonce);
  t.recv.set_nonce(nonce);
  return t;
}

session_pair known_sessions(const session_options& opts = {}, uint64_t nonce = 0) {
  auto a = session_cipher::create(known_ciphers(true, nonce), opts, 0);
  auto b = session_cipher::create(known_ciphers(false, nonce), opts, 0);
  REQUIRE(a);
  REQUIRE(b);
  return {std::move(*a), std::move(*b)};
}

/// Everything of the receiving side a refused frame must not change.
struct recv_snapshot {
  uint64_t next;
  uint64_t received;
  uint64_t rekeys;
  explicit recv_snapshot(const session_cipher& s)
      : next(s.next_recv_counter()),
        received(s.counters().received),
        rekeys(s.counters().rekeys_received) {}
  bool operator==(const recv_snapshot& o) const {
    return next == o.next && received == o.received && rekeys == o.rekeys;
  }
};

std::vector<uint8_t> seal_ok(session_cipher& s, std::string_view text, uint64_t now = 0) {
  auto f = s.seal(bytes_of(text), now);
  REQUIRE(f);
  return std::move(*f);
}

void open_ok(session_cipher& s, const std::vector<uint8_t>& frame, std::string_view text,
             uint64_t now = 0) {
  auto p = s.open(frame, now);
  REQUIRE(p);
  CHECK(*p == bytes_of(text));
}

}  // namespace

TEST_CASE("a frame is version, flags, big-endian counter and the AEAD over the header") {
  auto s = known_sessions();
  const auto f0 = seal_ok(s.a, "one");
  const auto f1 = seal_ok(s.a, "two");
  REQUIRE(f0.size() == frame_overhead + 3);
  CHECK(f0[0] == 1);
  CHECK(f0[1] == 0);
  for (int i = 2; i < 10; ++i) {
    CHECK(f0[i] == 0);
  }
  CHECK(f1[9] == 1);
  // Known answer: the ciphertext is Noise ENCRYPT(k, n, header, plaintext).
  auto ref = known_ciphers(true);
  auto ct = ref.send.encrypt({f1.data(), frame_header_len}, bytes_of("one"));
  REQUIRE(ct);
  CHECK(std::vector<uint8_t>(f0.begin() + frame_header_len, f0.end())
        != *ct);  // AD differs
  auto ref2 = known_ciphers(true);
  auto ct0 = ref2.send.encrypt({f0.data(), frame_header_len}, bytes_of("one"));
  REQUIRE(ct0);
  CHECK(std::vector<uint8_t>(f0.begin() + frame_header_len, f0.end()) == *ct0);
  open_ok(s.b, f0, "one");
  open_ok(s.b, f1, "two");
  CHECK(s.a.counters().sent == 2);
  CHECK(s.b.counters().received == 2);
  CHECK(s.b.next_recv_counter() == 2);
}

TEST_CASE("counters start at zero and increase by one in each direction") {
  auto s = make_sessions();
  for (uint64_t i = 0; i < 20; ++i) {
    CHECK(s.a.next_send_counter() == i);
    auto f = seal_ok(s.a, "x");
    CHECK(f[9] == i);
    open_ok(s.b, f, "x");
    auto g = seal_ok(s.b, "y");
    open_ok(s.a, g, "y");
  }
  CHECK(s.b.next_recv_counter() == 20);
  CHECK(s.a.next_recv_counter() == 20);
}

TEST_CASE("a replayed frame is dropped and counted and changes nothing") {
  auto s = make_sessions();
  auto f0 = seal_ok(s.a, "zero");
  auto f1 = seal_ok(s.a, "one");
  open_ok(s.b, f0, "zero");
  const recv_snapshot before{s.b};
  auto r = s.b.open(f0, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::replayed);
  CHECK(recv_snapshot{s.b} == before);
  CHECK(s.b.counters().dropped.replayed == 1);
  CHECK(s.b.counters().consecutive_failures == 1);
  open_ok(s.b, f1, "one");
  CHECK(s.b.counters().consecutive_failures == 0);
  auto again = s.b.open(f1, 0);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == session_errc::replayed);
  CHECK(s.b.counters().dropped.total() == 2);
}

TEST_CASE("a reordered frame is dropped and counted and the right one still opens") {
  auto s = make_sessions();
  auto f0 = seal_ok(s.a, "zero");
  auto f1 = seal_ok(s.a, "one");
  auto f2 = seal_ok(s.a, "two");
  const recv_snapshot before{s.b};
  auto r = s.b.open(f2, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::reordered);
  auto r1 = s.b.open(f1, 0);
  REQUIRE_FALSE(r1);
  CHECK(r1.error().code == session_errc::reordered);
  CHECK(recv_snapshot{s.b} == before);
  CHECK(s.b.counters().dropped.reordered == 2);
  open_ok(s.b, f0, "zero");
  open_ok(s.b, f1, "one");
  open_ok(s.b, f2, "two");
}

TEST_CASE("a frame tampered at any byte is dropped without changing the state") {
  auto s = make_sessions();
  auto f0 = seal_ok(s.a, "payload under test");
  auto f1 = seal_ok(s.a, "next");
  for (size_t i = 0; i < f0.size(); ++i) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
      auto bad = f0;
      bad[i] ^= mask;
      const recv_snapshot before{s.b};
      auto r = s.b.open(bad, 0);
      INFO("byte " << i << " mask " << int{mask});
      REQUIRE_FALSE(r);
      const auto c = r.error().code;
      if (i == 0 || (i == 1 && mask != 0x01)) {
        CHECK(c == session_errc::malformed);
      } else if (i >= 2 && i < 10) {
        CHECK(c == session_errc::reordered);  // counter above 0
      } else {
        CHECK(c == session_errc::forged);  // ciphertext, tag, or the rekey flag
      }
      CHECK(recv_snapshot{s.b} == before);
    }
  }
  CHECK(s.b.counters().dropped.forged == 2 * (f0.size() - frame_header_len) + 1);
  CHECK(s.b.should_close());  // far more than 16 failures in a row
  open_ok(s.b, f0, "payload under test");
  open_ok(s.b, f1, "next");
  CHECK_FALSE(s.b.should_close());
}

TEST_CASE("truncated frames are malformed or forged and change nothing") {
  auto s = make_sessions();
  auto f0 = seal_ok(s.a, "truncate me");
  for (size_t keep = 0; keep < f0.size(); ++keep) {
    std::vector<uint8_t> cut(f0.begin(), f0.begin() + static_cast<ptrdiff_t>(keep));
    auto r = s.b.open(cut, 0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code
          == (keep < frame_overhead ? session_errc::malformed : session_errc::forged));
  }
  CHECK(s.b.next_recv_counter() == 0);
  open_ok(s.b, f0, "truncate me");
}

TEST_CASE("oversized frames are too_long before anything else") {
  session_options opts;
  opts.max_plaintext = 100;
  auto s = make_sessions(opts);
  auto ok = s.a.seal(std::vector<uint8_t>(100, 7), 0);
  REQUIRE(ok);
  CHECK(ok->size() == 100 + frame_overhead);
  // One byte more than the largest frame, even with a garbage header.
  std::vector<uint8_t> big(100 + frame_overhead + 1, 0xff);
  auto r = s.b.open(big, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::too_long);
  CHECK(s.b.counters().dropped.too_long == 1);
  std::vector<uint8_t> huge(1 << 20, 0);
  auto r2 = s.b.open(huge, 0);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == session_errc::too_long);
  auto p = s.b.open(*ok, 0);
  REQUIRE(p);
  CHECK(p->size() == 100);
}

TEST_CASE("seal refuses a plaintext over max_plaintext before allocating") {
  session_options opts;
  opts.max_plaintext = 10;
  auto s = make_sessions(opts);
  auto r = s.a.seal(std::vector<uint8_t>(11, 0), 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::payload_too_long);
  CHECK(s.a.next_send_counter() == 0);
  CHECK(s.a.counters().sent == 0);
  // The default limit is the Noise limit.
  auto d = make_sessions();
  CHECK(d.a.seal(std::vector<uint8_t>(max_session_plaintext, 1), 0));
  auto over = d.a.seal(std::vector<uint8_t>(max_session_plaintext + 1, 1), 0);
  REQUIRE_FALSE(over);
  CHECK(over.error().code == session_errc::payload_too_long);
}

TEST_CASE("a frame at the default maximum size round trips") {
  auto s = make_sessions();
  std::vector<uint8_t> big(max_session_plaintext);
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<uint8_t>(i * 7);
  }
  auto f = s.a.seal(big, 0);
  REQUIRE(f);
  CHECK(f->size() == max_session_plaintext + frame_overhead);
  CHECK(f->size() == 65545);
  auto p = s.b.open(*f, 0);
  REQUIRE(p);
  CHECK(*p == big);
}

TEST_CASE("unknown versions and flag bits are malformed") {
  auto s = make_sessions();
  auto f = seal_ok(s.a, "x");
  for (uint8_t v : {uint8_t{0}, uint8_t{2}, uint8_t{0xff}}) {
    auto bad = f;
    bad[0] = v;
    auto r = s.b.open(bad, 0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::malformed);
  }
  for (uint8_t flags : {uint8_t{0x02}, uint8_t{0x80}, uint8_t{0x03}}) {
    auto bad = f;
    bad[1] = flags;
    auto r = s.b.open(bad, 0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == session_errc::malformed);
  }
  CHECK(s.b.counters().dropped.malformed == 6);
  open_ok(s.b, f, "x");
}

TEST_CASE(
    "consecutive failures make should_close true and a genuine frame resets the run") {
  auto s = make_sessions();
  auto f0 = seal_ok(s.a, "zero");
  auto f1 = seal_ok(s.a, "one");
  auto bad = f0;
  bad.back() ^= 1;
  for (int i = 0; i < 15; ++i) {
    REQUIRE_FALSE(s.b.open(bad, 0));
  }
  CHECK_FALSE(s.b.should_close());
  open_ok(s.b, f0, "zero");
  CHECK(s.b.counters().consecutive_failures == 0);
  for (int i = 0; i < 15; ++i) {
    REQUIRE_FALSE(s.b.open(f0, 0));  // replays
  }
  CHECK_FALSE(s.b.should_close());
  REQUIRE_FALSE(s.b.open(f0, 0));
  CHECK(s.b.counters().consecutive_failures == 16);
  CHECK(s.b.should_close());
  CHECK(s.b.counters().dropped.forged == 15);
  CHECK(s.b.counters().dropped.replayed == 16);
  open_ok(s.b, f1, "one");  // still works; the owner decides to close

  session_options opts;
  opts.max_consecutive_failures = 2;
  auto t = make_sessions(opts);
  auto g = seal_ok(t.a, "g");
  REQUIRE_FALSE(t.b.open(std::vector<uint8_t>(5, 0), 0));
  CHECK_FALSE(t.b.should_close());
  REQUIRE_FALSE(t.b.open(std::vector<uint8_t>(5, 0), 0));
  CHECK(t.b.should_close());
}

TEST_CASE("rekeying by count keeps traffic flowing both ways") {
  session_options opts;
  opts.rekey_messages = 5;
  auto s = make_sessions(opts);
  for (uint64_t i = 0; i < 53; ++i) {
    auto f = seal_ok(s.a, "a" + std::to_string(i));
    CHECK((f[1] == frame_flag_rekey) == (i > 0 && i % 5 == 0));
    open_ok(s.b, f, "a" + std::to_string(i));
    if (i % 3 == 0) {
      auto g = seal_ok(s.b, "b" + std::to_string(i));
      open_ok(s.a, g, "b" + std::to_string(i));
    }
  }
  CHECK(s.a.counters().rekeys_sent == 10);
  CHECK(s.b.counters().rekeys_received == 10);
  CHECK(s.b.counters().rekeys_sent == 3);  // 18 frames from b
  CHECK(s.a.counters().rekeys_received == 3);
  CHECK(s.b.counters().dropped.total() == 0);
}

TEST_CASE("the rekey is Noise REKEY of the sending key, at the flagged frame") {
  session_options opts;
  opts.rekey_messages = 2;
  auto s = known_sessions(opts);
  auto f0 = seal_ok(s.a, "0");
  auto f1 = seal_ok(s.a, "1");
  auto f2 = seal_ok(s.a, "2");
  REQUIRE(f2[1] == frame_flag_rekey);
  auto ref = known_ciphers(true);
  ref.send.set_nonce(2);
  REQUIRE(ref.send.rekey());
  auto ct = ref.send.encrypt({f2.data(), frame_header_len}, bytes_of("2"));
  REQUIRE(ct);
  CHECK(std::vector<uint8_t>(f2.begin() + frame_header_len, f2.end()) == *ct);
  open_ok(s.b, f0, "0");
  open_ok(s.b, f1, "1");
  open_ok(s.b, f2, "2");
}

TEST_CASE("rekeying by time uses the injected clock and keeps traffic flowing") {
  session_options opts;
  opts.rekey_interval_ms = 1000;
  auto s = make_sessions(opts, 5000);
  open_ok(s.b, seal_ok(s.a, "early", 5999), "early", 5999);
  auto f = seal_ok(s.a, "due", 6000);
  CHECK(f[1] == frame_flag_rekey);
  open_ok(s.b, f, "due", 6000);
  auto g = seal_ok(s.a, "after", 6500);
  CHECK(g[1] == 0);
  open_ok(s.b, g, "after", 6500);
  // A clock that goes backwards counts as no time passed.
  auto h = seal_ok(s.a, "back", 10);
  CHECK(h[1] == 0);
  open_ok(s.b, h, "back");
  // Idle for a long time: exactly one rekey at the next frame.
  auto i = seal_ok(s.a, "idle", 1'000'000);
  CHECK(i[1] == frame_flag_rekey);
  open_ok(s.b, i, "idle");
  auto j = seal_ok(s.a, "next", 1'000'001);
  CHECK(j[1] == 0);
  open_ok(s.b, j, "next", 1'000'001);
  // The other direction rekeys on its own schedule.
  auto k = seal_ok(s.b, "reply", 1'000'002);
  CHECK(k[1] == frame_flag_rekey);
  open_ok(s.a, k, "reply");
  CHECK(s.a.counters().rekeys_sent == 2);
  CHECK(s.b.counters().rekeys_received == 2);
  CHECK(s.b.counters().last_received_ms == 1'000'001);
}

TEST_CASE("a frame with the rekey flag tampered fails and changes nothing") {
  session_options opts;
  opts.rekey_messages = 1;
  auto s = make_sessions(opts);
  auto f0 = seal_ok(s.a, "zero");
  auto f1 = seal_ok(s.a, "one");
  REQUIRE(f0[1] == 0);
  REQUIRE(f1[1] == frame_flag_rekey);
  auto set = f0;
  set[1] = frame_flag_rekey;  // a rekey the sender did not do
  const recv_snapshot before{s.b};
  auto r = s.b.open(set, 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::forged);
  CHECK(recv_snapshot{s.b} == before);
  open_ok(s.b, f0, "zero");
  auto cleared = f1;
  cleared[1] = 0;  // hiding the sender's rekey
  auto r2 = s.b.open(cleared, 0);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code == session_errc::forged);
  CHECK(s.b.counters().rekeys_received == 0);
  open_ok(s.b, f1, "one");
  CHECK(s.b.counters().rekeys_received == 1);
}

TEST_CASE("exhausted counters stop the session") {
  auto s = known_sessions({}, noise::max_nonce - 1);
  auto f = seal_ok(s.a, "last");
  CHECK(f[9] == 0xfe);
  open_ok(s.b, f, "last");
  auto r = s.a.seal(bytes_of("one more"), 0);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == session_errc::exhausted);
  CHECK(s.a.should_close());
  auto forged = f;
  for (int i = 2; i < 10; ++i) {
    forged[i] = 0xff;
  }
  auto o = s.b.open(forged, 0);
  REQUIRE_FALSE(o);
  CHECK(o.error().code == session_errc::exhausted);
  CHECK(s.b.counters().dropped.exhausted == 1);
  CHECK(s.b.should_close());
}

TEST_CASE("options out of range are refused") {
  for (int field = 0; field < 5; ++field) {
    session_options o;
    if (field == 0) {
      o.max_plaintext = 0;
    }
    if (field == 1) {
      o.max_plaintext = max_session_plaintext + 1;
    }
    if (field == 2) {
      o.rekey_messages = 0;
    }
    if (field == 3) {
      o.rekey_interval_ms = 0;
    }
    if (field == 4) {
      o.max_consecutive_failures = 0;
    }
    auto st = validate(o);
    REQUIRE_FALSE(st);
    CHECK(st.error().code == session_errc::invalid_argument);
    auto c = session_cipher::create(known_ciphers(true), o, 0);
    REQUIRE_FALSE(c);
  }
  CHECK(validate(session_options{}));
  noise::transport_ciphers keyless;
  auto c = session_cipher::create(std::move(keyless), {}, 0);
  REQUIRE_FALSE(c);
  CHECK(c.error().code == session_errc::invalid_argument);
}
