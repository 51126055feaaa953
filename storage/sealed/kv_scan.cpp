// The scanning half of kv_store: list pages and doctor().
#include <algorithm>

#include <fmt/format.h>

#include "storage/sealed/kv_store.hpp"

namespace nz::storage {

store_result<kv_page> kv_store::list_in(table t, std::string_view ns, byte_view prefix,
                                        size_t limit, byte_view cursor) {
  if (auto st = check_ns(ns); !st) {
    return st.error();
  }
  if (limit == 0) {
    limit = limits_.max_list;
  }
  if (limit > limits_.max_list) {
    return make_store_error(store_errc::limit_exceeded,
                            fmt::format("list of {} entries exceeds the {}-entry limit "
                                        "(nzcore.kv-max-list)",
                                        limit, limits_.max_list));
  }
  if (prefix.size > limits_.max_key) {
    return make_store_error(store_errc::limit_exceeded,
                            fmt::format("prefix of {} bytes exceeds the {}-byte limit "
                                        "(nzcore.kv-max-key)",
                                        prefix.size, limits_.max_key));
  }
  if (cursor.size > limits_.max_key) {
    return make_store_error(store_errc::limit_exceeded,
                            fmt::format("cursor of {} bytes exceeds the {}-byte limit "
                                        "(nzcore.kv-max-key)",
                                        cursor.size, limits_.max_key));
  }
  auto base = make_kv_key(ns, prefix);
  // Start at the prefix, or just after the cursor when that lies further on.
  // A cursor from another prefix or one that no longer exists is harmless.
  auto from = base;
  bool skip_cursor = false;
  if (cursor.size > 0) {
    auto after = make_kv_key(ns, cursor);
    if (base < after) {
      from = std::move(after);
      skip_cursor = true;
    }
  }
  auto txn = read_txn::begin(*env_);
  if (!txn) {
    return txn.error();
  }
  auto cur = lmdb_cursor::open(txn->handle(), t.db);
  if (!cur) {
    return cur.error();
  }
  kv_page page;
  auto ok = cur->seek(as_bytes(from));
  if (ok && *ok && skip_cursor) {
    auto k = cur->key();
    if (k.size == from.size() && std::equal(from.begin(), from.end(), k.data)) {
      ok = cur->next();
    }
  }
  for (;; ok = cur->next()) {
    if (!ok) {
      return ok.error();
    }
    if (!*ok || !has_prefix(cur->key(), as_bytes(base))) {
      break;
    }
    if (page.entries.size() == limit) {
      page.cursor = page.entries.back().key;  // more follow
      break;
    }
    auto k = cur->key();
    auto v = cur->value();
    kv_entry e;
    size_t ns_len = ns.size() + 1;
    e.key.assign(k.data + ns_len, k.data + k.size);
    e.size = v.size >= sealed_overhead ? v.size - sealed_overhead : 0;
    page.entries.push_back(std::move(e));
  }
  return page;
}

store_result<kv_page> kv_store::list(std::string_view ns, byte_view prefix, size_t limit,
                                     byte_view cursor) {
  return list_in(kv_table(), ns, prefix, limit, cursor);
}

store_result<kv_page> kv_store::file_list(std::string_view ns, byte_view prefix,
                                          size_t limit, byte_view cursor) {
  return list_in(file_table(), ns, prefix, limit, cursor);
}

store_status kv_store::doctor_table(table t, size_t& count,
                                    std::vector<kv_damage>& damaged) {
  auto txn = read_txn::begin(*env_);
  if (!txn) {
    return txn.error();
  }
  auto cur = lmdb_cursor::open(txn->handle(), t.db);
  if (!cur) {
    return cur.error();
  }
  std::vector<uint8_t> scratch;  // plaintext, wiped by every open() and below
  store_status result;
  for (auto ok = cur->first();; ok = cur->next()) {
    if (!ok) {
      result = ok.error();
      break;
    }
    if (!*ok) {
      break;
    }
    ++count;
    auto raw = cur->key();
    std::string_view ns;
    byte_view key;
    std::string message;
    if (!split_kv_key(raw, ns, key)) {
      message = fmt::format("malformed {} key {} (want namespace | 0x00 | key)",
                            t.domain == record_domain::file ? "file" : "kv",
                            printable_key(raw));
    } else if (auto st = storage::open(scratch, key_, ns, key, cur->value(), t.domain);
               !st) {
      message = st.error().message;
    }
    if (!message.empty()) {
      damaged.push_back(kv_damage{t.domain,
                                  std::vector<uint8_t>(raw.data, raw.data + raw.size),
                                  std::move(message)});
    }
  }
  wipe(scratch);
  return result;
}

store_status kv_store::doctor(kv_doctor_report& report) {
  report = kv_doctor_report{};
  if (auto st = doctor_table(kv_table(), report.kv_records, report.damaged); !st) {
    return st;
  }
  return doctor_table(file_table(), report.file_records, report.damaged);
}

}  // namespace nz::storage
