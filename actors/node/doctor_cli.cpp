#include "actors/node/doctor_cli.hpp"

#include <iostream>

#include <sodium.h>

#include "actors/audit/audit_event_codec.hpp"
#include "actors/identity/identity_actor.hpp"
#include "actors/identity/newzone_derivation.hpp"
#include "actors/node/exit_codes.hpp"
#include "actors/node/identity_cli.hpp"
#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/signature.hpp"
#include "runtime/node/data_dir.hpp"
#include "runtime/sealed_log/kv_chain_check.hpp"
#include "storage/journal_store.hpp"
#include "storage/kv_session.hpp"
#include "storage/sealed/kv_store.hpp"

namespace nz {

namespace {

constexpr int exit_damage_found = 9;

void line(const std::string& what, const std::string& verdict) {
  std::cout << "  " << what << ": " << verdict << "\n";
}

/// Walks the trust log (links, decoding, every signature) and the audit log
/// (links, decoding); returns the number of broken chains.
size_t check_chains(storage::kv_store& kv) {
  size_t problems = 0;
  auto report = [&](const std::string& what, const sealed_log::chain_check_report& r) {
    if (!r.read_error.empty()) {
      ++problems;
      line(what, "FAILED: " + r.read_error);
    } else if (r.broken) {
      ++problems;
      line(what,
           "BROKEN at entry " + std::to_string(r.broken->seq) + ": " + r.broken->reason);
    } else {
      line(what, "ok (" + std::to_string(r.records) + " entries, head "
                     + chain::to_hex(r.head).substr(0, 16) + "…)");
    }
  };
  report("trust log",
         sealed_log::check_chain(
             kv, "nz.trust.log", "nz-trust-log",
             [](const chain::entry& e) -> std::optional<std::string> {
               auto sa = trust::decode_signed(e.payload.data(), e.payload.size());
               if (!sa) return sa.error().message;
               if (!trust::verify(*sa))
                 return std::string{"the issuer's signature does not verify"};
               return std::nullopt;
             }));
  report("audit log",
         sealed_log::check_chain(kv, "nz.audit", audit::chain_domain,
                                 [](const chain::entry& e) -> std::optional<std::string> {
                                   if (!audit::decode(e.payload))
                                     return std::string{"the event does not decode"};
                                   return std::nullopt;
                                 }));
  return problems;
}

}  // namespace

int run_doctor(const doctor_options& opts) {
  data_dir dir{opts.data_dir};
  bool locked = false;
  if (auto err = dir.open(locked)) {
    std::cerr << "nzcore: " << *err
              << (locked ? " (stop the node before running doctor)" : "") << "\n";
    return locked ? exit_code::data_dir_locked : exit_code::runtime_error;
  }
  std::cout << "doctor: " << opts.data_dir << "\n";
  size_t problems = 0;

  // 1. The key file: format, then the passphrase.
  std::shared_ptr<const identity_source> id;
  if (auto rc = unlock_identity(id, opts.data_dir, opts.passphrase_file)) {
    line("identity.key", "FAILED (see above)");
    return rc;
  }
  line("identity.key", "ok (" + id->kdf + ", opens with the passphrase)");

  // 2. Journals: replay every stream as a start would.
  storage::store_options so;
  so.dir = dir.path("db");
  auto store = storage::journal_store::open(so);
  if (!store) {
    line("db", "FAILED: " + store.error().message);
    return exit_damage_found;
  }
  auto stats = store->stats();
  if (!stats) {
    line("db", "FAILED: " + stats.error().message);
    return exit_damage_found;
  }
  for (auto& s : stats->streams) {
    auto loaded = store->load(s.stream);
    if (!loaded) {
      ++problems;
      line("journal " + s.stream, "FAILED: " + loaded.error().message);
      continue;
    }
    std::string verdict = "ok (snapshot at " + std::to_string(loaded->snapshot_seq)
                          + " + " + std::to_string(loaded->journal.size()) + " entries)";
    for (auto& w : loaded->warnings) {
      ++problems;
      verdict += "; WARNING: " + w;
    }
    line("journal " + s.stream, verdict);
  }

  // 3. Sealed records: open each with the storage subkey.
  uint8_t key[32];
  {
    auto seed = id->seed.read();
    if (!identity::derive_subkey(key, sizeof(key), seed.data(),
                                 identity::subkey_purpose::storage)) {
      line("sealed storage", "FAILED: cannot derive the storage key");
      return exit_code::runtime_error;
    }
  }
  auto kv = storage::kv_store::open(store->env(), key, storage::kv_limits{});
  if (!kv) {
    sodium_memzero(key, sizeof(key));
    line("sealed storage", "FAILED: " + kv.error().message);
    return exit_damage_found;
  }
  storage::kv_doctor_report report;
  auto st = kv->doctor(report);
  // 4. The hash chains in sealed storage: trust log and audit log.
  if (st) problems += check_chains(*kv);
  sodium_memzero(key, sizeof(key));
  if (!st) {
    line("sealed storage", "FAILED: " + st.error().message);
    return exit_damage_found;
  }
  line("sealed storage", std::to_string(report.kv_records) + " kv records, "
                             + std::to_string(report.file_records) + " files, "
                             + std::to_string(report.damaged.size()) + " damaged");
  for (auto& d : report.damaged) {
    ++problems;
    std::cout << "    DAMAGED: " << d.message << "\n";
  }
  std::cout << (problems == 0
                    ? "doctor: healthy\n"
                    : "doctor: " + std::to_string(problems) + " problem(s) found\n");
  return problems == 0 ? exit_code::ok : exit_damage_found;
}

}  // namespace nz
