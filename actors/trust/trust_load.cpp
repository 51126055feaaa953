// The trust actor's start: read the log, verify its chain, replay it onto the
// newest usable snapshot (actors/trust/trust_state.hpp).
#include "actors/trust/trust_state.hpp"

namespace nz::trust_actor_detail {

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

}  // namespace nz::trust_actor_detail
