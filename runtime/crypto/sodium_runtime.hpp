// Process-wide libsodium setup and the abort path for programmer misuse.
//
// Thread rules: ensure_sodium() is safe to call from any thread, any number of
// times (a function-local static runs sodium_init exactly once).
#pragma once

namespace nz::crypto {

/// Runs sodium_init() once per process. Aborts if libsodium cannot initialise
/// (no entropy source): nothing in this module is safe without it.
void ensure_sodium();

/// Prints "nz::crypto misuse: <what>" to stderr and aborts. For violated
/// REQUIRES clauses only, never for bad input.
[[noreturn]] void misuse(const char* what);

}  // namespace nz::crypto
