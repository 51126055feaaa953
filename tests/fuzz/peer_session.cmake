# The session layer (actors/peer/session) over the Noise core: the handshake
# driver and binding, the transport, the frame body decoder and the chan body codec. Built from
# sources so the fuzz build does not need the libraries' CMake targets.
set(NZ_SESSION_FUZZ_SOURCES
  ${PROJECT_SOURCE_DIR}/runtime/crypto/secret.cpp
  ${PROJECT_SOURCE_DIR}/runtime/crypto/sodium_runtime.cpp
  ${PROJECT_SOURCE_DIR}/actors/identity/identity_status.cpp
  ${PROJECT_SOURCE_DIR}/actors/identity/newzone_derivation.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/cipher_state.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/handshake_pattern.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/handshake_state.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/hex.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/noise_error.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/noise_hash.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/noise_protocol.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/symmetric_state.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/noise/x25519.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/admission.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/binding.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/frame_body.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/handshake_driver.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/record.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/session_cipher.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/session/session_error.cpp
  ${PROJECT_SOURCE_DIR}/actors/peer/channel_codec.cpp
  ${PROJECT_SOURCE_DIR}/storage/byte_codec.cpp)

nz_add_fuzzer(nz_fuzz_session_frame fuzz_session_frame.cpp ${NZ_SESSION_FUZZ_SOURCES})
nz_add_fuzzer(nz_fuzz_session_handshake fuzz_session_handshake.cpp
  ${NZ_SESSION_FUZZ_SOURCES})
nz_add_fuzzer(nz_fuzz_peer_record fuzz_peer_record.cpp ${NZ_SESSION_FUZZ_SOURCES})
