// Timers for the peer plane's brokers (peer_gate, peer_link).
//
// A broker must not delayed_send to itself: the delayed message carries the
// broker as its sender, and one that arrives after the broker ended (a broker
// ended by its connection closing is left with an open mailbox in CAF 0.17.6)
// stays in that mailbox for good, holding its own sender: the dead broker is
// never freed. Measured: about 1.9 KB kept per connection that closed before
// its link's handshake deadline (tests/bench/peer/conn_churn.py).
//
// So broker timers are anonymous messages (no sender) that carry a token only
// the broker knows: `(Atom, token)`. The broker accepts a timer message only if
// it has no sender and the token matches (no other actor can end a handshake
// or a throttling pause early by guessing).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include <caf/send.hpp>

namespace nz::peer {

/// A token for one broker's timers (random, drawn once per broker).
inline uint64_t make_timer_token() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng() | 1;  // never 0
}

/// Sends `(Atom, token)` to `self` after `delay`, with no sender.
template <class Atom, class Self>
void arm_broker_timer(Self* self, std::chrono::milliseconds delay, uint64_t token) {
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay, Atom::value, token);
}

/// True if the current message is this broker's own timer (see above).
template <class Self>
bool own_timer(Self* self, uint64_t token, uint64_t expected) {
  return self->current_sender() == nullptr && token == expected;
}

}  // namespace nz::peer
