#include "actors/trust/trust_actor.hpp"

#include "actors/trust/trust_state.hpp"

namespace nz {

namespace {

using namespace trust_actor_detail;

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
