// Reading, writing and re-keying <data>/identity.key on disk (format:
// key_file.hpp and docs/key-file-format.md). Writes are atomic and durable
// (atomic_file.hpp) with mode 0600.
//
// Thread rules: free functions. One process owns a data directory (its LOCK),
// so concurrent change_passphrase calls on one file are not expected; if they
// happen, the last rename wins and both files are valid.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/crypto/atomic_file.hpp"
#include "runtime/crypto/key_file.hpp"

namespace nz::crypto {

/// Files larger than this are refused before reading (trailing_bytes).
inline constexpr size_t key_file_read_limit = 4096;

/// Reads and parses the key file at `path`. Messages are prefixed with the path.
/// Errors: not_found (no such file), io_error (unreadable, not a regular file),
/// and every parse_key_file error.
[[nodiscard]] crypto_status read_key_file(key_file_header& out, const std::string& path);

/// Writes a key file image atomically with mode 0600. With existing_file::refuse
/// (the default: `init` must never replace an identity) an existing file is
/// left alone. Errors: file_exists, io_error.
[[nodiscard]] crypto_status write_key_file(
    const std::string& path, const std::vector<uint8_t>& bytes,
    existing_file if_exists = existing_file::refuse);

/// read_key_file + open_key_file. Errors: theirs.
[[nodiscard]] crypto_status load_key_file(identity_seed& seed, const std::string& path,
                                          const secret_string& passphrase);

/// seal_key_file + write_key_file(refuse). Errors: theirs.
[[nodiscard]] crypto_status create_key_file(const std::string& path,
                                            const identity_seed& seed,
                                            const secret_string& passphrase,
                                            kdf_params params = kdf_params::moderate());

/// The write step of change_passphrase; a seam for fault-injection tests.
using key_file_writer =
    std::function<crypto_status(const std::string& path, const std::vector<uint8_t>&)>;

/// Opens the key file at `path` with `old_passphrase` and re-seals the same
/// seed under `new_passphrase` with a fresh salt and nonce, using `params` or,
/// when nullopt, the file's current parameters. The new image replaces the old
/// one atomically (temp file, fsync, rename, fsync of the directory): until the
/// new file is durable the old one is intact, and on any error it is unchanged.
/// `writer` defaults to write_key_file(path, bytes, existing_file::replace).
/// Does not judge the new passphrase (see check_new_passphrase).
/// Errors: those of read_key_file and open_key_file (wrong_passphrase),
/// seal_key_file and the writer (io_error).
[[nodiscard]] crypto_status change_passphrase(
    const std::string& path, const secret_string& old_passphrase,
    const secret_string& new_passphrase, std::optional<kdf_params> params = std::nullopt,
    const key_file_writer& writer = {});

}  // namespace nz::crypto
