# The Noise core (actors/peer/noise): the bounded JSON parser with the vector
# runner behind it, and handshake message reads. Built from sources so the fuzz
# build does not need the libraries' CMake targets.
set(NZ_NOISE_FUZZ_SOURCES
  ${PROJECT_SOURCE_DIR}/runtime/crypto/secret.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/sodium_runtime.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/cipher_state.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/handshake_pattern.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/handshake_state.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/hex.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/json_lite.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/noise_error.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/noise_hash.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/noise_protocol.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/symmetric_state.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/vector_runner.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/x25519.cpp)

nz_add_fuzzer(nz_fuzz_noise_json fuzz_noise_json.cpp ${NZ_NOISE_FUZZ_SOURCES})
nz_add_fuzzer(nz_fuzz_noise_handshake fuzz_noise_handshake.cpp ${NZ_NOISE_FUZZ_SOURCES})

# Seed corpus writer: build-fuzz/bin/nz_fuzz_noise_seeds build-fuzz/corpus
add_executable(nz_fuzz_noise_seeds fuzz_noise_seeds.cpp ${NZ_NOISE_FUZZ_SOURCES})
target_include_directories(nz_fuzz_noise_seeds PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(nz_fuzz_noise_seeds PRIVATE PkgConfig::SODIUM)
