// The peer manager's inbox of channel messages and its long polls
// (actors/peer/manager_state.hpp).
#include "actors/peer/manager_state.hpp"

#include "actors/peer/manager/peer_lookup.hpp"

namespace nz::peer_manager_detail {

/// The one session whose node id is `who` or starts with it (8+ characters).
std::optional<caf::actor> find_peer(self_ptr self, const std::string& who,
                                    std::string& why) {
  auto r = peer::find_by_prefix(self->state.by_node, who);
  if (r.status == peer::lookup_status::found) return *r.value;
  why = r.status == peer::lookup_status::none
            ? "no session with a peer '" + who + "' (see nzctl peers)"
            : "'" + who + "' matches several peers";
  return std::nullopt;
}

channel_batch batch_after(const manager_state& st, const std::string& channel,
                          uint64_t after) {
  channel_batch b;
  b.next = after;
  for (auto& m : st.inbox)
    if (m.seq > after && m.channel == channel) {
      b.messages.push_back(m);
      b.next = m.seq;
    }
  if (b.messages.empty() && st.next_seq > 1 && after < st.next_seq - 1)
    b.next = st.next_seq - 1;  // skip what other channels used
  return b;
}

/// Files one received message: answers the request it replies to, if any,
/// and appends it to the inbox (bounded). Listeners are woken by wake_listeners.
void store(self_ptr self, channel_message m) {
  auto& st = self->state;
  if (m.reply_to != 0) {
    auto i = st.requests.find({m.from, m.reply_to});
    if (i != st.requests.end()) {
      if (!i->second->done) {
        i->second->done = true;
        i->second->rp.deliver(m.payload);
      }
      st.requests.erase(i);
    }
  }
  m.seq = st.next_seq++;
  st.inbox_bytes += m.payload.size();
  st.inbox.push_back(std::move(m));
  while (st.inbox.size() > max_inbox_messages || st.inbox_bytes > max_inbox_bytes) {
    st.inbox_bytes -= st.inbox.front().payload.size();
    st.inbox.pop_front();
  }
}

/// Answers every listener that now has messages on its channel.
void wake_listeners(self_ptr self) {
  auto& st = self->state;
  std::vector<std::shared_ptr<listener>> keep;
  for (auto& l : st.listeners) {
    if (l->done) continue;
    auto b = batch_after(st, l->channel, l->after);
    if (!b.messages.empty()) {
      l->done = true;
      l->rp.deliver(std::move(b));
    } else {
      keep.push_back(l);
    }
  }
  st.listeners = std::move(keep);
}

}  // namespace nz::peer_manager_detail
