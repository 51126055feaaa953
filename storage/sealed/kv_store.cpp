#include "storage/sealed/kv_store.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <sodium.h>

namespace nz::storage {

namespace {

/// "<what> of N bytes exceeds the L-byte limit (<name>)".
store_error limit_error(std::string_view what, size_t size, size_t limit,
                        std::string_view name) {
  return make_store_error(store_errc::limit_exceeded,
                          fmt::format("{} of {} bytes exceeds the {}-byte limit ({})",
                                      what, size, limit, name));
}

bool is_file(kv_op_kind k) {
  return k == kv_op_kind::file_put || k == kv_op_kind::file_del;
}

bool is_put(kv_op_kind k) {
  return k == kv_op_kind::put || k == kv_op_kind::file_put;
}

}  // namespace

// -- kv_op ----------------------------------------------------------------------

kv_op kv_op::put(std::string ns, std::vector<uint8_t> key, std::vector<uint8_t> value) {
  return {kv_op_kind::put, std::move(ns), std::move(key), std::move(value)};
}

kv_op kv_op::del(std::string ns, std::vector<uint8_t> key) {
  return {kv_op_kind::del, std::move(ns), std::move(key), {}};
}

kv_op kv_op::file_put(std::string ns, std::vector<uint8_t> name,
                      std::vector<uint8_t> bytes) {
  return {kv_op_kind::file_put, std::move(ns), std::move(name), std::move(bytes)};
}

kv_op kv_op::file_del(std::string ns, std::vector<uint8_t> name) {
  return {kv_op_kind::file_del, std::move(ns), std::move(name), {}};
}

// -- open -----------------------------------------------------------------------

store_result<kv_store> kv_store::open(lmdb_env& env, const uint8_t* storage_key,
                                      const kv_limits& limits) {
  if (storage_key == nullptr) {
    std::abort();  // programmer misuse
  }
  if (!env.is_open()) {
    return make_store_error(store_errc::closed, "storage is closed");
  }
  if (limits.max_key == 0 || limits.max_list == 0) {
    return make_store_error(
        store_errc::invalid_argument,
        "nzcore.kv-max-key and nzcore.kv-max-list must be at least 1");
  }
  auto lmdb_max = static_cast<size_t>(mdb_env_get_maxkeysize(env.handle()));
  if (max_namespace_size + 1 + limits.max_key > lmdb_max) {
    return make_store_error(
        store_errc::invalid_argument,
        fmt::format(
            "nzcore.kv-max-key of {} bytes does not fit LMDB's {}-byte keys with a "
            "{}-byte namespace and separator (at most {})",
            limits.max_key, lmdb_max, max_namespace_size + 1,
            lmdb_max - max_namespace_size - 1));
  }
  auto kv = env.open_db("kv");
  if (!kv) {
    return kv.error();
  }
  auto files = env.open_db("files");
  if (!files) {
    return files.error();
  }
  kv_store st;
  st.env_ = &env;
  st.key_ = storage_key;
  st.limits_ = limits;
  st.kv_db_ = *kv;
  st.file_db_ = *files;
  return st;
}

// -- validation -----------------------------------------------------------------

kv_store::table kv_store::table_of(const kv_op& op) const {
  return is_file(op.kind) ? file_table() : kv_table();
}

store_status kv_store::check_ns(std::string_view ns) const {
  if (valid_namespace(ns)) {
    return {};
  }
  return make_store_error(store_errc::invalid_argument,
                          fmt::format("invalid namespace {} (want 1-64 chars of "
                                      "[a-z0-9._-])",
                                      printable_key(as_bytes(ns))));
}

store_status kv_store::check_key(record_domain domain, byte_view key) const {
  auto what = domain == record_domain::file ? "file name" : "key";
  if (key.size == 0) {
    return make_store_error(
        store_errc::invalid_argument,
        fmt::format("empty {} (want 1 to {} bytes)", what, limits_.max_key));
  }
  if (key.size > limits_.max_key) {
    return limit_error(what, key.size, limits_.max_key, "nzcore.kv-max-key");
  }
  return {};
}

store_status kv_store::check_value(record_domain domain, byte_view value) const {
  if (domain == record_domain::file) {
    if (value.size > limits_.max_file) {
      return limit_error("file", value.size, limits_.max_file, "nzcore.kv-max-file");
    }
  } else if (value.size > limits_.max_value) {
    return limit_error("value", value.size, limits_.max_value, "nzcore.kv-max-value");
  }
  return {};
}

store_status kv_store::check_op(const kv_op& op) const {
  auto t = table_of(op);
  if (auto st = check_ns(op.ns); !st) {
    return st;
  }
  if (auto st = check_key(t.domain, as_bytes(op.key)); !st) {
    return st;
  }
  if (is_put(op.kind)) {
    return check_value(t.domain, as_bytes(op.value));
  }
  return {};
}

// -- writing --------------------------------------------------------------------

const uint8_t* kv_store::draw_nonces(size_t puts) {
  nonce_buf_.resize(puts * sealed_nonce_size);
  if (!nonce_buf_.empty()) {
    randombytes_buf(nonce_buf_.data(), nonce_buf_.size());
  }
  return nonce_buf_.data();
}

store_status kv_store::put_in(write_txn& txn, table t, std::string_view ns, byte_view key,
                              byte_view value, const uint8_t* nonce) {
  // ciphertext only
  if (nonce != nullptr) {
    seal_with_nonce(rec_buf_, key_, nonce, ns, key, value, t.domain);
  } else {
    seal(rec_buf_, key_, ns, key, value, t.domain);
  }
  make_kv_key(key_buf_, ns, key);
  return txn.put(t.db, as_bytes(key_buf_), as_bytes(rec_buf_));
}

store_status kv_store::put_one(table t, std::string_view ns, byte_view key,
                               byte_view value) {
  if (auto st = check_ns(ns); !st) {
    return st;
  }
  if (auto st = check_key(t.domain, key); !st) {
    return st;
  }
  if (auto st = check_value(t.domain, value); !st) {
    return st;
  }
  auto txn = write_txn::begin(*env_);
  if (!txn) {
    return txn.error();
  }
  if (auto st = put_in(*txn, t, ns, key, value); !st) {
    return st;
  }
  return txn->commit();
}

store_result<bool> kv_store::del_one(table t, std::string_view ns, byte_view key) {
  if (auto st = check_ns(ns); !st) {
    return st.error();
  }
  if (auto st = check_key(t.domain, key); !st) {
    return st.error();
  }
  auto txn = write_txn::begin(*env_);
  if (!txn) {
    return txn.error();
  }
  auto k = make_kv_key(ns, key);
  auto existed = txn->del(t.db, as_bytes(k));
  if (!existed) {
    return existed.error();
  }
  if (auto st = txn->commit(); !st) {
    return st.error();
  }
  return *existed;
}

store_result<bool> kv_store::run_op(write_txn& txn, const kv_op& op,
                                    const uint8_t* nonce) {
  auto t = table_of(op);
  if (is_put(op.kind)) {
    if (auto st = put_in(txn, t, op.ns, as_bytes(op.key), as_bytes(op.value), nonce);
        !st) {
      return st.error();
    }
    return false;
  }
  make_kv_key(key_buf_, op.ns, as_bytes(op.key));
  return txn.del(t.db, as_bytes(key_buf_));
}

store_status kv_store::put(std::string_view ns, byte_view key, byte_view value) {
  return put_one(kv_table(), ns, key, value);
}

store_result<bool> kv_store::del(std::string_view ns, byte_view key) {
  return del_one(kv_table(), ns, key);
}

store_status kv_store::file_put(std::string_view ns, byte_view name, byte_view bytes) {
  return put_one(file_table(), ns, name, bytes);
}

store_result<bool> kv_store::file_del(std::string_view ns, byte_view name) {
  return del_one(file_table(), ns, name);
}

store_status kv_store::batch(const std::vector<kv_op>& ops,
                             std::vector<uint8_t>* existed) {
  if (existed != nullptr) {
    existed->assign(ops.size(), 0);
  }
  if (ops.size() > limits_.max_list) {
    return make_store_error(store_errc::limit_exceeded,
                            fmt::format("batch of {} writes exceeds the {}-write limit "
                                        "(nzcore.kv-max-list) (nothing written)",
                                        ops.size(), limits_.max_list));
  }
  size_t total = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (auto st = check_op(ops[i]); !st) {
      return make_store_error(st.error().code,
                              fmt::format("batch op {} of {}: {} (nothing written)", i,
                                          ops.size(), st.error().message));
    }
    total += ops[i].value.size();
  }
  if (total > limits_.max_get_bytes) {
    return make_store_error(
        store_errc::limit_exceeded,
        fmt::format("batch values of {} bytes exceed the {}-byte limit of one batch "
                    "(nothing written; split it)",
                    total, limits_.max_get_bytes));
  }
  // Every op is valid now, so apply() writes them all in one transaction or,
  // on an LMDB failure, none.
  std::vector<kv_op_result> per_op;
  if (auto st = apply(ops, per_op); !st) {
    return st;
  }
  if (existed != nullptr) {
    for (size_t i = 0; i < ops.size(); ++i) {
      (*existed)[i] = per_op[i].existed ? 1 : 0;
    }
  }
  return {};
}

store_status kv_store::apply(const std::vector<kv_op>& ops,
                             std::vector<kv_op_result>& per_op) {
  per_op.assign(ops.size(), kv_op_result{});
  std::vector<bool> valid(ops.size(), false);
  size_t n_valid = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    per_op[i].status = check_op(ops[i]);
    valid[i] = static_cast<bool>(per_op[i].status);
    n_valid += valid[i] ? 1 : 0;
  }
  if (n_valid == 0) {
    return {};
  }
  // Any LMDB failure from here on fails every valid op: nothing is written.
  auto fail_all = [&](const store_error& err) -> store_status {
    for (size_t i = 0; i < ops.size(); ++i) {
      if (!valid[i]) {
        continue;
      }
      per_op[i].status = err;
      per_op[i].existed = false;
    }
    return err;
  };
  auto txn = write_txn::begin(*env_);
  if (!txn) {
    return fail_all(txn.error());
  }
  size_t puts = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    puts += valid[i] && is_put(ops[i].kind) ? 1 : 0;
  }
  const uint8_t* nonce = draw_nonces(puts);
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!valid[i]) {
      continue;
    }
    bool put = is_put(ops[i].kind);
    auto r = run_op(*txn, ops[i], put ? nonce : nullptr);
    nonce += put ? sealed_nonce_size : 0;
    if (!r) {
      return fail_all(r.error());  // txn aborts in its destructor
    }
    per_op[i].existed = *r;
  }
  if (auto st = txn->commit(); !st) {
    return fail_all(st.error());
  }
  return {};
}

// -- reading --------------------------------------------------------------------

store_result<bool> kv_store::get_in(MDB_txn* txn, table t, std::string_view ns,
                                    byte_view key, std::vector<uint8_t>& value) {
  wipe(value);
  if (auto st = check_ns(ns); !st) {
    return st.error();
  }
  if (auto st = check_key(t.domain, key); !st) {
    return st.error();
  }
  make_kv_key(key_buf_, ns, key);
  byte_view stored;
  auto found = storage::get(txn, t.db, as_bytes(key_buf_), stored);
  if (!found) {
    return found.error();
  }
  if (!*found) {
    return false;
  }
  if (auto st = storage::open(value, key_, ns, key, stored, t.domain); !st) {
    return st.error();
  }
  return true;
}

store_result<bool> kv_store::get(std::string_view ns, byte_view key,
                                 std::vector<uint8_t>& value) {
  auto txn = read_txn::begin(*env_);
  if (!txn) return txn.error();
  return get_in(txn->handle(), kv_table(), ns, key, value);
}

store_result<bool> kv_store::file_get(std::string_view ns, byte_view name,
                                      std::vector<uint8_t>& bytes) {
  auto txn = read_txn::begin(*env_);
  if (!txn) return txn.error();
  return get_in(txn->handle(), file_table(), ns, name, bytes);
}

store_status kv_store::get_many(const std::vector<bool>& files,
                                const std::vector<std::string>& ns,
                                const std::vector<std::vector<uint8_t>>& keys,
                                std::vector<std::vector<uint8_t>>& values,
                                std::vector<bool>& found,
                                std::vector<store_status>& status) {
  auto n = keys.size();
  values.assign(n, {});
  found.assign(n, false);
  status.assign(n, store_status{});
  auto txn = read_txn::begin(*env_);
  if (!txn) return txn.error();
  for (size_t i = 0; i < n; ++i) {
    auto r = get_in(txn->handle(), files[i] ? file_table() : kv_table(), ns[i],
                    as_bytes(keys[i]), values[i]);
    if (!r)
      status[i] = r.error();
    else
      found[i] = *r;
  }
  return {};
}

store_status kv_store::multi_get_in(table t, std::string_view ns,
                                    const std::vector<std::vector<uint8_t>>& keys,
                                    std::vector<uint8_t>& found,
                                    std::vector<std::vector<uint8_t>>& values) {
  auto reset = [&] {
    for (auto& v : values) {
      wipe(v);
    }
    values.clear();
    found.clear();
  };
  reset();
  if (auto st = check_ns(ns); !st) {
    return st;
  }
  if (keys.size() > limits_.max_list) {
    return make_store_error(store_errc::limit_exceeded,
                            fmt::format("multi-get of {} keys exceeds the {}-key limit "
                                        "(nzcore.kv-max-list)",
                                        keys.size(), limits_.max_list));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (auto st = check_key(t.domain, as_bytes(keys[i])); !st) {
      return make_store_error(
          st.error().code,
          fmt::format("key {} of {}: {}", i, keys.size(), st.error().message));
    }
  }
  if (keys.empty()) {
    return {};
  }
  auto txn = read_txn::begin(*env_);
  if (!txn) {
    return txn.error();
  }
  found.assign(keys.size(), 0);
  values.resize(keys.size());
  size_t total = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    make_kv_key(key_buf_, ns, as_bytes(keys[i]));
    byte_view stored;
    auto hit = storage::get(txn->handle(), t.db, as_bytes(key_buf_), stored);
    if (!hit) {
      reset();
      return hit.error();
    }
    if (!*hit) {
      continue;
    }
    total += stored.size > sealed_overhead ? stored.size - sealed_overhead : 0;
    if (total > limits_.max_get_bytes) {
      reset();
      return make_store_error(
          store_errc::limit_exceeded,
          fmt::format("multi-get values exceed the {}-byte reply limit at key {} of {} "
                      "(ask for fewer keys)",
                      limits_.max_get_bytes, i, keys.size()));
    }
    if (auto st = storage::open(values[i], key_, ns, as_bytes(keys[i]), stored, t.domain);
        !st) {
      reset();
      return st;
    }
    found[i] = 1;
  }
  return {};
}

store_status kv_store::multi_get(std::string_view ns,
                                 const std::vector<std::vector<uint8_t>>& keys,
                                 std::vector<uint8_t>& found,
                                 std::vector<std::vector<uint8_t>>& values) {
  return multi_get_in(kv_table(), ns, keys, found, values);
}

store_status kv_store::file_multi_get(std::string_view ns,
                                      const std::vector<std::vector<uint8_t>>& names,
                                      std::vector<uint8_t>& found,
                                      std::vector<std::vector<uint8_t>>& values) {
  return multi_get_in(file_table(), ns, names, found, values);
}

}  // namespace nz::storage
