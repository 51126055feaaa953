// Bundles: signed export and strict import decoding.
#include <doctest/doctest.h>

#include "actors/trust/core/assertion_codec.hpp"
#include "actors/trust/core/bundle.hpp"
#include "actors/trust/core/sync_rules.hpp"
#include "tests/unit/trust/trust_test_util.hpp"

using namespace nz::trust;
using namespace nz::trust::test;

namespace {

struct fixture {
  test_key me = key(1), exporter = key(2);
  issuer_book book;
  sign_fn signer = [this](const uint8_t* m, size_t n) {
    return sign_detached(m, n, exporter.sk.data());
  };

  std::vector<signed_assertion> some(size_t n) {
    std::vector<signed_assertion> xs;
    for (size_t i = 0; i < n; ++i)
      xs.push_back(book.set_level(exporter, key(static_cast<uint8_t>(20 + i % 50)).pk,
                                  level::medium));
    return xs;
  }
  std::vector<uint8_t> make(const std::vector<signed_assertion>& xs,
                            const limits& l = {}) {
    auto b = encode_bundle(exporter.pk, t0, xs, signer, l);
    REQUIRE(b);
    return *b;
  }
};

trust_errc decode_code(const std::vector<uint8_t>& b, const limits& l = {}) {
  return code_of(decode_bundle(b.data(), b.size(), l));
}

}  // namespace

TEST_CASE_FIXTURE(fixture,
                  "a bundle round-trips with its exporter, time and assertions") {
  auto xs = some(5);
  auto bytes = make(xs);
  CHECK(std::string(bytes.begin(), bytes.begin() + 4) == "NZTB");
  auto b = decode_bundle(bytes.data(), bytes.size());
  REQUIRE(b);
  CHECK(b->exporter == exporter.pk);
  CHECK(b->created_ms == t0);
  CHECK(b->assertions == xs);
  auto empty = make({});
  CHECK(decode_bundle(empty.data(), empty.size())->assertions.empty());
}

TEST_CASE_FIXTURE(fixture, "any changed byte breaks the bundle") {
  auto bytes = make(some(2));
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= 0x20;
    CHECK_FALSE(decode_bundle(bad.data(), bad.size()));
  }
}

TEST_CASE_FIXTURE(fixture,
                  "a bundle signed by another key than the exporter is refused") {
  auto bytes = encode_bundle(exporter.pk, t0, some(1), [](const uint8_t* m, size_t n) {
    return sign_detached(m, n, key(3).sk.data());
  });
  REQUIRE(bytes);
  auto r = decode_bundle(bytes->data(), bytes->size());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == trust_errc::bad_signature);
  CHECK(r.error().message.find("exporter signature") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture,
                  "truncation, trailing bytes, bad magic and versions are named") {
  auto bytes = make(some(3));
  for (size_t n = 0; n < bytes.size(); ++n) CHECK_FALSE(decode_bundle(bytes.data(), n));
  auto longer = bytes;
  longer.insert(longer.end() - 64, 0);  // a byte before the signature
  auto r = decode_bundle(longer.data(), longer.size());
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("trailing") != std::string::npos);
  auto magic = bytes;
  magic[0] = 'X';
  CHECK(decode_bundle(magic.data(), magic.size()).error().message == "bundle: bad magic");
  auto version = bytes;
  version[4] = 2;
  CHECK(decode_bundle(version.data(), version.size()).error().message
        == "bundle: unknown version 2");
}

TEST_CASE_FIXTURE(fixture, "a bad assertion inside is named with its index") {
  nz::storage::byte_writer w;
  const uint8_t magic[4] = {'N', 'Z', 'T', 'B'};
  w.put_raw(magic, 4);
  w.put_u8(1);
  w.put_raw(exporter.pk.data(), 32);
  w.put_i64(t0);
  w.put_varint(2);
  w.put_bytes(encode(some(1)[0]));
  auto bad = encode(some(1)[0]);
  bad.push_back(0);  // trailing byte inside the item
  w.put_bytes(bad);
  std::vector<uint8_t> msg(bundle_domain.begin(), bundle_domain.end());
  msg.push_back(0);
  msg.insert(msg.end(), w.bytes().begin(), w.bytes().end());
  auto sig = sign_detached(msg.data(), msg.size(), exporter.sk.data());
  w.put_raw(sig.data(), sig.size());
  auto r = decode_bundle(w.bytes().data(), w.size());
  REQUIRE_FALSE(r);
  CHECK(r.error().code == trust_errc::malformed);
  CHECK(r.error().message.find("assertion 1:") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "bundle bounds are enforced on export and import") {
  limits l;
  l.max_bundle_assertions = 3;
  auto r = encode_bundle(exporter.pk, t0, some(4), signer, l);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == trust_errc::limit);
  auto four = make(some(4));
  CHECK(decode_code(four, l) == trust_errc::limit);
  l = limits{};
  l.max_bundle_bytes = 500;
  CHECK(code_of(encode_bundle(exporter.pk, t0, some(5), signer, l)) == trust_errc::limit);
  auto five = make(some(5));
  REQUIRE(five.size() > 500);
  auto e = decode_bundle(five.data(), five.size(), l);
  REQUIRE_FALSE(e);
  CHECK(e.error().message.find("max_bundle_bytes") != std::string::npos);
  // A count within bounds but far beyond the bytes present fails cleanly.
  auto empty = make({});
  auto count_at = empty.size() - 64 - 1;
  REQUIRE(empty[count_at] == 0);
  auto huge = empty;
  huge[count_at] = 0x90;  // 10000 (max_bundle_assertions) as a varint: 0x90 0x4e
  huge.insert(huge.begin() + static_cast<long>(count_at) + 1, 0x4e);
  CHECK(decode_code(huge) == trust_errc::malformed);
}

TEST_CASE_FIXTURE(fixture,
                  "importing a bundle over max_batch is refused as batch_too_large") {
  trust_set ts{me.pk};
  REQUIRE(ts.apply(book.set_level(me, exporter.pk, level::high))
          == apply_status::applied);
  auto bytes = make(some(101));
  auto b = decode_bundle(bytes.data(), bytes.size());
  REQUIRE(b);
  auto v = check_batch(ts, b->assertions, t0);
  CHECK_FALSE(v.accepted);
  CHECK(v.rejected.at(0).reason_code == "batch_too_large");
  auto ok = make(some(100));
  auto b2 = decode_bundle(ok.data(), ok.size());
  CHECK(check_batch(ts, b2->assertions, t0).accepted);
}
