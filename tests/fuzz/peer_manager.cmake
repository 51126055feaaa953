# The peer manager's journaled peer cache (actors/peer/manager): snapshot decode
# and change application, built from sources so the fuzz build does not need the
# libraries' CMake targets.
nz_add_fuzzer(nz_fuzz_peer_cache fuzz_peer_cache.cpp
  ${PROJECT_SOURCE_DIR}/storage/byte_codec.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/manager/peer_cache.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/manager/peer_manager_error.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/manager/peer_record.cpp)
