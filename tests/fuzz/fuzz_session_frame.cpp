// libFuzzer target: the session transport and frame body decoder
// (actors/peer/session): session_cipher::open on hostile frames and
// decode_frame_body on hostile plaintexts. Keys are fixed, so genuine frames
// are the same every run. data[0] picks the scenario, data[1] a parameter:
//   0  rest as a frame, opened after data[1] % 5 genuine frames (rekey every
//      2 frames, so rekey flags are live): a refused frame changes nothing
//      and the next genuine frame still opens
//   1  rest as a plaintext: seal, open, compare; then decode_frame_body of it,
//      and a decoded body must re-encode and decode to the same fields
//   2  the next genuine frame edited by rest (position, xor pairs): it opens
//      iff unchanged
//   3  decode_frame_body(rest) with max_body = data[1] * 4, and msgpack-c (the
//      reference, tests/support/msgpack_reference.hpp) must read it the same way
//   4  rest as a chan body (channel_codec): parse and decode agree, and what
//      is accepted re-encodes to the same bytes
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "actors/peer/channel_codec.hpp"
#include "actors/peer/session/frame_body.hpp"
#include "actors/peer/session/session_cipher.hpp"
#include "tests/support/msgpack_reference.hpp"

using namespace nz::peer;
namespace noise = nz::peer::noise;

namespace {

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

struct pair {
  session_cipher tx;
  session_cipher rx;
};

pair make_pair() {
  uint8_t k1[32], k2[32];
  for (int i = 0; i < 32; ++i) {
    k1[i] = static_cast<uint8_t>(i);
    k2[i] = static_cast<uint8_t>(0x80 + i);
  }
  noise::transport_ciphers a, b;
  a.send.initialize_key(k1);
  a.recv.initialize_key(k2);
  b.send.initialize_key(k2);
  b.recv.initialize_key(k1);
  session_options opts;
  opts.rekey_messages = 2;
  opts.max_plaintext = 4096;
  auto x = session_cipher::create(std::move(a), opts, 0);
  auto y = session_cipher::create(std::move(b), opts, 0);
  check(x && y);
  return {std::move(*x), std::move(*y)};
}

std::vector<uint8_t> seal(session_cipher& s, uint64_t i) {
  std::vector<uint8_t> pt(8 + i % 16, static_cast<uint8_t>(i));
  auto f = s.seal(pt, i);
  check(static_cast<bool>(f));
  return std::move(*f);
}

void check_body(const frame_body& d, size_t max_body) {
  check(valid_frame_type(d.type));
  check(d.trace.size() <= max_trace_len);
  check(d.body.size() <= max_body);
  auto e = encode_frame_body(d, max_body);
  check(static_cast<bool>(e));
  auto d2 = decode_frame_body(*e, max_body);
  check(d2 && d2->type == d.type && d2->trace == d.trace && d2->body == d.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  const unsigned scenario = data[0] % 5;
  const uint8_t param = data[1];
  const noise::bytes_view rest{data + 2, size - 2};
  switch (scenario) {
    case 0: {
      auto p = make_pair();
      const unsigned before = param % 5;
      for (unsigned i = 0; i < before; ++i) {
        check(static_cast<bool>(p.rx.open(seal(p.tx, i), i)));
      }
      const auto next = seal(p.tx, before);
      const uint64_t counter = p.rx.next_recv_counter();
      auto r = p.rx.open(rest, 100);
      if (r) {
        // Only the genuine next frame can open.
        check(rest.size == next.size()
              && std::equal(next.begin(), next.end(), rest.data));
        return 0;
      }
      check(is_peer_error(r.error().code));
      check(p.rx.next_recv_counter() == counter);
      check(p.rx.counters().dropped.total() == 1);
      check(static_cast<bool>(p.rx.open(next, 101)));
      break;
    }
    case 1: {
      auto p = make_pair();
      auto f = p.tx.seal(rest, 0);
      if (rest.size > p.tx.options().max_plaintext) {
        check(!f && f.error().code == session_errc::payload_too_long);
        return 0;
      }
      check(static_cast<bool>(f));
      auto pt = p.rx.open(*f, 0);
      check(pt && pt->size() == rest.size
            && std::equal(pt->begin(), pt->end(), rest.data));
      auto d = decode_frame_body(*pt);
      if (d) {
        check_body(*d, default_max_body);
      } else {
        check(is_peer_error(d.error().code));
      }
      break;
    }
    case 2: {
      auto p = make_pair();
      const unsigned before = param % 5;
      for (unsigned i = 0; i < before; ++i) {
        check(static_cast<bool>(p.rx.open(seal(p.tx, i), i)));
      }
      const auto genuine = seal(p.tx, before);
      auto edited = genuine;
      for (size_t i = 0; i + 1 < rest.size; i += 2) {
        edited[rest.data[i] % edited.size()] ^= rest.data[i + 1];
      }
      const bool changed = edited != genuine;
      auto r = p.rx.open(edited, 100);
      check(static_cast<bool>(r) == !changed);
      if (changed) {
        check(static_cast<bool>(p.rx.open(genuine, 101)));
      }
      break;
    }
    case 3: {
      const size_t max_body = size_t{param} * 4;
      auto d = decode_frame_body(rest, max_body);
      if (d) {
        check_body(*d, max_body);
      } else {
        check(is_peer_error(d.error().code));
      }
      // msgpack-c, the reference, reads the same bytes the same way.
      auto want = nz::peer::test::reference_frame_body(rest.data, rest.size, max_body);
      check(static_cast<bool>(d) == want.has_value());
      if (d)
        check(d->type == want->type && d->trace == want->trace && d->body == want->body);
      break;
    }
    case 4: {
      // A chan body (actors/peer/channel_codec.hpp): accepted only in its one
      // canonical encoding, which re-encodes to the same bytes.
      auto v = nz::peer::parse_channel_frame(rest.data, rest.size);
      auto c = nz::peer::decode_channel_frame(
          std::vector<uint8_t>(rest.data, rest.data + rest.size));
      check(static_cast<bool>(v) == static_cast<bool>(c));
      if (!c) break;
      check(nz::peer::valid_channel_name(c->channel));
      check(c->payload.size() <= nz::peer::max_channel_payload);
      auto again = nz::peer::encode_channel_frame(*c);
      check(again.size() == rest.size
            && std::equal(again.begin(), again.end(), rest.data));
      check(
          nz::peer::channel_frame_size(c->channel, c->id, c->reply_to, c->payload.size())
          == rest.size);
      break;
    }
  }
  return 0;
}
