// Durable, atomic replacement or creation of a small file. A local version of
// nz::write_file_atomic (runtime/node/data_dir.hpp) because that one lives in
// nz_runtime, which pulls CAF, and because the key file needs two things it
// does not do: fsync of the directory after the rename, and a create-only mode
// that cannot race with another writer (link(2) fails with EEXIST).
//
// Protocol: mkstemp "<path>.tmp-XXXXXX" in the same directory, fchmod, write,
// fsync, close; then rename(2) (replace) or link(2)+unlink (create only); then
// fsync the directory. Until the rename, `path` is untouched; after a crash a
// stale "<path>.tmp-*" may remain, never a half-written `path`.
//
// Thread rules: free function; concurrent writers of one path get one winner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/crypto/crypto_status.hpp"

namespace nz::crypto {

/// What to do when the destination exists.
enum class existing_file : uint8_t {
  /// Fail with file_exists and leave it alone.
  refuse,
  /// Replace it atomically.
  replace,
};

/// Writes `len` bytes to `path` with permission bits `mode`.
/// Errors: file_exists (refuse mode), io_error naming the call and path
/// (e.g. the directory does not exist or is not writable, disk full).
[[nodiscard]] crypto_status write_file_durably(const std::string& path,
                                               const uint8_t* data, size_t len,
                                               unsigned mode, existing_file mode_if);

}  // namespace nz::crypto
