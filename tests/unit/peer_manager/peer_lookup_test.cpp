// find_by_prefix: a peer by node id or unique prefix (the manager's lookup for
// every forwarded message), against a linear scan on random maps.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

#include "actors/peer/manager/peer_lookup.hpp"

using namespace nz::peer;

namespace {

/// The reference: look at every key.
template <class T>
lookup_status scan(const std::map<std::string, T>& m, const std::string& who) {
  if (who.size() < min_node_id_prefix) return lookup_status::none;
  int n = 0;
  for (auto& [k, v] : m)
    if (k.compare(0, who.size(), who) == 0) ++n;
  return n == 0   ? lookup_status::none
         : n == 1 ? lookup_status::found
                  : lookup_status::ambiguous;
}

}  // namespace

TEST_CASE("find_by_prefix: exact ids, unique prefixes, ambiguity, short prefixes") {
  std::map<std::string, int> m{{"aaaaaaaa11", 1}, {"aaaaaaaa22", 2}, {"bbbbbbbb33", 3}};
  auto full = find_by_prefix(m, std::string{"bbbbbbbb33"});
  REQUIRE(full.status == lookup_status::found);
  CHECK(*full.value == 3);
  auto unique = find_by_prefix(m, std::string{"aaaaaaaa2"});
  REQUIRE(unique.status == lookup_status::found);
  CHECK(*unique.value == 2);
  auto both = find_by_prefix(m, std::string{"aaaaaaaa"});
  CHECK(both.status == lookup_status::ambiguous);
  CHECK(both.value == nullptr);
  CHECK(find_by_prefix(m, std::string{"bbbbbbb"}).status == lookup_status::none);
  CHECK(find_by_prefix(m, std::string{"cccccccc"}).status == lookup_status::none);
  CHECK(find_by_prefix(m, std::string{"bbbbbbbb334"}).status == lookup_status::none);
  CHECK(find_by_prefix(std::map<std::string, int>{}, std::string{"aaaaaaaa"}).status
        == lookup_status::none);
}

TEST_CASE("find_by_prefix agrees with a scan of every key") {
  std::mt19937 rng{7};
  const char* digits = "0123456789abcdef";
  for (int round = 0; round < 200; ++round) {
    std::map<std::string, std::string> m;  // id -> id
    // Few distinct leading digits, so that prefixes collide often.
    for (int i = 0; i < 50; ++i) {
      std::string id;
      for (int k = 0; k < 12; ++k) id.push_back(digits[rng() % (k < 9 ? 2 : 16)]);
      m.emplace(id, id);
    }
    for (int q = 0; q < 50; ++q) {
      std::string who;
      auto len = 6 + rng() % 7;
      for (size_t k = 0; k < len; ++k) who.push_back(digits[rng() % (k < 9 ? 2 : 16)]);
      auto r = find_by_prefix(m, who);
      REQUIRE(r.status == scan(m, who));
      if (r.status == lookup_status::found)
        CHECK(r.value->compare(0, who.size(), who) == 0);
    }
  }
}
