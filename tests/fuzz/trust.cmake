# Trust store decoders and rules (actors/trust/core, runtime/chain), built from
# sources so the fuzz build does not need the libraries' CMake targets.
nz_add_fuzzer(nz_fuzz_trust fuzz_trust.cpp
  ${PROJECT_SOURCE_DIR}/storage/byte_codec.cpp
  ${PROJECT_SOURCE_DIR}/runtime/chain/appender.cpp
  ${PROJECT_SOURCE_DIR}/runtime/chain/entry.cpp
  ${PROJECT_SOURCE_DIR}/runtime/chain/verifier.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/assertion.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/assertion_codec.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/bundle.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/evaluator.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/keys.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/level.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/record.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/signature.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/sync_rules.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_error.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_log.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_set.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_set_codec.cpp)

# Seed corpus writer (valid inputs for each target): run as
#   build-fuzz/bin/nz_fuzz_trust_seeds build-fuzz/corpus/nz_fuzz_trust
add_executable(nz_fuzz_trust_seeds fuzz_trust_seeds.cpp
  ${PROJECT_SOURCE_DIR}/storage/byte_codec.cpp
  ${PROJECT_SOURCE_DIR}/runtime/chain/appender.cpp
  ${PROJECT_SOURCE_DIR}/runtime/chain/entry.cpp
  ${PROJECT_SOURCE_DIR}/runtime/chain/verifier.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/assertion.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/assertion_codec.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/bundle.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/keys.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/level.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/record.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/signature.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_error.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_log.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_set.cpp
  ${PROJECT_SOURCE_DIR}/actors/trust/core/trust_set_codec.cpp)
target_include_directories(nz_fuzz_trust_seeds PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(nz_fuzz_trust_seeds PRIVATE PkgConfig::SODIUM)
