// The storage actor's sealed kv/file store: the storage subkey in guarded memory
// (sodium_malloc; no access except while a record is sealed or opened) plus the
// kv_store over the node's one LMDB environment. No CAF.
//
// Thread rules: used by the storage actor only.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "storage/sealed/kv_store.hpp"

namespace nz::storage {

class kv_session {
 public:
  /// Copies the 32-byte key into guarded memory (the caller wipes its copy).
  static store_result<std::unique_ptr<kv_session>> open(lmdb_env& env,
                                                        const uint8_t* key32,
                                                        const kv_limits& limits);
  ~kv_session();
  kv_session(const kv_session&) = delete;
  kv_session& operator=(const kv_session&) = delete;

  store_result<bool> get(bool files, std::string_view ns, byte_view key,
                         std::vector<uint8_t>& out);
  store_result<kv_page> list(bool files, std::string_view ns, byte_view prefix,
                             size_t limit, byte_view cursor);
  /// Many gets in one read transaction with one unlock of the key
  /// (kv_store::get_many).
  store_status get_many(const std::vector<bool>& files,
                        const std::vector<std::string>& ns,
                        const std::vector<std::vector<uint8_t>>& keys,
                        std::vector<std::vector<uint8_t>>& values,
                        std::vector<bool>& found, std::vector<store_status>& status);
  /// Many keys of one namespace in one read transaction with one unlock of
  /// the key (kv_store::multi_get / file_multi_get).
  store_status multi_get(bool files, std::string_view ns,
                         const std::vector<std::vector<uint8_t>>& keys,
                         std::vector<uint8_t>& found,
                         std::vector<std::vector<uint8_t>>& values);
  /// Atomic multi-put/delete with one unlock of the key (kv_store::batch).
  store_status batch(const std::vector<kv_op>& ops, std::vector<uint8_t>& existed);
  /// Group commit of independent puts/deletes (see kv_store::apply).
  store_status apply(const std::vector<kv_op>& ops, std::vector<kv_op_result>& per_op);

 private:
  kv_session() = default;

  /// Read access to the key for the lifetime of the guard.
  struct key_guard {
    explicit key_guard(uint8_t* k);
    ~key_guard();
    uint8_t* key;
  };

  uint8_t* key_ = nullptr;
  std::unique_ptr<kv_store> store_;
};

}  // namespace nz::storage
