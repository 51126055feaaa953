#include "storage/sealed/kv_keys.hpp"

#include <cstring>

namespace nz::storage {

bool valid_namespace(std::string_view ns) {
  if (ns.empty() || ns.size() > max_namespace_size) {
    return false;
  }
  for (char c : ns) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
              || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::vector<uint8_t> make_kv_key(std::string_view ns, byte_view key) {
  std::vector<uint8_t> out;
  make_kv_key(out, ns, key);
  return out;
}

void make_kv_key(std::vector<uint8_t>& out, std::string_view ns, byte_view key) {
  out.resize(ns.size() + 1 + key.size);
  if (!ns.empty()) {
    std::memcpy(out.data(), ns.data(), ns.size());
  }
  out[ns.size()] = 0;
  if (key.size > 0) {
    std::memcpy(out.data() + ns.size() + 1, key.data, key.size);
  }
}

bool split_kv_key(byte_view lmdb_key, std::string_view& ns, byte_view& key) {
  if (lmdb_key.size == 0) {
    return false;
  }
  auto* zero = static_cast<const uint8_t*>(std::memchr(lmdb_key.data, 0, lmdb_key.size));
  if (zero == nullptr) {
    return false;
  }
  size_t n = static_cast<size_t>(zero - lmdb_key.data);
  ns = std::string_view{reinterpret_cast<const char*>(lmdb_key.data), n};
  if (!valid_namespace(ns)) {
    return false;
  }
  key = byte_view{zero + 1, lmdb_key.size - n - 1};
  return true;
}

bool has_prefix(byte_view lmdb_key, byte_view prefix) {
  return lmdb_key.size >= prefix.size
         && (prefix.size == 0
             || std::memcmp(lmdb_key.data, prefix.data, prefix.size) == 0);
}

}  // namespace nz::storage
