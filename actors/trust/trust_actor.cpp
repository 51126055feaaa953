#include "actors/trust/trust_actor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>

#include <fmt/format.h>
#include <sodium.h>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/trust/core/assertion.hpp"
#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/evaluator.hpp"
#include "actors/trust/core/keys.hpp"
#include "actors/trust/core/signature.hpp"
#include "actors/trust/core/sync_rules.hpp"
#include "actors/trust/core/trust_set.hpp"
#include "actors/trust/trust_snapshot.hpp"
#include "actors/trust/trust_views.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/exception_reason.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics_client.hpp"
#include "runtime/sealed_log/sealed_log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "runtime/unix_time.hpp"

namespace nz {

namespace {

constexpr const char* log_ns = "nz.trust.log";
/// Chain domain of the trust log; an entry's payload is one encoded signed
/// assertion (docs/trust.md).
constexpr const char* log_domain = "nz-trust-log";
constexpr const char* state_ns = "nz.trust.state";

using thunk = std::function<void()>;

struct trust_state {
  std::shared_ptr<service_registry> reg;
  trust_options opts;
  trust::limits limits;
  storage_actor storage;
  identity_actor identity;
  std::optional<trust::trust_set> set;
  bool ready = false;
  /// Set when the stored log failed verification at start: nothing is served.
  std::optional<chain::break_info> damage;
  std::deque<thunk> deferred;
  chain::appender app{log_domain};
  /// Changes are serialised: each runs to the point where it is applied in
  /// memory and handed to storage before the next starts.
  std::deque<thunk> ops;
  bool op_running = false;
  uint64_t durable_seq = 0;
  std::deque<std::pair<uint64_t, thunk>> waiters;
  /// Reads that arrived while changes were queued or running: they wait until
  /// those changes have been handed to storage, then for their durability.
  std::deque<thunk> blocked_reads;
  uint64_t snapshot_seq = 0;
  bool snapshot_in_flight = false;
  /// The evaluator of the last lookup (it walks the delegation graph once),
  /// reused while the set is unchanged (same log position) and no assertion
  /// has expired since it was built.
  std::optional<trust::evaluator> eval_cache;
  uint64_t eval_seq = 0;
  int64_t eval_valid_from = 0;
  int64_t eval_valid_until = 0;
  static inline const char* name = "nz.trust";
};

using self_ptr = trust_actor::stateful_pointer<trust_state>;

int64_t now_ms(self_ptr self) {
  return self->state.opts.now_ms();
}

/// Limits for decoding stored log entries: the largest any configuration allows,
/// so that lowering a configured limit never makes an intact log unreadable
/// (trust_set::apply then ignores entries beyond the current limits,
/// deterministically).
trust::limits decode_limits() {
  trust::limits l;
  l.max_delegation_depth = 8;  // the maximum of nzcore.trust-max-depth
  return l;
}

caf::error core_error(const trust::trust_error& e) {
  switch (e.code) {
    case trust::trust_errc::malformed:
    case trust::trust_errc::self_subject:
    case trust::trust_errc::expired:
    case trust::trust_errc::not_own:
      return make_error(trust_errc::invalid_argument, e.message);
    case trust::trust_errc::limit:
    case trust::trust_errc::subject_flooded:
    case trust::trust_errc::batch_too_large:
      return make_error(trust_errc::limit_exceeded, e.message);
    case trust::trust_errc::revoked_subject:
      return make_error(trust_errc::revoked, e.message);
    case trust::trust_errc::unknown_node_id:
      return make_error(trust_errc::unknown_key, e.message);
    case trust::trust_errc::nothing_to_remove:
      return make_error(trust_errc::not_found, e.message);
    default:
      return make_error(trust_errc::invalid_argument, e.message);
  }
}

caf::error damaged_error(const trust_state& st) {
  return make_error(
      trust_errc::damaged,
      fmt::format("the trust log is damaged at entry {}: {}; the node refuses "
                  "to serve its trust state (see `nzctl trust log --verify`)",
                  st.damage->seq, st.damage->reason));
}

// -- readiness, serialisation, durability ---------------------------------------

void when_ready(self_ptr self, thunk fn) {
  if (self->state.ready)
    fn();
  else
    self->state.deferred.push_back(std::move(fn));
}

void run_next_op(self_ptr self) {
  auto& st = self->state;
  if (st.op_running || st.ops.empty()) return;
  st.op_running = true;
  auto fn = std::move(st.ops.front());
  st.ops.pop_front();
  fn();
}

/// Queues a change; it must call op_done(self) once it has handed its entries
/// to storage (or failed).
void enqueue_op(self_ptr self, thunk fn) {
  self->state.ops.push_back(std::move(fn));
  run_next_op(self);
}

/// Runs fn once every change queued or applied so far is durable. A change
/// that ends without appending (its signing failed) releases the reads queued
/// behind it too (op_done).
void after_durable(self_ptr self, thunk fn) {
  auto& st = self->state;
  if (st.op_running || !st.ops.empty())
    st.blocked_reads.push_back(std::move(fn));
  else if (st.durable_seq >= st.app.last_seq())
    fn();
  else
    st.waiters.emplace_back(st.app.last_seq(), std::move(fn));
}

void op_done(self_ptr self) {
  auto& st = self->state;
  st.op_running = false;
  run_next_op(self);
  if (st.op_running || !st.ops.empty() || st.blocked_reads.empty()) return;
  auto reads = std::move(st.blocked_reads);
  st.blocked_reads.clear();
  for (auto& fn : reads) after_durable(self, std::move(fn));
}

void run_waiters(self_ptr self) {
  auto& st = self->state;
  while (!st.waiters.empty() && st.waiters.front().first <= st.durable_seq) {
    auto fn = std::move(st.waiters.front().second);
    st.waiters.pop_front();
    fn();
  }
}

void write_snapshot(self_ptr self, thunk on_done) {
  auto& st = self->state;
  if (st.snapshot_in_flight || st.snapshot_seq == st.app.last_seq() || st.damage) {
    if (on_done) after_durable(self, std::move(on_done));
    return;
  }
  st.snapshot_in_flight = true;
  auto seq = st.app.last_seq();
  auto records = trust::split_snapshot({seq, st.app.head(), st.set->encode()});
  // The puts are queued behind the log entries they cover, and storage applies
  // puts in order, so the snapshot is never durable before them; its meta
  // record goes last. A failure only costs the snapshot (a start then replays
  // more of the log): it is logged and counted, never fatal.
  auto pending = std::make_shared<size_t>(records.size());
  auto failed = std::make_shared<std::string>();
  for (auto& [key, value] : records) {
    auto finish = [self, seq, on_done, pending, failed] {
      if (--*pending > 0) return;
      auto& st = self->state;
      st.snapshot_in_flight = false;
      if (failed->empty()) {
        st.snapshot_seq = seq;
      } else {
        log::warn("trust", "snapshot at {} not stored: {}", seq, *failed);
        metric_add(*st.reg, "nzcore_trust_snapshot_failures_total", {});
      }
      if (on_done) on_done();
    };
    sealed_log::put_record(self, st.storage, state_ns, std::move(key), std::move(value),
                           st.opts.storage_timeout, finish,
                           [self, failed, finish](caf::error err) {
                             if (failed->empty()) *failed = self->system().render(err);
                             finish();
                           });
  }
}

/// Appends one signed assertion to the log: applies it in memory, hands it to
/// storage, and calls on_durable(log seq) once it is durable.
void append(self_ptr self, const trust::signed_assertion& sa,
            std::function<void(uint64_t)> on_durable) {
  auto& st = self->state;
  auto e = st.app.next(now_ms(self), trust::encode(sa));
  st.app.advance(e);
  auto status = st.set->apply(sa);
  if (status != trust::apply_status::applied)
    log::warn("trust", "log entry {} changed nothing ({})", e.seq,
              trust::to_string(status));
  auto seq = e.seq;
  sealed_log::put_record(
      self, st.storage, log_ns, sealed_log::seq_key(seq), chain::encode(e),
      st.opts.storage_timeout,
      [self, seq, on_durable] {
        auto& st = self->state;
        if (seq > st.durable_seq) st.durable_seq = seq;
        if (on_durable) on_durable(seq);
        run_waiters(self);
        if (st.durable_seq - st.snapshot_seq >= st.opts.snapshot_every)
          write_snapshot(self, nullptr);
      },
      [self](caf::error err) {
        // The restarted instance replays exactly what is durable.
        log::error("trust", "trust log append failed: {}", self->system().render(err));
        self->quit(std::move(err));
      });
}

// -- start: read, verify, replay ----------------------------------------------------

void become_ready(self_ptr self, std::string note) {
  auto& st = self->state;
  st.durable_seq = st.app.last_seq();
  st.reg->set_recovery("trust", note);
  st.ready = true;
  while (!st.deferred.empty()) {
    auto fn = std::move(st.deferred.front());
    st.deferred.pop_front();
    fn();
  }
}

void mark_damaged(self_ptr self, chain::break_info info) {
  auto& st = self->state;
  log::error("trust", "trust log damaged at entry {}: {}", info.seq, info.reason);
  st.reg->add_warning(
      fmt::format("trust log damaged at entry {}: {} (trust requests are refused)",
                  info.seq, info.reason));
  metric_add(*st.reg, "nzcore_trust_log_damaged_total", {});
  st.damage = std::move(info);
}

void replay(self_ptr self, std::vector<sealed_log::stored_record> records,
            std::optional<trust::snapshot_record> snap, std::string snap_note) {
  auto& st = self->state;
  auto scan = sealed_log::scan_chain(log_domain, records);
  st.set.emplace(st.set->own_key(), st.limits);
  std::string note;
  if (scan.broken) {
    mark_damaged(self, *scan.broken);
    st.app = chain::appender(log_domain, scan.entries.size(), scan.head);
    become_ready(self, "trust log damaged: " + scan.broken->reason);
    return;
  }
  uint64_t start = 0;
  if (snap) {
    auto n = scan.entries.size();
    if (snap->seq > n) {
      mark_damaged(self,
                   {n + 1, fmt::format("entry {}: missing (the log ends at {} but the "
                                       "trust snapshot covers {} entries)",
                                       n + 1, n, snap->seq)});
      st.app = chain::appender(log_domain, n, scan.head);
      become_ready(self, "trust log damaged: truncated");
      return;
    }
    auto head_ok = snap->seq == 0 ? snap->head == chain::hash32{}
                                  : scan.hashes[snap->seq - 1] == snap->head;
    auto decoded = trust::trust_set::decode(snap->set.data(), snap->set.size(),
                                            st.set->own_key(), st.limits);
    if (!head_ok) {
      snap_note = fmt::format(
          "snapshot at {} does not match the log there; rebuilt "
          "from the whole log",
          snap->seq);
    } else if (!decoded) {
      snap_note = fmt::format(
          "snapshot at {} does not decode ({}); rebuilt from the "
          "whole log",
          snap->seq, decoded.error().message);
    } else {
      st.set.emplace(std::move(*decoded));
      start = snap->seq;
    }
  }
  for (auto i = start; i < scan.entries.size(); ++i) {
    auto& e = scan.entries[i];
    auto sa = trust::decode_signed(e.payload.data(), e.payload.size(), decode_limits());
    if (!sa) {
      mark_damaged(self, {e.seq, fmt::format("entry {}: {}", e.seq, sa.error().message)});
      break;
    }
    if (!trust::verify(*sa)) {
      mark_damaged(self, {e.seq, fmt::format("entry {}: the issuer's signature does not "
                                             "verify",
                                             e.seq)});
      break;
    }
    (void)st.set->apply(*sa);
  }
  st.app = chain::appender(log_domain, scan.entries.size(), scan.head);
  st.snapshot_seq = start;
  if (!snap_note.empty()) {
    log::warn("trust", "{}", snap_note);
    st.reg->add_warning("trust: " + snap_note);
  }
  note = fmt::format("snapshot at {} + {} log entries replayed", start,
                     scan.entries.size() - start);
  if (!snap_note.empty()) note += "; " + snap_note;
  become_ready(self, note);
}

bool is_storage_error(const caf::error& err, storage_errc code) {
  return err.category() == storage_category && err.code() == static_cast<uint8_t>(code);
}

/// Reads the snapshot (meta record, then its chunks); on_done gets it, or
/// nullopt with a note when there is none or it is unusable.
void load_snapshot(
    self_ptr self,
    std::function<void(std::optional<trust::snapshot_record>, std::string)> on_done) {
  auto& st = self->state;
  auto table = static_cast<uint8_t>(kv_table::kv);
  self->request(st.storage, st.opts.storage_timeout, kv_get_atom::value, table,
                std::string{state_ns}, trust::snapshot_meta_key())
      .then(
          [self, table, on_done](bytes& value) {
            auto meta = trust::decode_snapshot_meta(value);
            if (!meta) {
              on_done(std::nullopt,
                      "the trust snapshot record does not decode; rebuilt "
                      "from the whole log");
              return;
            }
            auto chunks = std::make_shared<std::vector<bytes>>(meta->chunks);
            auto pending = std::make_shared<size_t>(meta->chunks);
            auto failed = std::make_shared<std::string>();
            auto finish = [meta, chunks, pending, failed, on_done] {
              if (--*pending > 0) return;
              std::string why = *failed;
              std::optional<trust::snapshot_record> snap;
              if (why.empty()) snap = trust::join_snapshot(*meta, *chunks, why);
              on_done(std::move(snap), why.empty()
                                           ? std::string{}
                                           : "trust snapshot unusable (" + why
                                                 + "); rebuilt from the whole log");
            };
            if (meta->chunks == 0) {
              ++*pending;
              finish();
              return;
            }
            for (uint64_t i = 0; i < meta->chunks; ++i)
              self->request(self->state.storage, self->state.opts.storage_timeout,
                            kv_get_atom::value, table, std::string{state_ns},
                            trust::snapshot_chunk_key(i))
                  .then(
                      [chunks, i, finish](bytes& c) {
                        (*chunks)[i] = std::move(c);
                        finish();
                      },
                      [self, failed, finish](caf::error& err) {
                        if (failed->empty()) *failed = self->system().render(err);
                        finish();
                      });
          },
          [self, on_done](caf::error& err) {
            if (is_storage_error(err, storage_errc::not_found))
              on_done(std::nullopt, {});
            else
              on_done(std::nullopt, "the trust snapshot failed to load ("
                                        + self->system().render(err)
                                        + "); rebuilt from the whole log");
          });
}

void load(self_ptr self) {
  auto& st = self->state;
  auto fail = [self](caf::error err) {
    log::error("trust", "cannot load the trust store: {}", self->system().render(err));
    self->quit(std::move(err));
  };
  self->request(st.identity, st.opts.storage_timeout, get_atom::value)
      .then(
          [self, fail](identity_info& info) {
            auto& st = self->state;
            trust::pubkey own{};
            size_t len = 0;
            if (sodium_base642bin(own.data(), own.size(), info.ed25519_public.data(),
                                  info.ed25519_public.size(), nullptr, &len, nullptr,
                                  sodium_base64_VARIANT_ORIGINAL)
                    != 0
                || len != own.size()) {
              fail(
                  make_error(core_errc::recovery_failed, "identity gave no Ed25519 key"));
              return;
            }
            st.set.emplace(own, st.limits);
            load_snapshot(self, [self, fail](std::optional<trust::snapshot_record> snap,
                                             std::string note) {
              sealed_log::load_records(
                  self, self->state.storage, log_ns, self->state.opts.storage_timeout,
                  [self, snap, note](std::vector<sealed_log::stored_record> r) {
                    replay(self, std::move(r), snap, note);
                  },
                  fail);
            });
          },
          fail);
}

// -- requests ---------------------------------------------------------------------

/// The earliest instant after now_ms at which an assertion of `ts` expires
/// (INT64_MAX if none will).
int64_t next_expiry(const trust::trust_set& ts, int64_t now_ms) {
  int64_t next = INT64_MAX;
  auto consider = [&](const trust::record& r, bool foreign) {
    for (auto* slot : {&r.set_level, &r.delegate}) {
      if (!*slot) continue;
      auto e = trust::expiry_of((*slot)->a, foreign, ts.bounds());
      if (e > now_ms && e < next) next = e;
    }
  };
  for (auto& [subject, r] : ts.own_records()) consider(r, false);
  for (auto& [issuer, by_subject] : ts.foreign_records())
    for (auto& [subject, r] : by_subject) consider(r, true);
  return next;
}

const trust::evaluator& cached_evaluator(self_ptr self) {
  auto& st = self->state;
  auto now = now_ms(self);
  if (!st.eval_cache || st.eval_seq != st.app.last_seq() || now >= st.eval_valid_until
      || now < st.eval_valid_from) {
    st.eval_cache.emplace(*st.set, now);
    st.eval_seq = st.app.last_seq();
    st.eval_valid_from = now;
    st.eval_valid_until = next_expiry(*st.set, now);
  }
  return *st.eval_cache;
}

template <class T>
using promise = caf::typed_response_promise<T>;

void do_assert(self_ptr self, trust_assert_request req, promise<trust_entry> rp) {
  auto& st = self->state;
  auto finish_err = [self, rp](caf::error err) mutable {
    rp.deliver(std::move(err));
    op_done(self);
  };
  trust::assertion a;
  auto subject = trust::parse_subject(*st.set, req.subject);
  if (!subject) return finish_err(core_error(subject.error()));
  auto labels = trust::parse_labels(req.labels);
  if (!labels) return finish_err(core_error(labels.error()));
  if (req.kind == "set_level")
    a.k = trust::kind::set_level;
  else if (req.kind == "delegate")
    a.k = trust::kind::delegate;
  else if (req.kind == "revoke")
    a.k = trust::kind::revoke;
  else if (req.kind == "remove")
    a.k = trust::kind::remove;
  else
    return finish_err(
        make_error(trust_errc::invalid_argument, "unknown kind " + req.kind));
  if (req.level > trust::max_level_value || req.max_level > trust::max_level_value)
    return finish_err(make_error(trust_errc::invalid_argument, "a level is 0-4"));
  constexpr int64_t max_expiry_ms = int64_t{100} * 366 * 24 * 3600 * 1000;
  if (req.expires_in_ms < 0 || req.expires_in_ms > max_expiry_ms)
    return finish_err(
        make_error(trust_errc::invalid_argument,
                   fmt::format("expires_in_ms {} is outside 0 (never) .. {} "
                               "(100 years)",
                               req.expires_in_ms, max_expiry_ms)));
  auto now = now_ms(self);
  a.issuer = st.set->own_key();
  a.subject = *subject;
  a.lvl = static_cast<trust::level>(req.level);
  a.depth = req.depth;
  a.max_level = static_cast<trust::level>(req.max_level);
  a.issuer_seq = st.set->next_own_seq();
  a.created_ms = now;
  a.expires_ms = req.expires_in_ms > 0 ? now + req.expires_in_ms : 0;
  a.labels = std::move(*labels);
  if (auto ok = st.set->check_own(a, now); !ok) return finish_err(core_error(ok.error()));
  self->request(st.identity, st.opts.storage_timeout, sign_atom::value,
                trust::signing_bytes(a))
      .then(
          [self, rp, a](bytes& sig) mutable {
            auto& st = self->state;
            trust::signed_assertion sa{a, {}};
            if (sig.size() != sa.sig.size() || st.damage) {
              rp.deliver(st.damage ? damaged_error(st)
                                   : make_error(trust_errc::invalid_argument,
                                                "the identity returned no signature"));
              op_done(self);
              return;
            }
            std::copy(sig.begin(), sig.end(), sa.sig.begin());
            append(self, sa,
                   [rp, a](uint64_t seq) mutable { rp.deliver(trust::view_of(a, seq)); });
            metric_add(*st.reg, "nzcore_trust_changes_total", {trust::to_string(a.k)});
            op_done(self);
          },
          [self, rp](caf::error& err) mutable {
            rp.deliver(std::move(err));
            op_done(self);
          });
}

void do_import(self_ptr self, bytes raw, promise<trust_import_report> rp) {
  auto& st = self->state;
  trust_import_report rep;
  auto decoded = trust::decode_bundle(raw.data(), raw.size(), st.limits);
  if (!decoded) {
    metric_add(*st.reg, "nzcore_trust_rejections_total",
               {std::string{trust::to_string(decoded.error().code)}});
    rp.deliver(make_error(trust_errc::invalid_argument,
                          "bundle refused: " + decoded.error().message));
    op_done(self);
    return;
  }
  rep.exporter = trust::node_id_of(decoded->exporter);
  auto verdict = trust::check_batch(*st.set, decoded->assertions, now_ms(self));
  rep.already_known = verdict.already_known;
  for (auto& r : verdict.rejected) {
    metric_add(*st.reg, "nzcore_trust_rejections_total", {r.reason_code});
    rep.rejected.push_back(
        fmt::format("index {}: {}: {}", r.index, r.reason_code, r.message));
  }
  rep.accepted = verdict.accepted;
  if (!verdict.accepted || verdict.to_apply.empty()) {
    rp.deliver(std::move(rep));
    op_done(self);
    return;
  }
  rep.applied = verdict.to_apply.size();
  auto last = verdict.to_apply.size() - 1;
  for (size_t i = 0; i < verdict.to_apply.size(); ++i)
    append(self, verdict.to_apply[i],
           i == last ? std::function<void(uint64_t)>{[rp, rep](uint64_t) mutable {
             rp.deliver(std::move(rep));
           }}
                     : nullptr);
  op_done(self);
}

void do_export(self_ptr self, promise<bytes> rp) {
  auto& st = self->state;
  auto own = trust::own_assertions(*st.set);
  // In issuer sequence order: the sync rules want each issuer's assertions in a
  // batch strictly increasing (replay protection).
  std::sort(own.begin(), own.end(),
            [](const auto& x, const auto& y) { return x.a.issuer_seq < y.a.issuer_seq; });
  if (own.size() > st.limits.max_bundle_assertions)
    own.resize(st.limits.max_bundle_assertions);
  // The key stays in the identity actor: encode with a placeholder signature,
  // keep the exact bytes the signature covers, have the identity sign them and
  // put the signature in place (the bundle ends with it).
  auto to_sign = std::make_shared<bytes>();
  auto encoded = trust::encode_bundle(
      st.set->own_key(), now_ms(self), own,
      [to_sign](const uint8_t* msg, size_t size) {
        to_sign->assign(msg, msg + size);
        return trust::sig64{};
      },
      st.limits);
  if (!encoded) {
    rp.deliver(core_error(encoded.error()));
    return;
  }
  self->request(st.identity, st.opts.storage_timeout, sign_atom::value, *to_sign)
      .then(
          [rp, out = std::move(*encoded)](bytes& sig) mutable {
            if (sig.size() != trust::sig64{}.size() || out.size() < sig.size()) {
              rp.deliver(make_error(trust_errc::invalid_argument,
                                    "the identity returned no signature"));
              return;
            }
            std::copy(sig.begin(), sig.end(), out.end() - static_cast<long>(sig.size()));
            rp.deliver(std::move(out));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

trust_log_report make_log_report(std::vector<sealed_log::stored_record>& records,
                                 bool verify, uint32_t limit) {
  trust_log_report rep;
  auto scan = sealed_log::scan_chain(log_domain, records);
  rep.entries = records.size();
  rep.head = chain::to_hex(scan.head);
  rep.verified = verify;
  std::optional<chain::break_info> broken = scan.broken;
  std::deque<trust_entry> tail;
  for (auto& e : scan.entries) {
    auto sa = trust::decode_signed(e.payload.data(), e.payload.size(), decode_limits());
    if (!sa) {
      if (!broken || broken->seq > e.seq)
        broken = chain::break_info{
            e.seq, fmt::format("entry {}: {}", e.seq, sa.error().message)};
      break;
    }
    if (verify && !trust::verify(*sa)) {
      if (!broken || broken->seq > e.seq)
        broken = chain::break_info{
            e.seq,
            fmt::format("entry {}: the issuer's signature does not verify", e.seq)};
      break;
    }
    tail.push_back(trust::view_of(sa->a, e.seq));
    if (tail.size() > limit) tail.pop_front();
  }
  if (broken) {
    rep.broken = broken->reason;
    rep.first_bad_seq = broken->seq;
  }
  rep.tail.assign(tail.begin(), tail.end());
  return rep;
}

trust_actor::behavior_type trust_impl(self_ptr self,
                                      std::shared_ptr<service_registry> reg,
                                      trust_options opts) {
  self->set_exception_handler(exception_to_error);
  auto& st = self->state;
  st.reg = std::move(reg);
  st.opts = std::move(opts);
  if (!st.opts.now_ms) st.opts.now_ms = unix_now_ms;
  st.limits.max_trusted = st.opts.max_trusted;
  st.limits.max_third_party_per_subject = st.opts.max_third_party;
  st.limits.max_batch = st.opts.max_batch;
  st.limits.max_delegation_depth = static_cast<uint8_t>(st.opts.max_depth);
  st.limits.default_ttl_ms = st.opts.default_ttl_ms;
  st.storage = caf::actor_cast<storage_actor>(st.reg->get("storage"));
  st.identity = caf::actor_cast<identity_actor>(st.reg->get("identity"));
  if (!st.storage || !st.identity)
    self->quit(
        make_error(core_errc::service_unavailable, "storage or identity (for trust)"));
  else
    load(self);
  // Every request waits until the stored log was read; then a damaged store
  // refuses everything but `log`.
  auto serve = [self](auto fn, auto rp) {
    when_ready(self, [self, fn, rp]() mutable {
      if (self->state.damage) {
        rp.deliver(damaged_error(self->state));
        return;
      }
      fn(rp);
    });
  };
  return {
      [self, serve](trust_assert_atom,
                    trust_assert_request& req) -> caf::result<trust_entry> {
        auto rp = self->make_response_promise<trust_entry>();
        serve(
            [self, req](promise<trust_entry> p) {
              enqueue_op(self, [self, req, p]() mutable { do_assert(self, req, p); });
            },
            rp);
        return rp;
      },
      [self, serve](trust_eval_atom, std::string& subject) -> caf::result<trust_verdict> {
        auto rp = self->make_response_promise<trust_verdict>();
        serve(
            [self, subject](promise<trust_verdict> p) mutable {
              after_durable(self, [self, subject, p]() mutable {
                auto& st = self->state;
                auto pk = trust::parse_subject(*st.set, subject);
                if (!pk) {
                  p.deliver(core_error(pk.error()));
                  return;
                }
                p.deliver(
                    trust::view_of(cached_evaluator(self).effective_trust(*pk), *pk));
              });
            },
            rp);
        return rp;
      },
      [self, serve](trust_list_atom) -> caf::result<std::vector<trust_entry>> {
        auto rp = self->make_response_promise<std::vector<trust_entry>>();
        serve(
            [self](promise<std::vector<trust_entry>> p) mutable {
              after_durable(self, [self, p]() mutable {
                auto& st = self->state;
                std::vector<trust_entry> out;
                for (auto& sa : trust::own_assertions(*st.set))
                  out.push_back(trust::view_of(sa.a));
                for (auto& sa : trust::foreign_assertions(*st.set))
                  out.push_back(trust::view_of(sa.a));
                p.deliver(std::move(out));
              });
            },
            rp);
        return rp;
      },
      [self](trust_log_atom, bool verify,
             uint32_t limit) -> caf::result<trust_log_report> {
        auto rp = self->make_response_promise<trust_log_report>();
        if (limit > 1000) limit = 1000;
        when_ready(self, [self, rp, verify, limit]() mutable {
          after_durable(self, [self, rp, verify, limit]() mutable {
            auto& st = self->state;
            sealed_log::load_records(
                self, st.storage, log_ns, st.opts.storage_timeout,
                [self, rp, verify,
                 limit](std::vector<sealed_log::stored_record> r) mutable {
                  auto rep = make_log_report(r, verify, limit);
                  // A break found at start that the walk alone cannot see (a log
                  // truncated behind its snapshot) is reported too.
                  auto& damage = self->state.damage;
                  if (damage && (rep.broken.empty() || damage->seq < rep.first_bad_seq)) {
                    rep.broken = damage->reason;
                    rep.first_bad_seq = damage->seq;
                  }
                  rp.deliver(std::move(rep));
                },
                [rp](caf::error err) mutable { rp.deliver(std::move(err)); });
          });
        });
        return rp;
      },
      [self, serve](trust_export_atom) -> caf::result<bytes> {
        auto rp = self->make_response_promise<bytes>();
        serve(
            [self](promise<bytes> p) {
              after_durable(self, [self, p]() mutable { do_export(self, p); });
            },
            rp);
        return rp;
      },
      [self, serve](trust_import_atom, bytes& raw) -> caf::result<trust_import_report> {
        auto rp = self->make_response_promise<trust_import_report>();
        serve(
            [self, raw](promise<trust_import_report> p) mutable {
              enqueue_op(self, [self, raw, p]() mutable { do_import(self, raw, p); });
            },
            rp);
        return rp;
      },
      [self](trust_head_atom) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        when_ready(self,
                   [self, rp]() mutable { rp.deliver(self->state.app.last_seq()); });
        return rp;
      },
      [self](tick_atom) {
        if (self->state.ready) write_snapshot(self, nullptr);
      },
      [self](phase_atom, uint8_t phase) -> caf::result<uint8_t> {
        auto rp = self->make_response_promise<uint8_t>();
        when_ready(self, [self, rp, phase]() mutable {
          auto done = [rp, phase]() mutable { rp.deliver(phase); };
          if (phase == static_cast<uint8_t>(shutdown_phase::flush))
            write_snapshot(self, done);
          else
            after_durable(self, done);
        });
        return rp;
      },
  };
}

}  // namespace

caf::expected<caf::actor> spawn_trust(caf::actor_system& sys,
                                      std::shared_ptr<service_registry> reg,
                                      trust_options opts) {
  return caf::actor_cast<caf::actor>(
      sys.spawn(trust_impl, std::move(reg), std::move(opts)));
}

}  // namespace nz
