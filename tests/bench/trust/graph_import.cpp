#include "bench/trust/graph_import.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <sodium.h>

#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/keys.hpp"
#include "bench/support/bench_fail.hpp"

namespace nz::bench {

namespace {

trust_assert_request to_request(const trust::assertion& a) {
  trust_assert_request r;
  r.kind = trust::to_string(a.k);
  r.subject = trust::to_hex(a.subject);
  if (a.k == trust::kind::set_level) r.level = static_cast<uint8_t>(a.lvl);
  if (a.k == trust::kind::delegate) {
    r.depth = a.depth;
    r.max_level = static_cast<uint8_t>(a.max_level);
  }
  if (a.expires_ms != 0 || !a.labels.empty())
    die("plan_import: own assertions with an expiry or labels are not planned");
  return r;
}

}  // namespace

import_plan plan_import(const trust_graph& g, size_t max_batch, int64_t created_ms) {
  import_plan plan;
  const auto& own = g.set.own_key();
  std::set<trust::pubkey> strangers(g.strangers.begin(), g.strangers.end());
  trust::pubkey exporter{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> exporter_sk{};
  crypto_sign_keypair(exporter.data(), exporter_sk.data());
  auto signer = [&](const uint8_t* msg, size_t size) {
    trust::sig64 sig{};
    crypto_sign_detached(sig.data(), nullptr, msg, size, exporter_sk.data());
    return sig;
  };

  std::vector<trust::signed_assertion> batch;
  std::set<trust::pubkey> introduced;  // subjects of the batch so far
  auto flush = [&] {
    if (batch.empty()) return;
    auto encoded = trust::encode_bundle(exporter, created_ms, batch, signer);
    if (!encoded) die("encode_bundle: " + encoded.error().message);
    plan.bundles.push_back(std::move(*encoded));
    plan.bundle_sizes.push_back(batch.size());
    batch.clear();
    introduced.clear();
  };
  for (const auto& sa : g.signed_list) {
    const auto& a = sa.a;
    if (a.issuer == own) {
      (plan.foreign == 0 ? plan.own_before : plan.own_after).push_back(to_request(a));
      continue;
    }
    if (strangers.count(a.issuer)) {
      ++plan.strangers_skipped;
      continue;
    }
    if (batch.size() == max_batch || introduced.count(a.issuer)) flush();
    batch.push_back(sa);
    introduced.insert(a.subject);
    ++plan.foreign;
  }
  flush();
  sodium_memzero(exporter_sk.data(), exporter_sk.size());
  return plan;
}

bool same_verdict(const trust::verdict& pure, const trust_verdict& got,
                  const trust::pubkey& pure_own, std::string& why) {
  if (got.level != static_cast<uint8_t>(pure.lvl) || got.revoked != pure.revoked) {
    why = "level/revoked " + std::to_string(got.level) + "/" + std::to_string(got.revoked)
          + ", expected " + std::to_string(static_cast<int>(pure.lvl)) + "/"
          + std::to_string(pure.revoked);
    return false;
  }
  if (got.path.size() != pure.path.size()) {
    why = "path of " + std::to_string(got.path.size()) + " hops, expected "
          + std::to_string(pure.path.size());
    return false;
  }
  for (size_t i = 0; i < pure.path.size(); ++i) {
    const auto& h = pure.path[i];
    const auto& e = got.path[i];
    auto lvl = static_cast<uint8_t>(h.lvl);
    bool same = e.kind == trust::to_string(h.k)
                && e.subject_key == trust::to_hex(h.subject)
                && (h.k == trust::kind::delegate ? e.max_level == lvl : e.level == lvl)
                && (h.issuer == pure_own || e.issuer == trust::node_id_of(h.issuer));
    if (!same) {
      why = "path hop " + std::to_string(i) + " differs";
      return false;
    }
  }
  return true;
}

}  // namespace nz::bench
