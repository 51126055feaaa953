// Offline verification of a hash chain kept in sealed kv records (for
// `nzcore doctor`): reads every record of the namespace straight from a
// kv_store, walks it with scan_chain() and runs `check_payload` on each entry
// (e.g. decode + signature verification of a trust assertion). Pure, no CAF.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "runtime/sealed_log/chain_scan.hpp"
#include "storage/sealed/kv_store.hpp"

namespace nz::sealed_log {

struct chain_check_report {
  uint64_t records = 0;
  uint64_t valid = 0;
  chain::hash32 head{};
  /// The first bad entry; nullopt when the whole chain is intact.
  std::optional<chain::break_info> broken;
  /// A failure to read the namespace at all (LMDB); the chain was not checked.
  std::string read_error;
};

/// `check_payload` returns an error text for a bad payload, or nullopt.
chain_check_report check_chain(
    storage::kv_store& kv, const std::string& ns, const std::string& domain,
    const std::function<std::optional<std::string>(const chain::entry&)>& check_payload);

}  // namespace nz::sealed_log
