// Where the identity passphrase comes from: a file (--passphrase-file), a
// systemd credential (LoadCredentialEncrypted=nzcore-passphrase:...), or an
// interactive prompt on the controlling terminal. Every source reads straight
// into a secret_string; nothing passes through std::string or stdio buffers.
//
// Thread rules: free functions. prompt_passphrase installs process-wide signal
// handlers for the duration of the prompt (to restore the terminal when
// interrupted); do not prompt from two threads at once.
#pragma once

#include <string>

#include "runtime/crypto/crypto_status.hpp"
#include "runtime/crypto/secret_string.hpp"

namespace nz::crypto {

/// Longest passphrase file accepted, in bytes, including a trailing newline.
inline constexpr size_t passphrase_file_max = 1024;
/// Shortest new passphrase, in characters (UTF-8 code points).
inline constexpr size_t passphrase_min_chars = 8;
/// File name of the systemd credential under $CREDENTIALS_DIRECTORY.
inline constexpr const char* passphrase_credential_name = "nzcore-passphrase";

/// Reads a passphrase file into `out` (replacing it), trimming one trailing
/// "\n" or "\r\n"; every other byte, spaces included, is part of the
/// passphrase. Pipes (e.g. /dev/fd/N) work. When the file is accessible by
/// group or others, succeeds and puts a warning into `note` (else clears it).
/// Errors: not_found, io_error, bad_passphrase (empty after trimming, or more
/// than passphrase_file_max bytes).
[[nodiscard]] crypto_status read_passphrase_file(secret_string& out, std::string& note,
                                                 const std::string& path);

/// read_passphrase_file("$CREDENTIALS_DIRECTORY/nzcore-passphrase").
/// Errors: not_found when CREDENTIALS_DIRECTORY is unset or empty, and those of
/// read_passphrase_file.
[[nodiscard]] crypto_status read_systemd_credential(secret_string& out,
                                                    std::string& note);

/// Prompts on /dev/tty with echo off and reads one line into `out`; with
/// `confirm`, asks a second time and requires the same answer. The terminal
/// settings are restored on every path, including SIGINT/SIGTERM/SIGHUP/
/// SIGQUIT/SIGTSTP during the prompt (the signal is re-raised after the
/// restore; if it does not end the process the call fails).
/// Errors: no_terminal (no controlling terminal: use a passphrase file or
/// credential), bad_passphrase (empty input, end of input, longer than
/// out's limit, the confirmation differs, interrupted), system_error (termios).
[[nodiscard]] crypto_status prompt_passphrase(secret_string& out, const char* prompt,
                                              bool confirm);

/// prompt_passphrase on an already open terminal `tty_fd` (not closed here).
/// A seam for tests (a pseudo-terminal) and for callers that own a terminal.
[[nodiscard]] crypto_status prompt_passphrase_on(secret_string& out, int tty_fd,
                                                 const char* prompt, bool confirm);

/// Policy for new passphrases (init, change): at least passphrase_min_chars
/// characters. Errors: bad_passphrase naming the length and the minimum.
[[nodiscard]] crypto_status check_new_passphrase(const secret_string& passphrase);

}  // namespace nz::crypto
