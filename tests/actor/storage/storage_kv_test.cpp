// The storage actor's sealed kv on the deterministic test_coordinator: multi-gets
// (kv_get_many) and the group commit of concurrent kv writers. A fake identity
// actor hands out a fixed storage subkey; a fake metrics actor counts commits.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/core_errors.hpp"
#include "messages/identity_api.hpp"
#include "messages/metrics_api.hpp"
#include "storage/storage_actor.hpp"
#include "support/actor_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace nz;

namespace {

using namespace std::chrono_literals;

constexpr auto linger = std::chrono::microseconds{2000};

/// Answers the storage subkey request with a fixed 32-byte key.
caf::behavior fake_identity() {
  return {[](subkey_atom, uint8_t) { return bytes(32, 0x5a); }};
}

/// Counts nzcore_journal_commits_total.
metrics_actor::behavior_type commit_counter(std::shared_ptr<double> commits) {
  return {
      [commits](add_atom, std::string& f, label_values&, double v) {
        if (f == "nzcore_journal_commits_total") *commits += v;
      },
      [](set_atom, std::string&, label_values&, double) {},
      [](observe_atom, std::string&, label_values&, double) {},
      [](render_atom) { return std::string{}; },
  };
}

bytes bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

bool is(const caf::error& err, storage_errc code) {
  return err.category() == storage_category && err.code() == static_cast<uint8_t>(code);
}

using put_handle = decltype(std::declval<caf::scoped_actor&>()->request(
    std::declval<storage_actor>(), caf::infinite, kv_put_atom::value, uint8_t{0},
    std::string{}, bytes{}, bytes{}));

struct kv_fixture : test::actor_fixture {
  test::temp_dir tmp{"nz-storage-kv"};
  std::shared_ptr<double> commits = std::make_shared<double>(0);
  metrics_actor metrics = sys.spawn(commit_counter, commits);
  caf::actor identity = sys.spawn(fake_identity);
  storage_actor storage;

  kv_fixture() {
    storage_options opts;
    opts.dir = tmp.str() + "/db";
    opts.map_size = size_t{32} << 20;
    opts.detached = false;
    opts.kv_commit_linger = linger;
    auto m = caf::actor_cast<caf::actor>(metrics);
    opts.find_metrics = [m] { return m; };
    auto id = identity;
    opts.find_identity = [id] { return id; };
    auto h = spawn_storage(sys, std::move(opts));
    REQUIRE(h);
    storage = *h;
    sched.run();  // the storage actor fetches its subkey before serving
  }

  ~kv_fixture() {
    self->send_exit(storage, caf::exit_reason::user_shutdown);
    self->send_exit(metrics, caf::exit_reason::user_shutdown);
    self->send_exit(identity, caf::exit_reason::user_shutdown);
    sched.run();
  }

  put_handle put(const std::string& key, const std::string& value) {
    return self->request(storage, caf::infinite, kv_put_atom::value, uint8_t{0},
                         std::string{"app"}, bytes_of(key), bytes_of(value));
  }

  /// Receives a put's reply; false if it is not there (yet) or failed.
  bool acked(put_handle& h) {
    if (self->mailbox().empty()) return false;
    bool ok = false;
    h.receive([&](bool x) { ok = x; }, [&](caf::error& e) { FAIL(to_string(e)); });
    return ok;
  }

  caf::expected<bytes> get(const std::string& key) {
    return ask<bytes>(storage, kv_get_atom::value, uint8_t{0}, std::string{"app"},
                      bytes_of(key));
  }
};

}  // namespace

TEST_CASE_FIXTURE(kv_fixture,
                  "kv_get_many returns found flags and values in key order, and sees "
                  "the puts queued before it") {
  auto p1 = put("a", "one");
  auto p2 = put("c", "three");
  std::vector<bytes> keys{bytes_of("c"), bytes_of("b"), bytes_of("a")};
  auto many = self->request(storage, caf::infinite, kv_get_many_atom::value, uint8_t{0},
                            std::string{"app"}, keys);
  sched.run();
  CHECK(acked(p1));
  CHECK(acked(p2));
  bool replied = false;
  many.receive(
      [&](bytes& found, std::vector<bytes>& values) {
        replied = true;
        CHECK(found == bytes{1, 0, 1});
        REQUIRE(values.size() == 3);
        CHECK(values[0] == bytes_of("three"));
        CHECK(values[1].empty());
        CHECK(values[2] == bytes_of("one"));
      },
      [](caf::error& e) { FAIL(to_string(e)); });
  CHECK(replied);
  // The files table is apart; nothing there.
  auto r = self->request(storage, caf::infinite, kv_get_many_atom::value, uint8_t{1},
                         std::string{"app"}, keys);
  sched.run();
  r.receive(
      [](bytes& found, std::vector<bytes>&) {
        CHECK(found == bytes{0, 0, 0});
      },
      [](caf::error& e) { FAIL(to_string(e)); });
}

TEST_CASE_FIXTURE(kv_fixture, "a refused kv_get_many fails alone with the reason") {
  std::vector<bytes> too_many(1001, bytes_of("k"));
  auto big = self->request(storage, caf::infinite, kv_get_many_atom::value, uint8_t{0},
                           std::string{"app"}, too_many);
  auto bad = self->request(storage, caf::infinite, kv_get_many_atom::value, uint8_t{0},
                           std::string{"App"}, std::vector<bytes>{bytes_of("k")});
  auto empty_key =
      self->request(storage, caf::infinite, kv_get_many_atom::value, uint8_t{0},
                    std::string{"app"}, std::vector<bytes>{bytes_of("k"), bytes{}});
  auto p = put("k", "v");
  sched.run();
  big.receive([](bytes&, std::vector<bytes>&) { FAIL("1001 keys accepted"); },
              [](caf::error& e) {
                CHECK(is(e, storage_errc::limit_exceeded));
                CHECK(to_string(e).find("1000-key limit") != std::string::npos);
              });
  bad.receive([](bytes&, std::vector<bytes>&) { FAIL("bad namespace accepted"); },
              [](caf::error& e) { CHECK(is(e, storage_errc::limit_exceeded)); });
  empty_key.receive(
      [](bytes&, std::vector<bytes>&) { FAIL("empty key accepted"); },
      [](caf::error& e) {
        CHECK(to_string(e).find("key 1 of 2: empty key") != std::string::npos);
      });
  CHECK(acked(p));
  auto v = get("k");
  REQUIRE(v);
  CHECK(*v == bytes_of("v"));
}

TEST_CASE("kv_get_many without a storage key fails with no_storage_key") {
  test::actor_fixture fx;
  test::temp_dir tmp{"nz-storage-kv"};
  storage_options opts;
  opts.dir = tmp.str() + "/db";
  opts.map_size = size_t{32} << 20;
  opts.detached = false;
  auto h = spawn_storage(fx.sys, std::move(opts));
  REQUIRE(h);
  auto r = fx.self->request(*h, caf::infinite, kv_get_many_atom::value, uint8_t{0},
                            std::string{"app"}, std::vector<bytes>{bytes_of("k")});
  fx.sched.run();
  bool failed = false;
  r.receive([](bytes&, std::vector<bytes>&) { FAIL("served without a key"); },
            [&](caf::error& e) { failed = is(e, storage_errc::no_storage_key); });
  CHECK(failed);
  fx.self->send_exit(*h, caf::exit_reason::user_shutdown);
}

TEST_CASE_FIXTURE(kv_fixture,
                  "writers answered by one commit share the next one: it waits until "
                  "they are all back, or for the linger") {
  // Three concurrent writers: one commit.
  std::vector<put_handle> hs{put("a", "1"), put("b", "2"), put("c", "3")};
  sched.run();
  for (auto& h : hs) CHECK(acked(h));
  CHECK(*commits == 1);
  // Two of them are back: the commit waits for the third.
  hs = {put("a", "4"), put("b", "5")};
  sched.run();
  CHECK(self->mailbox().empty());
  CHECK(*commits == 1);
  hs.push_back(put("c", "6"));
  sched.run();
  for (auto& h : hs) CHECK(acked(h));
  CHECK(*commits == 2);
  // Only one comes back: it waits at most the linger.
  auto lone = put("a", "7");
  auto read = self->request(storage, caf::infinite, kv_get_atom::value, uint8_t{0},
                            std::string{"app"}, bytes_of("a"));
  sched.run();
  CHECK(self->mailbox().empty());
  CHECK(*commits == 2);
  advance(linger);
  CHECK(acked(lone));
  CHECK(*commits == 3);
  // The read queued behind the lingering put saw it.
  read.receive([](bytes& v) { CHECK(v == bytes_of("7")); },
               [](caf::error& e) { FAIL(to_string(e)); });
  // A lone writer never waits: each of its puts is the whole group.
  for (int i = 0; i < 3; ++i) {
    auto h = put("z", std::to_string(i));
    sched.run();
    CHECK(acked(h));
  }
  CHECK(*commits == 6);
  auto z = get("z");
  REQUIRE(z);
  CHECK(*z == bytes_of("2"));
}

TEST_CASE_FIXTURE(kv_fixture, "the close phase commits a lingering put") {
  std::vector<put_handle> hs{put("a", "1"), put("b", "2")};
  sched.run();
  for (auto& h : hs) CHECK(acked(h));
  auto lone = put("a", "3");
  sched.run();
  CHECK(self->mailbox().empty());
  auto phase = ask<uint8_t>(storage, phase_atom::value,
                            static_cast<uint8_t>(shutdown_phase::flush));
  REQUIRE(phase);
  CHECK(acked(lone));
  CHECK(*commits == 2);
}

TEST_CASE_FIXTURE(kv_fixture,
                  "kv_batch commits after the writes queued before it, atomically, and "
                  "reports the deletes that removed a record") {
  auto p = put("a", "before");
  std::vector<kv_write> writes{
      kv_write::del(kv_table::kv, "app", bytes_of("a")),
      kv_write::put(kv_table::kv, "app", bytes_of("b"), bytes_of("two")),
      kv_write::put(kv_table::files, "docs", bytes_of("f"), bytes{0, 1, 2, 0}),
      kv_write::del(kv_table::kv, "app", bytes_of("never"))};
  auto b = self->request(storage, caf::infinite, kv_batch_atom::value, writes);
  auto read = self->request(storage, caf::infinite, kv_get_atom::value, uint8_t{0},
                            std::string{"app"}, bytes_of("b"));
  sched.run();
  CHECK(acked(p));
  bool replied = false;
  b.receive(
      [&](bytes& existed) {
        replied = true;
        // "a" was put just before the batch, so its delete removed it.
        CHECK(existed == bytes{1, 0, 0, 0});
      },
      [](caf::error& e) { FAIL(to_string(e)); });
  CHECK(replied);
  read.receive([](bytes& v) { CHECK(v == bytes_of("two")); },
               [](caf::error& e) { FAIL(to_string(e)); });
  auto a = get("a");
  REQUIRE_FALSE(a);
  CHECK(is(a.error(), storage_errc::not_found));
  auto f = ask<bytes>(storage, kv_get_atom::value, uint8_t{1}, std::string{"docs"},
                      bytes_of("f"));
  REQUIRE(f);
  CHECK(*f == (bytes{0, 1, 2, 0}));
  CHECK(*commits == 2);  // the queued put, then the batch
}

TEST_CASE_FIXTURE(kv_fixture,
                  "a kv_batch with one bad write fails whole, naming it, and writes "
                  "nothing") {
  auto ok = ask<bytes>(storage, kv_batch_atom::value,
                       std::vector<kv_write>{kv_write::put(
                           kv_table::kv, "app", bytes_of("keep"), bytes_of("old"))});
  REQUIRE(ok);
  std::vector<kv_write> writes{
      kv_write::put(kv_table::kv, "app", bytes_of("new"), bytes_of("1")),
      kv_write::del(kv_table::kv, "app", bytes_of("keep")),
      kv_write::put(kv_table::kv, "app", bytes_of("huge"), bytes(200000, 7))};
  auto bad = ask<bytes>(storage, kv_batch_atom::value, writes);
  REQUIRE_FALSE(bad);
  CHECK(is(bad.error(), storage_errc::limit_exceeded));
  CHECK(to_string(bad.error()).find("batch op 2 of 3") != std::string::npos);
  CHECK(to_string(bad.error()).find("nothing written") != std::string::npos);
  auto keep = get("keep");
  REQUIRE(keep);
  CHECK(*keep == bytes_of("old"));
  CHECK_FALSE(get("new"));
  // An unknown op or table code is refused the same way.
  kv_write odd = kv_write::put(kv_table::kv, "app", bytes_of("x"), bytes_of("y"));
  odd.op = 7;
  auto unknown =
      ask<bytes>(storage, kv_batch_atom::value, std::vector<kv_write>{writes[0], odd});
  REQUIRE_FALSE(unknown);
  CHECK(to_string(unknown.error()).find("batch op 1 of 2: unknown op 7")
        != std::string::npos);
  CHECK_FALSE(get("new"));
  // An empty batch is a no-op.
  auto none = ask<bytes>(storage, kv_batch_atom::value, std::vector<kv_write>{});
  REQUIRE(none);
  CHECK(none->empty());
}
