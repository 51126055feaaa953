#include "runtime/sealed_log/kv_chain_check.hpp"

#include <fmt/format.h>

namespace nz::sealed_log {

chain_check_report check_chain(
    storage::kv_store& kv, const std::string& ns, const std::string& domain,
    const std::function<std::optional<std::string>(const chain::entry&)>& check_payload) {
  chain_check_report rep;
  std::vector<stored_record> records;
  std::vector<uint8_t> cursor;
  for (;;) {
    auto page = kv.list(ns, {}, 0, {cursor.data(), cursor.size()});
    if (!page) {
      rep.read_error = page.error().message;
      return rep;
    }
    for (auto& e : page->entries) {
      stored_record r;
      r.key = e.key;
      auto got = kv.get(ns, {e.key.data(), e.key.size()}, r.value);
      if (!got)
        r.error = got.error().message;
      else if (!*got)
        r.error = "vanished while reading";
      records.push_back(std::move(r));
    }
    if (page->cursor.empty()) break;
    cursor = page->cursor;
  }
  rep.records = records.size();
  auto scan = scan_chain(domain, records);
  rep.broken = scan.broken;
  for (auto& e : scan.entries) {
    if (auto bad = check_payload(e)) {
      if (!rep.broken || rep.broken->seq > e.seq)
        rep.broken = chain::break_info{e.seq, fmt::format("entry {}: {}", e.seq, *bad)};
      break;
    }
    ++rep.valid;
  }
  rep.head = scan.head;
  return rep;
}

}  // namespace nz::sealed_log
