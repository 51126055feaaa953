# The identity key file parser and opener (runtime/crypto/key_file.*), built
# from sources so the fuzz build does not need nz_crypto's CMake target.
nz_add_fuzzer(nz_fuzz_keyfile fuzz_keyfile.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/crypto_status.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/kdf_params.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/key_file.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/secret.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/secret_string.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/sodium_runtime.cpp)
