// The vector runner on small documents: passing, failing and skipped vectors,
// broken documents and unreadable files.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "actors/peer/noise/vector_runner.hpp"

using namespace nz::peer::noise;

namespace {

// Noise_NN_25519_ChaChaPoly_BLAKE2b from cacophony's vectors (public domain).
const std::string nn_vector = R"({
 "protocol_name": "Noise_NN_25519_ChaChaPoly_BLAKE2b",
 "init_prologue": "4a6f686e2047616c74",
 "init_ephemeral": "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
 "resp_prologue": "4a6f686e2047616c74",
 "resp_ephemeral": "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
 "handshake_hash": "25b3d1154146a2e058e4db548e0841992cf33a972d5b85a908e4fb8f14b6d94f4987e17baa330c93dd842d6eda030cd47190c60d7c862574078779aba1302a2e",
 "messages": [
  {"payload": "4c756477696720766f6e204d69736573",
   "ciphertext": "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
  {"payload": "4d757272617920526f746862617264",
   "ciphertext": "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843d10cf8ef4ab895bed3e4673211f0c9337039d63a450c7b28196b8a0ebade00"},
  {"payload": "462e20412e20486179656b",
   "ciphertext": "e50ec882703a1f34bf4957d8cafd036d34e02930f672f424c676e1"},
  {"payload": "4361726c204d656e676572",
   "ciphertext": "35bb2a728d3e8e5f47781d486089e4a37c5c2e4261256f44569a9f"}
 ]})";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

vector_counts run(const std::string& vectors, std::string* report = nullptr) {
  std::ostringstream out;
  auto c = run_noise_vector_text("{\"vectors\": [" + vectors + "]}", "t", out);
  if (report) *report = out.str();
  return c;
}

}  // namespace

TEST_CASE("a published NN vector passes, handshake and transport messages alike") {
  auto c = run(nn_vector);
  CHECK(c.passed == 1);
  CHECK(c.failed == 0);
  CHECK(c.skipped == 0);
}

TEST_CASE("a wrong ciphertext, payload or handshake hash is one failure line") {
  std::string report;
  // Handshake message 2 differs in its last byte.
  auto c = run(replace(nn_vector, "c7b28196b8a0ebade00", "c7b28196b8a0ebade01"), &report);
  CHECK(c.failed == 1);
  CHECK(report.find("FAIL t#0 Noise_NN_25519_ChaChaPoly_BLAKE2b: message 1") == 0);
  // A transport message differs.
  c = run(replace(nn_vector, "35bb2a728d3e8e5f", "35bb2a728d3e8e5e"), &report);
  CHECK(c.failed == 1);
  CHECK(report.find("message 3") != std::string::npos);
  c = run(replace(nn_vector, "\"25b3d115", "\"25b3d116"), &report);
  CHECK(c.failed == 1);
  CHECK(report.find("handshake hash") != std::string::npos);
  c = run(replace(nn_vector, "\"4a6f686e2047616c74\",\n \"resp", "\"00\",\n \"resp"));
  CHECK(c.failed == 1);
}

TEST_CASE("psk, fallback, unsupported and expected-failure vectors are skipped") {
  auto psk = replace(nn_vector, "\"messages\"", "\"init_psks\": [\"00\"], \"messages\"");
  auto empty_psks = replace(nn_vector, "\"messages\"", "\"init_psks\": [], \"messages\"");
  auto blake2s = replace(nn_vector, "ChaChaPoly_BLAKE2b", "ChaChaPoly_BLAKE2s");
  auto x448 = replace(nn_vector, "NN_25519", "NN_448");
  auto modifier = replace(nn_vector, "Noise_NN_", "Noise_NNpsk0_");
  auto fallback = replace(nn_vector, "\"messages\"", "\"fallback\": true, \"messages\"");
  auto fail = replace(nn_vector, "\"messages\"", "\"fail\": true, \"messages\"");
  auto c = run(psk + "," + empty_psks + "," + blake2s + "," + x448 + "," + modifier + ","
               + fallback + "," + fail);
  CHECK(c.passed == 1);  // empty psk lists are no PSKs
  CHECK(c.failed == 0);
  CHECK(c.skipped == 6);
}

TEST_CASE("the name field may be called name, as in noise-c's files") {
  auto c = run(replace(nn_vector, "\"protocol_name\"", "\"name\""));
  CHECK(c.passed == 1);
}

TEST_CASE("malformed vectors fail instead of crashing") {
  for (const std::string& bad :
       {std::string{"1"}, std::string{"{}"}, replace(nn_vector, "\"4c75", "\"zz75"),
        replace(nn_vector, "\"893e28", "\"3e28"),
        replace(nn_vector, "\"messages\"", "\"m\""),
        replace(nn_vector, "\"protocol_name\": \"Noise_NN_25519_ChaChaPoly_BLAKE2b\"",
                "\"protocol_name\": 5"),
        replace(nn_vector, "\"ciphertext\": \"35bb", "\"c\": \"35bb")}) {
    CAPTURE(bad);
    auto c = run(bad);
    CHECK(c.failed == 1);
  }
  // Messages that end before the handshake does.
  auto cut = nn_vector.substr(0, nn_vector.find(",\n  {\"payload\": \"4d75")) + "]}";
  CHECK(run(cut).failed == 1);
}

TEST_CASE("documents that are not vector files are one failure") {
  std::ostringstream out;
  CHECK(run_noise_vector_text("{", "f", out).failed == 1);
  CHECK(out.str().find("JSON error at byte 1") != std::string::npos);
  CHECK(run_noise_vector_text("{\"vectors\": {}}", "f", out).failed == 1);
  CHECK(run_noise_vector_text("[]", "f", out).failed == 1);
}

TEST_CASE("run_noise_vectors reads a file and ends with the summary line") {
  const std::string path = "nz_noise_vector_runner_test.json";
  {
    std::ofstream f{path};
    f << "{\"vectors\": [" << nn_vector << "," << replace(nn_vector, "NN_25519", "NN_448")
      << "]}";
  }
  std::ostringstream out;
  CHECK(run_noise_vectors(path, out) == 0);
  CHECK(out.str() == "1 passed, 0 failed, 1 skipped\n");
  std::remove(path.c_str());

  std::ostringstream missing;
  CHECK(run_noise_vectors("/nonexistent/vectors.txt", missing) == 1);
  CHECK(missing.str().find("0 passed, 1 failed, 0 skipped\n") != std::string::npos);
}
