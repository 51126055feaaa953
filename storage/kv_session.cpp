#include "storage/kv_session.hpp"

#include <cstdlib>
#include <cstring>

#include <sodium.h>

namespace nz::storage {

kv_session::key_guard::key_guard(uint8_t* k) : key(k) {
  sodium_mprotect_readonly(key);
}

kv_session::key_guard::~key_guard() {
  sodium_mprotect_noaccess(key);
}

store_result<std::unique_ptr<kv_session>> kv_session::open(lmdb_env& env,
                                                           const uint8_t* key32,
                                                           const kv_limits& limits) {
  if (sodium_init() < 0) std::abort();
  std::unique_ptr<kv_session> s{new kv_session};
  s->key_ = static_cast<uint8_t*>(sodium_malloc(32));
  if (s->key_ == nullptr)
    return make_store_error(store_errc::lmdb_failure,
                            "sodium_malloc failed for the storage key");
  std::memcpy(s->key_, key32, 32);
  auto store = kv_store::open(env, s->key_, limits);
  sodium_mprotect_noaccess(s->key_);
  if (!store) return store.error();
  s->store_ = std::make_unique<kv_store>(std::move(*store));
  return s;
}

kv_session::~kv_session() {
  if (key_ != nullptr) sodium_free(key_);  // zeroes before freeing
}

store_result<bool> kv_session::get(bool files, std::string_view ns, byte_view key,
                                   std::vector<uint8_t>& out) {
  key_guard g{key_};
  return files ? store_->file_get(ns, key, out) : store_->get(ns, key, out);
}

store_result<kv_page> kv_session::list(bool files, std::string_view ns, byte_view prefix,
                                       size_t limit, byte_view cursor) {
  return files ? store_->file_list(ns, prefix, limit, cursor)
               : store_->list(ns, prefix, limit, cursor);
}

store_status kv_session::get_many(const std::vector<bool>& files,
                                  const std::vector<std::string>& ns,
                                  const std::vector<std::vector<uint8_t>>& keys,
                                  std::vector<std::vector<uint8_t>>& values,
                                  std::vector<bool>& found,
                                  std::vector<store_status>& status) {
  key_guard g{key_};
  return store_->get_many(files, ns, keys, values, found, status);
}

store_status kv_session::multi_get(bool files, std::string_view ns,
                                   const std::vector<std::vector<uint8_t>>& keys,
                                   std::vector<uint8_t>& found,
                                   std::vector<std::vector<uint8_t>>& values) {
  key_guard g{key_};
  return files ? store_->file_multi_get(ns, keys, found, values)
               : store_->multi_get(ns, keys, found, values);
}

store_status kv_session::batch(const std::vector<kv_op>& ops,
                               std::vector<uint8_t>& existed) {
  key_guard g{key_};
  return store_->batch(ops, &existed);
}

store_status kv_session::apply(const std::vector<kv_op>& ops,
                               std::vector<kv_op_result>& per_op) {
  key_guard g{key_};
  return store_->apply(ops, per_op);
}

}  // namespace nz::storage
