// The pattern table: completeness, the spec's validity rules (section 7.3) and
// spot checks against the spec's text.
#include <doctest/doctest.h>

#include <set>

#include "actors/peer/noise/handshake_pattern.hpp"
#include "actors/peer/noise/noise_protocol.hpp"

using namespace nz::peer::noise;

namespace {

std::string render(const std::vector<token>& tokens) {
  std::string out;
  for (token t : tokens) out += std::string{out.empty() ? "" : ", "} + to_string(t);
  return out;
}

}  // namespace

TEST_CASE("the table has the 3 one-way, 12 interactive and 23 deferred patterns") {
  const auto& all = all_patterns();
  CHECK(all.size() == 38);
  std::set<std::string> names;
  for (const auto& p : all) names.insert(p.name);
  CHECK(names.size() == all.size());
  for (const char* n :
       {"N",    "K",   "X",   "NN",   "NK",   "NX",  "KN",  "KK",   "KX",  "XN",
        "XK",   "XX",  "IN",  "IK",   "IX",   "NK1", "NX1", "X1N",  "X1K", "XK1",
        "X1K1", "X1X", "XX1", "X1X1", "K1N",  "K1K", "KK1", "K1K1", "K1X", "KX1",
        "K1X1", "I1N", "I1K", "IK1",  "I1K1", "I1X", "IX1", "I1X1"})
    CHECK_MESSAGE(find_pattern(n) != nullptr, n);
}

TEST_CASE("XX, IK and NN read as in the spec") {
  const auto* xx = find_pattern("XX");
  REQUIRE(xx != nullptr);
  REQUIRE(xx->messages.size() == 3);
  CHECK(render(xx->messages[0]) == "e");
  CHECK(render(xx->messages[1]) == "e, ee, s, es");
  CHECK(render(xx->messages[2]) == "s, se");
  CHECK(xx->pre_initiator.empty());
  CHECK(xx->pre_responder.empty());
  const auto* ik = find_pattern("IK");
  REQUIRE(ik != nullptr);
  CHECK(render(ik->pre_responder) == "s");
  CHECK(render(ik->messages[0]) == "e, es, s, ss");
  CHECK(render(ik->messages[1]) == "e, ee, se");
  const auto* nn = find_pattern("NN");
  REQUIRE(nn != nullptr);
  CHECK(render(nn->messages[0]) == "e");
  CHECK(render(nn->messages[1]) == "e, ee");
}

TEST_CASE("every pattern is valid: keys sent once, DHs once and only on known keys") {
  for (const auto& p : all_patterns()) {
    CAPTURE(p.name);
    CHECK(p.one_way == (p.name.size() == 1));
    CHECK(p.one_way == (p.messages.size() == 1));
    // Keys known to each side's peer: [0] the initiator's, [1] the responder's.
    bool e_sent[2] = {false, false};
    bool s_sent[2] = {false, false};
    for (token t : p.pre_initiator) (t == token::e ? e_sent : s_sent)[0] = true;
    for (token t : p.pre_responder) (t == token::e ? e_sent : s_sent)[1] = true;
    std::set<token> dhs;
    for (size_t i = 0; i < p.messages.size(); ++i) {
      const int sender = i % 2 == 0 ? 0 : 1;
      for (token t : p.messages[i]) {
        if (t == token::e || t == token::s) {
          bool* sent = t == token::e ? e_sent : s_sent;
          CHECK_MESSAGE(!sent[sender], "key sent twice");
          sent[sender] = true;
          continue;
        }
        CHECK_MESSAGE(dhs.insert(t).second, "DH repeated");
        // The first letter names the initiator's key, the second the responder's.
        const bool ini_e = t == token::ee || t == token::es;
        const bool res_e = t == token::ee || t == token::se;
        CHECK((ini_e ? e_sent : s_sent)[0]);
        CHECK((res_e ? e_sent : s_sent)[1]);
      }
    }
    // Each side sends its ephemeral key and performs ee (forward secrecy),
    // except in one-way patterns where the responder has none.
    CHECK(e_sent[0]);
    if (!p.one_way) {
      CHECK(e_sent[1]);
      CHECK(dhs.count(token::ee) == 1);
    }
  }
}

TEST_CASE("unknown names and modifiers are not patterns") {
  for (const char* n : {"", "xx", "XXpsk3", "XXfallback", "NNhfs", "XXX", "IK "})
    CHECK(find_pattern(n) == nullptr);
}

TEST_CASE("protocol names parse strictly") {
  auto p = parse_protocol_name("Noise_XX_25519_ChaChaPoly_BLAKE2b");
  REQUIRE(p);
  CHECK(p->pattern->name == "XX");
  CHECK(p->cipher == cipher_algo::chachapoly);
  CHECK(p->hash == hash_algo::blake2b);
  CHECK(parse_protocol_name(node_protocol_name));
  CHECK(parse_protocol_name("Noise_X1K1_25519_ChaChaPoly_SHA512"));
  for (const char* bad :
       {"", "Noise", "Noise_XX_25519_ChaChaPoly", "Noise_XX_25519_ChaChaPoly_BLAKE2b_",
        "noise_XX_25519_ChaChaPoly_BLAKE2b", "NoisePSK_XX_25519_ChaChaPoly_BLAKE2b",
        "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b", "Noise_XX_448_ChaChaPoly_BLAKE2b",
        "Noise_XX_25519_XChaChaPoly_BLAKE2b", "Noise_XX_25519_ChaChaPoly_BLAKE2s",
        "Noise_XX_25519+Kyber1024_ChaChaPoly_BLAKE2b",
        "Noise__25519_ChaChaPoly_BLAKE2b"}) {
    auto r = parse_protocol_name(bad);
    CAPTURE(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == noise_errc::unsupported);
  }
  CHECK_FALSE(parse_protocol_name(std::string(300, 'N')));
}
