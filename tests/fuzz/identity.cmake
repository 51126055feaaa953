# Mnemonic parser (BIP-39 words, checksum). The identity core is instrumented for
# coverage in the fuzz tree only.
target_compile_options(nz_identity_core PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
add_executable(nz_fuzz_mnemonic fuzz_mnemonic.cpp)
target_compile_options(nz_fuzz_mnemonic PRIVATE ${NZ_FUZZ_FLAGS})
target_link_options(nz_fuzz_mnemonic PRIVATE ${NZ_FUZZ_FLAGS})
target_include_directories(nz_fuzz_mnemonic PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(nz_fuzz_mnemonic PRIVATE nz_identity_core)
