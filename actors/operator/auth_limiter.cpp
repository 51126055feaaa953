#include "actors/operator/auth_limiter.hpp"

#include <algorithm>
#include <stdexcept>

#include "storage/byte_codec.hpp"

namespace nz {

namespace {

constexpr uint8_t failure_tag = 1;
constexpr uint8_t success_tag = 2;
constexpr uint8_t snapshot_version = 2;
constexpr size_t max_client_name = 128;
constexpr size_t max_snapshot_clients = 1'000'000;
constexpr uint64_t max_recent_failures = 1000;

std::string bounded(const std::string& client) {
  return client.size() <= max_client_name ? client : client.substr(0, max_client_name);
}

std::vector<uint8_t> make_change(uint8_t tag, const std::string& client, int64_t now_ms) {
  storage::byte_writer w;
  w.put_u8(tag);
  w.put_i64(now_ms);
  w.put_string(bounded(client));
  return w.take();
}

}  // namespace

auth_decision auth_limiter::check(const std::string& client, int64_t now_ms) const {
  auth_decision d;
  auto i = clients_.find(bounded(client));
  if (i != clients_.end()) {
    for (auto t : i->second.recent)
      if (now_ms - t < limits_.lockout_ms) ++d.failures;
    if (i->second.locked_until_ms > now_ms) {
      d.outcome = auth_outcome::locked_out;
      d.retry_after_ms = i->second.locked_until_ms - now_ms;
      return d;
    }
  }
  auto first_live =
      std::find_if(global_failures_.begin(), global_failures_.end(),
                   [&](int64_t t) { return now_ms - t < limits_.global_window_ms; });
  auto live = static_cast<size_t>(global_failures_.end() - first_live);
  if (live >= limits_.global_budget) {
    d.outcome = auth_outcome::throttled;
    d.retry_after_ms = *first_live + limits_.global_window_ms - now_ms;
  }
  return d;
}

std::vector<uint8_t> auth_limiter::failure_change(const std::string& client,
                                                  int64_t now_ms) {
  return make_change(failure_tag, client, now_ms);
}

std::vector<uint8_t> auth_limiter::success_change(const std::string& client,
                                                  int64_t now_ms) {
  return make_change(success_tag, client, now_ms);
}

void auth_limiter::expire(int64_t now_ms) {
  while (!global_failures_.empty()
         && now_ms - global_failures_.front() >= limits_.global_window_ms)
    global_failures_.pop_front();
  for (auto i = clients_.begin(); i != clients_.end();) {
    auto& r = i->second;
    auto live = std::find_if(r.recent.begin(), r.recent.end(),
                             [&](int64_t t) { return now_ms - t < limits_.lockout_ms; });
    r.recent.erase(r.recent.begin(), live);
    r.failures = static_cast<uint32_t>(r.recent.size());
    if (r.locked_until_ms <= now_ms)
      r.locked_until_ms = 0;  // an expired lockout starts a fresh count
    if (r.recent.empty() && r.locked_until_ms == 0)
      i = clients_.erase(i);
    else
      ++i;
  }
}

void auth_limiter::evict_if_full() {
  while (clients_.size() > limits_.max_clients) {
    auto victim = clients_.end();
    for (auto i = clients_.begin(); i != clients_.end(); ++i) {
      if (i->second.locked_until_ms != 0) continue;
      if (victim == clients_.end()
          || i->second.last_failure_ms < victim->second.last_failure_ms)
        victim = i;
    }
    if (victim == clients_.end()) return;  // everyone is locked out; keep them all
    clients_.erase(victim);
  }
}

void auth_limiter::apply(const std::vector<uint8_t>& change) {
  storage::byte_reader r{change};
  auto tag = r.get_u8();
  auto now = r.get_i64();
  auto client = r.get_string(max_client_name);
  if (!tag || !now || !client || !r.at_end()
      || (*tag != failure_tag && *tag != success_tag))
    throw std::runtime_error("auth_limiter: malformed journal entry");
  expire(*now);
  if (*tag == success_tag) {
    auto i = clients_.find(*client);
    if (i != clients_.end() && i->second.locked_until_ms <= *now) clients_.erase(i);
    return;
  }
  global_failures_.push_back(*now);
  auto& rec = clients_[*client];
  rec.last_failure_ms = *now;
  if (rec.locked_until_ms > *now)
    return;  // already locked out (a failure racing the lockout): nothing to add
  rec.recent.push_back(*now);
  if (rec.recent.size() >= limits_.max_failures) {
    rec.locked_until_ms = *now + limits_.lockout_ms;
    rec.recent.clear();
    ++lockouts_;
  }
  rec.failures = static_cast<uint32_t>(rec.recent.size());
  evict_if_full();
}

std::vector<uint8_t> auth_limiter::encode() const {
  storage::byte_writer w;
  w.put_u8(snapshot_version);
  w.put_varint(lockouts_);
  w.put_varint(global_failures_.size());
  for (auto t : global_failures_) w.put_i64(t);
  w.put_varint(clients_.size());
  for (auto& [name, rec] : clients_) {
    w.put_string(name);
    w.put_varint(rec.recent.size());
    for (auto t : rec.recent) w.put_i64(t);
    w.put_i64(rec.last_failure_ms);
    w.put_i64(rec.locked_until_ms);
  }
  return w.take();
}

bool auth_limiter::decode(const std::vector<uint8_t>& data, auth_limiter& out) {
  storage::byte_reader r{data};
  auto version = r.get_u8();
  auto lockouts = r.get_varint();
  auto n_global = r.get_varint();
  if (!version || *version != snapshot_version || !lockouts || !n_global
      || *n_global > r.remaining())
    return false;
  auth_limiter tmp{out.limits_};
  tmp.lockouts_ = *lockouts;
  for (uint64_t k = 0; k < *n_global; ++k) {
    auto t = r.get_i64();
    if (!t) return false;
    tmp.global_failures_.push_back(*t);
  }
  auto n_clients = r.get_varint();
  if (!n_clients || *n_clients > max_snapshot_clients || *n_clients > r.remaining())
    return false;
  for (uint64_t k = 0; k < *n_clients; ++k) {
    auto name = r.get_string(max_client_name);
    auto n = r.get_varint();
    if (!name || !n || *n > max_recent_failures || *n > r.remaining()) return false;
    client_record rec;
    for (uint64_t j = 0; j < *n; ++j) {
      auto t = r.get_i64();
      if (!t) return false;
      rec.recent.push_back(*t);
    }
    auto last = r.get_i64();
    auto until = r.get_i64();
    if (!last || !until) return false;
    rec.failures = static_cast<uint32_t>(rec.recent.size());
    rec.last_failure_ms = *last;
    rec.locked_until_ms = *until;
    tmp.clients_[*name] = std::move(rec);
  }
  if (!r.at_end()) return false;
  out = std::move(tmp);
  return true;
}

bool operator==(const auth_limiter& a, const auth_limiter& b) {
  if (a.lockouts_ != b.lockouts_ || a.global_failures_ != b.global_failures_
      || a.clients_.size() != b.clients_.size())
    return false;
  auto i = b.clients_.begin();
  for (auto& [name, rec] : a.clients_) {
    if (name != i->first || rec.recent != i->second.recent
        || rec.last_failure_ms != i->second.last_failure_ms
        || rec.locked_until_ms != i->second.locked_until_ms)
      return false;
    ++i;
  }
  return true;
}

}  // namespace nz
