# Sealed records (storage/sealed): arbitrary bytes opened as a sealed record,
# the LMDB key splitter and the safe key printer; both XChaCha20-Poly1305
# engines (libsodium, OpenSSL) against each other.
nz_add_fuzzer(nz_fuzz_sealed fuzz_sealed.cpp
  ${PROJECT_SOURCE_DIR}/storage/byte_codec.cpp
  ${PROJECT_SOURCE_DIR}/storage/sealed/kv_keys.cpp
  ${PROJECT_SOURCE_DIR}/storage/sealed/sealed_record.cpp
  ${PROJECT_SOURCE_DIR}/storage/sealed/xchacha_aead.cpp)
target_link_libraries(nz_fuzz_sealed PRIVATE PkgConfig::LIBCRYPTO)
