// Admission: the three policies, revocation over everything, allow-list
// matching by node id or key, fail-closed levels.
#include <doctest/doctest.h>

#include "actors/peer/noise/hex.hpp"
#include "actors/peer/session/admission.hpp"
#include "tests/unit/peer_session/session_test_util.hpp"

using namespace nz::peer;
using namespace nz::peer::test;

namespace {

binding peer_binding() {
  binding b;
  for (size_t i = 0; i < b.ed25519_public.size(); ++i) {
    b.ed25519_public[i] = static_cast<uint8_t>(0xa0 + i);
  }
  b.node_id = node_id_of(b.ed25519_public);
  b.protocol_version = protocol_version;
  return b;
}

std::string upper(std::string s) {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'f') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return s;
}

}  // namespace

TEST_CASE("the open policy admits every peer that is not revoked") {
  const auto b = peer_binding();
  CHECK(decide(admission_policy::open, b, {0, false}, 4, {}).allowed());
  auto r = decide(admission_policy::open, b, {4, true}, 0, {});
  REQUIRE_FALSE(r.allowed());
  CHECK(*r.refused == refusal::revoked);
}

TEST_CASE("the trusted policy admits peers at or above the minimum level") {
  const auto b = peer_binding();
  for (uint8_t min = 0; min <= 5; ++min) {
    for (uint8_t level = 0; level <= 6; ++level) {
      auto r = decide(admission_policy::trusted, b, {level, false}, min, {});
      const bool want = level <= max_trust_level && level >= min;
      INFO("level " << int{level} << " min " << int{min});
      CHECK(r.allowed() == want);
      if (!want) {
        CHECK(*r.refused == refusal::not_trusted);
      }
    }
  }
  auto rev = decide(admission_policy::trusted, b, {4, true}, 1, {});
  REQUIRE_FALSE(rev.allowed());
  CHECK(*rev.refused == refusal::revoked);
}

TEST_CASE("the allow list matches node ids and hex keys in either case") {
  const auto b = peer_binding();
  const std::string key_hex = nz::peer::noise::hex_encode(b.ed25519_public);
  CHECK(decide(admission_policy::allow_list, b, {}, 4, {"x", b.node_id}).allowed());
  CHECK(decide(admission_policy::allow_list, b, {}, 4, {upper(b.node_id)}).allowed());
  CHECK(decide(admission_policy::allow_list, b, {}, 4, {key_hex}).allowed());
  CHECK(decide(admission_policy::allow_list, b, {}, 4, {upper(key_hex)}).allowed());
  auto none = decide(admission_policy::allow_list, b, {4, false}, 0, {});
  REQUIRE_FALSE(none.allowed());
  CHECK(*none.refused == refusal::not_listed);
  auto prefix = decide(admission_policy::allow_list, b, {}, 0,
                       {b.node_id.substr(0, 63), b.node_id + "0"});
  CHECK(*prefix.refused == refusal::not_listed);
  auto rev = decide(admission_policy::allow_list, b, {0, true}, 0, {b.node_id});
  CHECK(*rev.refused == refusal::revoked);
}

TEST_CASE("policies and refusals have stable names") {
  for (auto p : {admission_policy::open, admission_policy::trusted,
                 admission_policy::allow_list}) {
    CHECK(parse_admission_policy(to_string(p)) == p);
  }
  CHECK_FALSE(parse_admission_policy("Open"));
  CHECK_FALSE(parse_admission_policy(""));
  CHECK(std::string{to_string(refusal::not_trusted)} == "not_trusted");
  CHECK(std::string{to_string(refusal::revoked)} == "revoked");
  CHECK(std::string{to_string(refusal::not_listed)} == "not_listed");
  CHECK(refusal_wire_text == "refused");
}
