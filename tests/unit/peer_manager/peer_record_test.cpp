// peer_record: address and node id validation (hostile input from gossip).
#include <doctest/doctest.h>

#include <string>

#include "actors/peer/manager/peer_record.hpp"

using nz::peer::parse_node_id;
using nz::peer::peer_manager_errc;
using nz::peer::valid_peer_address;

TEST_CASE("addresses are host:port with a port from 1 to 65535") {
  for (const char* ok : {"example.org:7000", "10.0.0.1:1", "[::1]:65535", "h:80",
                         "[fe80::1%eth0]:443", "a-b_c.d:12345"}) {
    CAPTURE(ok);
    CHECK(valid_peer_address(ok));
  }
  for (const char* bad : {"",         ":",         "host",        "host:",
                          ":80",      "host:0",    "host:65536",  "host:070",
                          "host:+80", "host:8a",   "host:123456", "::1:80",
                          "[::1:80",  "::1]:80",   "[]:80",       "[[x]]:80",
                          "ho st:80", "host\n:80", "h\x7f:80",    "h\xc3\xa9:80",
                          "a]b:80",   "a[b:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_peer_address(bad));
  }
  std::string longest = std::string(249, 'h') + ":65535";
  REQUIRE(longest.size() == 255);
  CHECK(valid_peer_address(longest));
  CHECK_FALSE(valid_peer_address("h" + longest));
  CHECK_FALSE(valid_peer_address(std::string("a\0b:80", 6)));
}

TEST_CASE("node ids are 64 hex digits and come out in lowercase") {
  std::string id(64, 'a');
  id[0] = 'F';
  id[63] = '9';
  auto parsed = parse_node_id(id);
  REQUIRE(parsed);
  CHECK(*parsed == "f" + std::string(62, 'a') + "9");
  for (auto bad : {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'),
                   std::string(63, 'a') + " ", std::string{}}) {
    auto r = parse_node_id(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == peer_manager_errc::bad_node_id);
  }
}

TEST_CASE("error codes and sources have stable names") {
  using nz::peer::peer_source;
  CHECK(std::string{to_string(peer_manager_errc::bad_node_id)} == "bad_node_id");
  CHECK(std::string{to_string(peer_manager_errc::bad_address)} == "bad_address");
  CHECK(std::string{to_string(peer_manager_errc::malformed_change)}
        == "malformed_change");
  CHECK(std::string{to_string(peer_manager_errc::bad_source)} == "bad_source");
  CHECK(std::string{to_string(peer_source::bootstrap)} == "bootstrap");
  CHECK(std::string{to_string(peer_source::learned)} == "learned");
}
