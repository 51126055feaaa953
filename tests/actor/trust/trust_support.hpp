// A node for the trust and audit actor tests, on the test coordinator: an
// identity actor with a fixed seed, a storage actor (undetached, sealed kv via
// the identity's storage subkey) in a fresh temp dir, both in a service
// registry, plus an injected wall clock (`*now`, Unix ms) that only the test
// moves. Foreign keys are made with libsodium from fixed seeds, so every run
// signs the same bytes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sodium.h>

#include <caf/actor_cast.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/exit_reason.hpp>

#include "actors/audit/audit_actor.hpp"
#include "actors/identity/identity_actor.hpp"
#include "actors/trust/core/assertion.hpp"
#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/keys.hpp"
#include "actors/trust/core/signature.hpp"
#include "actors/trust/trust_actor.hpp"
#include "messages/audit_api.hpp"
#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/storage_api.hpp"
#include "messages/trust_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/storage_actor.hpp"
#include "support/actor_fixture.hpp"
#include "support/temp_dir.hpp"

namespace nz::test {

/// Trust levels as the operator API carries them.
constexpr uint8_t low = 1;
constexpr uint8_t medium = 2;
constexpr uint8_t high = 3;

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// An Ed25519 key pair of a foreign node, derived from a fixed one-byte tag.
struct keypair {
  trust::pubkey pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};

  static keypair from_tag(uint8_t tag) {
    keypair out;
    std::array<uint8_t, crypto_sign_SEEDBYTES> seed{};
    seed.fill(tag);
    if (crypto_sign_seed_keypair(out.pk.data(), out.sk.data(), seed.data()) != 0)
      throw std::runtime_error("crypto_sign_seed_keypair failed");
    return out;
  }

  std::string hex() const { return trust::to_hex(pk); }
  std::string node_id() const { return trust::node_id_of(pk); }
};

/// An assertion by `issuer` about `subject`, signed with the issuer's key.
inline trust::signed_assertion signed_by(const keypair& issuer, trust::kind k,
                                         const trust::pubkey& subject, uint64_t seq,
                                         int64_t created_ms, trust::level lvl,
                                         int64_t expires_ms = 0, uint8_t depth = 0,
                                         trust::level max_level = trust::level::unknown) {
  trust::assertion a;
  a.k = k;
  a.issuer = issuer.pk;
  a.subject = subject;
  a.lvl = lvl;
  a.depth = depth;
  a.max_level = max_level;
  a.issuer_seq = seq;
  a.created_ms = created_ms;
  a.expires_ms = expires_ms;
  return trust::sign(a, issuer.sk.data());
}

/// A bundle of `xs` exported and signed by `exporter`.
inline bytes make_bundle(const keypair& exporter, int64_t created_ms,
                         const std::vector<trust::signed_assertion>& xs) {
  auto encoded = trust::encode_bundle(
      exporter.pk, created_ms, xs, [&exporter](const uint8_t* msg, size_t size) {
        return trust::sign_detached(msg, size, exporter.sk.data());
      });
  if (!encoded) throw std::runtime_error("encode_bundle: " + encoded.error().message);
  return std::move(*encoded);
}

inline bool has_code(const caf::error& err, trust_errc code) {
  return err.category() == trust_category && err.code() == static_cast<uint8_t>(code);
}

struct node_fixture : actor_fixture {
  temp_dir tmp{"nz-trust-actor"};
  std::shared_ptr<service_registry> reg = std::make_shared<service_registry>();
  /// The injected wall clock (Unix ms) of the trust and audit actors.
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(1'700'000'000'000);
  caf::actor identity;
  caf::actor storage;
  /// Everything spawned here, killed at the end of the test.
  std::vector<caf::actor> owned;

  node_fixture() {
    log::set_stderr(false);
    if (!trust::sodium_ready()) throw std::runtime_error("sodium_init failed");
    auto source = std::make_shared<identity_source>();
    {
      auto w = source->seed.write();
      for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>(0xA0 + i);
    }
    source->kdf = "none (test)";
    auto id = spawn_identity(sys, source);
    if (!id) throw std::runtime_error("spawn_identity: " + sys.render(id.error()));
    identity = *id;
    owned.push_back(identity);
    reg->declare("identity", "", "worker");
    reg->set_running("identity", identity);
    start_storage();
  }

  ~node_fixture() {
    for (auto& h : owned) self->send_exit(h, caf::exit_reason::kill);
    sched.run();
  }

  std::string db_dir() const { return tmp.str() + "/db"; }

  /// Spawns the storage actor on db_dir() and registers it as "storage".
  void start_storage() {
    storage_options so;
    so.dir = db_dir();
    so.map_size = size_t{64} << 20;
    so.detached = false;
    // Commit kv writes at every flush: no group-commit timer on the simulated
    // clock, so a reply never waits for the test to advance time.
    so.kv_commit_linger = std::chrono::microseconds{0};
    auto r = reg;
    so.find_identity = [r] { return r->get("identity"); };
    auto h = spawn_storage(sys, std::move(so));
    if (!h) throw std::runtime_error("spawn_storage: " + sys.render(h.error()));
    storage = caf::actor_cast<caf::actor>(*h);
    owned.push_back(storage);
    reg->declare("storage", "", "worker");
    reg->set_running("storage", storage);
    sched.run();
  }

  /// Closes the LMDB environment (shutdown phase close_storage) and ends the
  /// storage actor, so that the test can open the environment itself.
  void stop_storage() {
    auto closed = ask<uint8_t>(caf::actor_cast<storage_actor>(storage), phase_atom::value,
                               static_cast<uint8_t>(shutdown_phase::close_storage));
    REQUIRE(closed);
    self->send_exit(storage, caf::exit_reason::user_shutdown);
    sched.run();
    reg->set_exited("storage", service_state::stopped, "stopped by the test", 0);
    storage = nullptr;
  }

  /// Kills `h` with an error reason (a crash, not a clean stop) and runs.
  void crash(caf::actor& h) {
    self->send_exit(h, make_error(core_errc::chaos_crash));
    sched.run();
    h = nullptr;
  }

  /// The node's own node id, as the identity reports it.
  std::string own_id() {
    auto info =
        ask<identity_info>(caf::actor_cast<identity_actor>(identity), get_atom::value);
    REQUIRE(info);
    return info->node_id;
  }

  std::string recovery_note(const std::string& name) const {
    for (auto& e : reg->entries())
      if (e.name == name) return e.last_recovery;
    return {};
  }
};

// -- trust --------------------------------------------------------------------------

inline trust_assert_request set_level_req(const std::string& subject, uint8_t level,
                                          int64_t expires_in_ms = 0) {
  trust_assert_request r;
  r.kind = "set_level";
  r.subject = subject;
  r.level = level;
  r.expires_in_ms = expires_in_ms;
  return r;
}

inline trust_assert_request delegate_req(const std::string& subject, uint8_t depth,
                                         uint8_t max_level) {
  trust_assert_request r;
  r.kind = "delegate";
  r.subject = subject;
  r.depth = depth;
  r.max_level = max_level;
  return r;
}

inline trust_assert_request revoke_req(const std::string& subject) {
  trust_assert_request r;
  r.kind = "revoke";
  r.subject = subject;
  return r;
}

inline trust_assert_request remove_req(const std::string& subject) {
  trust_assert_request r;
  r.kind = "remove";
  r.subject = subject;
  return r;
}

/// A node with a trust actor; tests set `opts` and then call start_trust().
struct trust_fixture : node_fixture {
  trust_options opts;
  trust_actor trust;

  /// Spawns a trust actor with `opts` and the injected clock, registered as
  /// "trust", and runs until it has read (and verified) the stored log.
  void start_trust() {
    auto o = opts;
    auto clock = now;
    o.now_ms = [clock] { return *clock; };
    auto h = spawn_trust(sys, reg, std::move(o));
    REQUIRE(h);
    owned.push_back(*h);
    reg->declare("trust", "", "worker");
    reg->set_running("trust", *h);
    trust = caf::actor_cast<trust_actor>(*h);
    sched.run();
  }

  /// Kills the trust actor with an error reason, as a crash would.
  void crash_trust() {
    auto h = caf::actor_cast<caf::actor>(trust);
    crash(h);
    reg->set_exited("trust", service_state::restarting, "crashed by the test", 0);
    trust = trust_actor{};
  }

  caf::expected<trust_entry> tassert(trust_assert_request req) {
    return ask<trust_entry>(trust, trust_assert_atom::value, std::move(req));
  }

  /// An assertion that must succeed.
  trust_entry must_assert(trust_assert_request req) {
    auto what = req.kind + " " + req.subject;
    auto e = tassert(std::move(req));
    if (!e) FAIL(what << " failed: " << sys.render(e.error()));
    return std::move(*e);
  }

  caf::expected<trust_verdict> eval(const std::string& subject) {
    return ask<trust_verdict>(trust, trust_eval_atom::value, subject);
  }

  caf::expected<std::vector<trust_entry>> list() {
    return ask<std::vector<trust_entry>>(trust, trust_list_atom::value);
  }

  caf::expected<trust_log_report> log(bool verify = true, uint32_t limit = 1000) {
    return ask<trust_log_report>(trust, trust_log_atom::value, verify, limit);
  }

  caf::expected<trust_import_report> import(const bytes& bundle) {
    return ask<trust_import_report>(trust, trust_import_atom::value, bundle);
  }
};

// -- audit --------------------------------------------------------------------------

/// A node with an audit actor; tests call start_audit().
struct audit_fixture : node_fixture {
  audit_actor audit;

  void start_audit() {
    audit_options o;
    auto clock = now;
    o.now_ms = [clock] { return *clock; };
    auto h = spawn_audit(sys, reg, std::move(o));
    REQUIRE(h);
    owned.push_back(*h);
    reg->declare("audit", "", "worker");
    reg->set_running("audit", *h);
    audit = caf::actor_cast<audit_actor>(*h);
    sched.run();
  }

  void crash_audit() {
    auto h = caf::actor_cast<caf::actor>(audit);
    crash(h);
    audit = audit_actor{};
  }

  caf::expected<uint64_t> record(std::string kind, std::string source,
                                 std::string detail) {
    return ask<uint64_t>(audit, audit_record_atom::value, std::move(kind),
                         std::move(source), std::move(detail));
  }

  caf::expected<audit_page> read(int64_t since_ms, uint32_t limit) {
    return ask<audit_page>(audit, audit_read_atom::value, since_ms, limit);
  }
};

}  // namespace nz::test
