// Sealed kv throughput and latency: gets and durable puts through the storage
// actor (real, detached; XChaCha20-Poly1305 under the storage subkey that it asks
// the identity actor for; group commit) beside raw LMDB doing the same work in the
// same run, without sealing. Every repetition uses fresh environments under
// $TMPDIR (or /tmp); make sure that is a real disk.
//
//   nz_bench_sealed [puts_100=20000] [puts_4k=5000] [gets=100000] [latency_samples=500]
//
// Per value size (100 B and 4 KiB; 32-byte random keys), 3 repetitions of:
//   sealed_put    32 writer actors x 32 kv_put in flight (1,024) until `puts`
//                 are acked, then raw_put: the same keys, synced batches of
//                 1,000 per txn (plain mdb_* calls on a second environment)
//   sealed_get    8 reader actors x 64 kv_get in flight over the keys written,
//                 `gets` in total (every value is checked)
//   sealed_many   4 reader actors x 4 kv_get_many of 100 random keys in flight,
//                 `gets` keys in total (every flag and value is checked)
//   raw_get       `gets` random gets in ONE read txn, each value copied out of
//                 the map into a caller-owned buffer (as a sealed get returns it)
//   open_cost     storage::open() of one sealed value, timed alone: the
//                 decryption that a sealed get cannot avoid and a raw get does
//                 not do; `ceiling` is the get ratio if nothing else cost a thing
//   single puts   `latency_samples` pairs, interleaved: one raw put in its own
//                 synced txn (raw_lat), then one kv_put through the actor with
//                 nothing else in flight (sealed_lat), so that disk contention
//                 from other processes hits both alike
// The storage actor's commit count (its metrics) gives the puts per group commit.
// Goals (ratios taken within each repetition, then the median over the 3):
//   sealed get / raw_get >= 0.4 (reported for kv_get and for kv_get_many),
//   sealed_put / raw_put >= 0.5, sealed_lat p50 / raw_lat p50 <= 2.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <sodium.h>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/identity/identity_actor.hpp"
#include "bench/storage/raw_lmdb.hpp"
#include "bench/support/actor_wait.hpp"
#include "bench/support/bench_fail.hpp"
#include "bench/support/bench_stats.hpp"
#include "bench/support/request_pump.hpp"
#include "messages/core_errors.hpp"
#include "messages/kv_api.hpp"
#include "messages/metrics_api.hpp"
#include "messages/register_types.hpp"
#include "messages/storage_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_registry.hpp"
#include "storage/sealed/kv_keys.hpp"
#include "storage/sealed/sealed_record.hpp"
#include "storage/storage_actor.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nz::bench;
using nz::bytes;
using key_list = std::vector<bytes>;

constexpr int repeats = 3;
constexpr int writers = 32;
constexpr uint64_t write_window = 32;
constexpr int readers = 8;
constexpr uint64_t read_window = 64;
constexpr int many_readers = 4;
constexpr uint64_t many_window = 4;
constexpr size_t keys_per_many = 100;
constexpr size_t key_size = 32;
constexpr size_t map_size = size_t{1} << 30;
constexpr auto request_timeout = std::chrono::seconds(30);
const std::string kv_ns = "bench";

bytes random_bytes(size_t n) {
  bytes out(n);
  randombytes_buf(out.data(), out.size());
  return out;
}

std::shared_ptr<const key_list> random_keys(size_t n) {
  auto keys = std::make_shared<key_list>();
  keys->reserve(n);
  for (size_t i = 0; i < n; ++i) keys->push_back(random_bytes(key_size));
  return keys;
}

// -- storage actor metrics --------------------------------------------------------

/// Counts the storage actor's commits (nzcore_journal_commits_total).
nz::metrics_actor::behavior_type commit_counter(
    std::shared_ptr<std::atomic<uint64_t>> c) {
  return {
      [c](nz::add_atom, std::string& f, nz::label_values&, double v) {
        if (f == "nzcore_journal_commits_total") *c += static_cast<uint64_t>(v);
      },
      [](nz::set_atom, std::string&, nz::label_values&, double) {},
      [](nz::observe_atom, std::string&, nz::label_values&, double) {},
      [](nz::render_atom) { return std::string{}; },
  };
}

// -- actors driving the storage actor --------------------------------------------

/// Keeps `window` kv_puts of keys[begin, end) in flight until all are
/// acknowledged, then sends the number of acks to `done` and quits. On an error
/// it reports the acks so far (the caller then sees a short count).
caf::behavior put_writer(caf::event_based_actor* self, nz::storage_actor st,
                         std::shared_ptr<const key_list> keys, size_t begin, size_t end,
                         std::shared_ptr<const bytes> value, caf::actor done) {
  pump_requests(self, end - begin, write_window, done, [=](uint64_t i, auto ok) {
    self->request(st, request_timeout, nz::kv_put_atom::value, uint8_t{0}, kv_ns,
                  (*keys)[begin + i], *value)
        .then([ok](bool) { ok(true); },
              [self, ok](caf::error& err) {
                std::fprintf(stderr, "kv_put failed: %s\n",
                             self->system().render(err).c_str());
                ok(false);
              });
  });
  return {[](caf::unit_t) {}};
}

/// Keeps `read_window` kv_gets of random keys in flight until `count` replies
/// have arrived, checks every value against `value`, then sends the number of
/// good replies to `done` and quits.
caf::behavior get_reader(caf::event_based_actor* self, nz::storage_actor st,
                         std::shared_ptr<const key_list> keys, uint64_t count,
                         uint64_t seed, std::shared_ptr<const bytes> value,
                         caf::actor done) {
  auto rng = std::make_shared<uint64_t>(seed);
  pump_requests(self, count, read_window, done, [=](uint64_t, auto ok) {
    const auto& key = (*keys)[splitmix64(*rng) % keys->size()];
    self->request(st, request_timeout, nz::kv_get_atom::value, uint8_t{0}, kv_ns, key)
        .then(
            [value, ok](bytes& got) {
              if (got != *value)
                std::fprintf(stderr, "kv_get returned a wrong value (%zu bytes)\n",
                             got.size());
              ok(got == *value);
            },
            [self, ok](caf::error& err) {
              std::fprintf(stderr, "kv_get failed: %s\n",
                           self->system().render(err).c_str());
              ok(false);
            });
  });
  return {[](caf::unit_t) {}};
}

/// Keeps `many_window` kv_get_many requests of `keys_per_many` random keys in
/// flight until `count` replies have arrived, checks every found flag and
/// value, then sends the number of good replies to `done` and quits.
caf::behavior many_reader(caf::event_based_actor* self, nz::storage_actor st,
                          std::shared_ptr<const key_list> keys, uint64_t count,
                          uint64_t seed, std::shared_ptr<const bytes> value,
                          caf::actor done) {
  auto rng = std::make_shared<uint64_t>(seed);
  pump_requests(self, count, many_window, done, [=](uint64_t, auto ok) {
    std::vector<bytes> batch;
    batch.reserve(keys_per_many);
    for (size_t j = 0; j < keys_per_many; ++j)
      batch.push_back((*keys)[splitmix64(*rng) % keys->size()]);
    self->request(st, request_timeout, nz::kv_get_many_atom::value, uint8_t{0}, kv_ns,
                  std::move(batch))
        .then(
            [value, ok](bytes& found, std::vector<bytes>& got) {
              bool good = found.size() == keys_per_many && got.size() == keys_per_many;
              for (size_t j = 0; good && j < keys_per_many; ++j)
                good = found[j] == 1 && got[j] == *value;
              if (!good) std::fprintf(stderr, "kv_get_many returned a wrong reply\n");
              ok(good);
            },
            [self, ok](caf::error& err) {
              std::fprintf(stderr, "kv_get_many failed: %s\n",
                           self->system().render(err).c_str());
              ok(false);
            });
  });
  return {[](caf::unit_t) {}};
}

/// Microseconds for storage::open() of one sealed `value_size`-byte value
/// (the median of 5 rounds of 2,000 opens).
double open_cost_us(size_t value_size) {
  uint8_t key[nz::storage::sealed_key_size];
  randombytes_buf(key, sizeof(key));
  auto rkey = random_bytes(key_size);
  auto value = random_bytes(value_size);
  bytes rec, out;
  nz::storage::seal(rec, key, kv_ns, nz::storage::as_bytes(rkey),
                    nz::storage::as_bytes(value));
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    auto t0 = clock_type::now();
    for (int i = 0; i < 2000; ++i)
      if (!nz::storage::open(out, key, kv_ns, nz::storage::as_bytes(rkey),
                             nz::storage::as_bytes(rec)))
        die("open of a fresh record failed");
    rounds.push_back(us_since(t0) / 2000);
  }
  if (out != value) die("open returned a wrong value");
  return median(rounds);
}

/// `keys->size()` interleaved pairs: one raw single-put synced commit (µs to
/// `raw_out`, on this actor's thread), then one kv_put with nothing else in
/// flight (round trip in µs to `sealed_out`). Sends the number of sealed samples
/// to `done` and quits.
caf::behavior latency_driver(caf::event_based_actor* self, nz::storage_actor st,
                             std::shared_ptr<const key_list> keys,
                             std::shared_ptr<const key_list> raw_keys, raw_lmdb* raw,
                             std::shared_ptr<const bytes> value,
                             std::shared_ptr<std::vector<double>> sealed_out,
                             std::shared_ptr<std::vector<double>> raw_out,
                             caf::actor done) {
  auto next = std::make_shared<size_t>(0);
  auto send_one = std::make_shared<std::function<void()>>();
  *send_one = [=] {
    auto i = (*next)++;
    raw_out->push_back(raw->timed_single_put((*raw_keys)[i]));
    auto t0 = clock_type::now();
    self->request(st, request_timeout, nz::kv_put_atom::value, uint8_t{0}, kv_ns,
                  (*keys)[i], *value)
        .then(
            [=](bool) {
              sealed_out->push_back(us_since(t0));
              if (*next == keys->size()) {
                self->send(done, static_cast<uint64_t>(sealed_out->size()));
                *send_one = nullptr;  // break the self-reference
                self->quit();
                return;
              }
              (*send_one)();
            },
            [=](caf::error& err) {
              std::fprintf(stderr, "kv_put failed: %s\n",
                           self->system().render(err).c_str());
              self->send(done, static_cast<uint64_t>(sealed_out->size()));
              *send_one = nullptr;
              self->quit();
            });
  };
  if (!keys->empty()) (*send_one)();
  return {[](caf::unit_t) {}};
}

/// Waits for one uint64_t from each of `n` actors; returns their sum.
uint64_t collect(caf::scoped_actor& self, int n, const char* what) {
  uint64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    bool got = false;
    self->receive(
        [&](uint64_t x) {
          sum += x;
          got = true;
        },
        caf::after(std::chrono::seconds(60)) >> [] {});
    if (!got) die(std::string{what} + ": no result within 60 s");
  }
  return sum;
}

/// The storage actor serves sealed requests once it has the subkey: a kv_get of a
/// missing key must come back as not_found.
void wait_serving(caf::actor_system& sys, caf::scoped_actor& self,
                  const nz::storage_actor& st) {
  bool ok = false;
  self->request(st, request_timeout, nz::kv_get_atom::value, uint8_t{0}, kv_ns,
                bytes(key_size, 0))
      .receive([](bytes&) { die("probe key unexpectedly present"); },
               [&](caf::error& err) {
                 if (err.category() == nz::storage_category
                     && err.code() == static_cast<uint8_t>(nz::storage_errc::not_found))
                   ok = true;
                 else
                   die("storage actor is not serving: " + sys.render(err));
               });
  if (!ok) die("storage actor is not serving");
}

// -- one repetition -------------------------------------------------------------

struct measurement {
  double put_rate = 0;   ///< acknowledged durable puts per second
  double get_rate = 0;   ///< verified gets per second (kv_get; raw: mdb_get + copy)
  double many_rate = 0;  ///< verified keys per second through kv_get_many
  double lat_p50 = 0;    ///< single durable put, µs
  double lat_p99 = 0;
};

struct repetition {
  measurement sealed, raw;
  double puts_per_commit = 0;
  double open_us = 0;  ///< one storage::open() of a value
};

repetition run_once(caf::actor_system& sys, std::shared_ptr<nz::service_registry> reg,
                    size_t value_size, uint64_t puts, uint64_t gets, size_t lat_samples,
                    int run) {
  nz::test::temp_dir tmp{"nz-bench-sealed"};
  auto commits = std::make_shared<std::atomic<uint64_t>>(0);
  auto metrics = sys.spawn(commit_counter, commits);
  nz::storage_options so;
  so.dir = tmp.str() + "/db";
  so.map_size = map_size;
  so.find_identity = [reg] { return reg->get("identity"); };
  auto m_hdl = caf::actor_cast<caf::actor>(metrics);
  so.find_metrics = [m_hdl] { return m_hdl; };
  auto st = nz::spawn_storage(sys, so);
  if (!st) die("spawn_storage: " + sys.render(st.error()));
  caf::scoped_actor self{sys};
  wait_serving(sys, self, *st);
  raw_lmdb raw{random_bytes(value_size), map_size};

  auto value = std::make_shared<const bytes>(random_bytes(value_size));
  auto keys = random_keys(puts);
  repetition out;
  auto& s = out.sealed;
  auto& w = out.raw;

  // Durable puts: writers x window in flight, group commit; then raw batches.
  auto t0 = clock_type::now();
  for (int i = 0; i < writers; ++i) {
    size_t begin = puts * static_cast<size_t>(i) / writers;
    size_t end = puts * static_cast<size_t>(i + 1) / writers;
    sys.spawn(put_writer, *st, keys, begin, end, value, caf::actor{self});
  }
  uint64_t acked = collect(self, writers, "sealed puts");
  double secs = seconds_since(t0);
  if (acked != puts)
    die("sealed puts: " + std::to_string(acked) + " of " + std::to_string(puts)
        + " acknowledged");
  s.put_rate = static_cast<double>(acked) / secs;
  std::printf(
      "sealed_put value=%-4zu run=%d writers=%d in_flight=%llu puts=%llu "
      "seconds=%.3f rate=%.0f/s\n",
      value_size, run, writers, static_cast<unsigned long long>(write_window),
      static_cast<unsigned long long>(acked), secs, s.put_rate);

  t0 = clock_type::now();
  raw.put_batched(*keys);
  secs = seconds_since(t0);
  w.put_rate = static_cast<double>(puts) / secs;
  std::printf(
      "raw_put    value=%-4zu run=%d batch=%llu puts=%llu seconds=%.3f rate=%.0f/s\n",
      value_size, run, static_cast<unsigned long long>(raw_lmdb::batch),
      static_cast<unsigned long long>(puts), secs, w.put_rate);

  // Pipelined gets over the keys written; then raw gets in one read txn.
  t0 = clock_type::now();
  for (int r = 0; r < readers; ++r) {
    uint64_t n = gets * static_cast<uint64_t>(r + 1) / readers
                 - gets * static_cast<uint64_t>(r) / readers;
    sys.spawn(get_reader, *st, keys, n, static_cast<uint64_t>(run * 1000 + r), value,
              caf::actor{self});
  }
  uint64_t good = collect(self, readers, "sealed gets");
  secs = seconds_since(t0);
  if (good != gets)
    die("sealed gets: " + std::to_string(good) + " of " + std::to_string(gets)
        + " verified");
  s.get_rate = static_cast<double>(good) / secs;
  std::printf(
      "sealed_get value=%-4zu run=%d readers=%d in_flight=%llu gets=%llu "
      "seconds=%.3f rate=%.0f/s (all values verified)\n",
      value_size, run, readers, static_cast<unsigned long long>(read_window),
      static_cast<unsigned long long>(good), secs, s.get_rate);

  // The same number of keys through kv_get_many, 100 keys per request.
  uint64_t requests = (gets + keys_per_many - 1) / keys_per_many;
  t0 = clock_type::now();
  for (int r = 0; r < many_readers; ++r) {
    uint64_t n = requests * static_cast<uint64_t>(r + 1) / many_readers
                 - requests * static_cast<uint64_t>(r) / many_readers;
    sys.spawn(many_reader, *st, keys, n, static_cast<uint64_t>(run * 1000 + 100 + r),
              value, caf::actor{self});
  }
  uint64_t good_many = collect(self, many_readers, "sealed multi-gets");
  secs = seconds_since(t0);
  if (good_many != requests)
    die("sealed multi-gets: " + std::to_string(good_many) + " of "
        + std::to_string(requests) + " verified");
  s.many_rate = static_cast<double>(good_many * keys_per_many) / secs;
  std::printf(
      "sealed_many value=%-4zu run=%d readers=%d in_flight=%llu keys_per_request=%zu "
      "keys=%llu seconds=%.3f rate=%.0f keys/s (all verified)\n",
      value_size, run, many_readers, static_cast<unsigned long long>(many_window),
      keys_per_many, static_cast<unsigned long long>(good_many * keys_per_many), secs,
      s.many_rate);

  t0 = clock_type::now();
  raw.get_random(*keys, gets, static_cast<uint64_t>(run));
  secs = seconds_since(t0);
  w.get_rate = static_cast<double>(gets) / secs;
  std::printf(
      "raw_get    value=%-4zu run=%d gets=%llu seconds=%.3f rate=%.0f/s (values copied "
      "out)\n",
      value_size, run, static_cast<unsigned long long>(gets), secs, w.get_rate);

  out.open_us = open_cost_us(value_size);
  double raw_us = 1e6 / w.get_rate;
  std::printf("open_cost  value=%-4zu run=%d open=%.2f us raw_get=%.2f us ceiling=%.2f\n",
              value_size, run, out.open_us, raw_us, raw_us / (raw_us + out.open_us));

  // Puts per group commit: gets do not commit, so every commit so far was a
  // put commit. The storage actor reports a commit just after answering its
  // puts; the gets above took long enough for that report to arrive, and the
  // render round trip makes sure the counter has processed it.
  self->request(metrics, request_timeout, nz::render_atom::value)
      .receive([](std::string&) {}, [](caf::error&) {});
  uint64_t put_commits = commits->load();
  out.puts_per_commit =
      put_commits ? static_cast<double>(acked) / static_cast<double>(put_commits) : 0;
  std::printf("sealed_put value=%-4zu run=%d commits=%llu puts_per_commit=%.1f\n",
              value_size, run, static_cast<unsigned long long>(put_commits),
              out.puts_per_commit);

  // Single durable puts, raw and sealed interleaved pairwise.
  auto sealed_lat = std::make_shared<std::vector<double>>();
  auto raw_lat = std::make_shared<std::vector<double>>();
  sealed_lat->reserve(lat_samples);
  raw_lat->reserve(lat_samples);
  sys.spawn(latency_driver, *st, random_keys(lat_samples), random_keys(lat_samples), &raw,
            value, sealed_lat, raw_lat, caf::actor{self});
  uint64_t n = collect(self, 1, "single puts");
  if (n != lat_samples || raw_lat->size() != lat_samples)
    die("single puts: " + std::to_string(n) + " samples");
  s.lat_p50 = percentile(*sealed_lat, 0.5);
  s.lat_p99 = percentile(*sealed_lat, 0.99);
  w.lat_p50 = percentile(*raw_lat, 0.5);
  w.lat_p99 = percentile(*raw_lat, 0.99);
  std::printf("sealed_lat value=%-4zu run=%d samples=%zu p50=%.1f p99=%.1f us\n",
              value_size, run, sealed_lat->size(), s.lat_p50, s.lat_p99);
  std::printf("raw_lat    value=%-4zu run=%d samples=%zu p50=%.1f p99=%.1f us\n",
              value_size, run, raw_lat->size(), w.lat_p50, w.lat_p99);

  self->request(*st, request_timeout, nz::phase_atom::value,
                static_cast<uint8_t>(nz::shutdown_phase::close_storage))
      .receive([](uint8_t) {}, [](caf::error&) {});
  stop_and_wait(self, caf::actor_cast<caf::actor>(*st));
  stop_and_wait(self, caf::actor_cast<caf::actor>(metrics));
  return out;
}

const char* verdict(bool pass) {
  return pass ? "PASS" : "MISS";
}

}  // namespace

int main(int argc, char** argv) {
  nz::bench::set_program("nz_bench_sealed");
  uint64_t puts_small = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  uint64_t puts_large = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 5000;
  uint64_t gets = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 100000;
  size_t lat_samples = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 500;
  if (puts_small < writers || puts_large < writers || gets < keys_per_many * many_readers
      || lat_samples == 0) {
    std::fprintf(stderr,
                 "usage: nz_bench_sealed [puts_100>=32] [puts_4k>=32] [gets>=400] "
                 "[latency_samples>0]\n");
    return 2;
  }
  if (sodium_init() < 0) die("sodium_init failed");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  nz::log::set_level(nz::log::level::error);
  caf::actor_system_config cfg;
  nz::register_types(cfg);
  cfg.set("scheduler.max-threads", 2);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};

  // The identity actor with a random seed, registered as "identity".
  auto reg = std::make_shared<nz::service_registry>();
  auto source = std::make_shared<nz::identity_source>();
  {
    auto w = source->seed.write();
    randombytes_buf(w.data(), w.size());
  }
  source->kdf = "none (benchmark)";
  auto id = nz::spawn_identity(sys, source);
  if (!id) die("spawn_identity: " + sys.render(id.error()));
  reg->declare("identity", "", "worker");
  reg->set_running("identity", *id);

  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) != 3) load[0] = load[1] = load[2] = -1;
  std::printf("nz_bench_sealed: load average %.2f %.2f %.2f at the start\n", load[0],
              load[1], load[2]);
  std::printf(
      "nz_bench_sealed: key=%zu B, values 100 B (%llu puts) and 4096 B (%llu puts), "
      "gets=%llu, latency_samples=%zu, repeats=%d\n",
      key_size, static_cast<unsigned long long>(puts_small),
      static_cast<unsigned long long>(puts_large), static_cast<unsigned long long>(gets),
      lat_samples, repeats);

  struct config {
    size_t value_size;
    uint64_t puts;
  };
  const config configs[] = {{100, puts_small}, {4096, puts_large}};
  for (const auto& c : configs) {
    std::vector<double> sp, sg, sm, sl, rp, rg, rl, ppc, opc, put_ratio, get_ratio,
        many_ratio, lat_ratio;
    for (int r = 1; r <= repeats; ++r) {
      auto rep = run_once(sys, reg, c.value_size, c.puts, gets, lat_samples, r);
      const auto& s = rep.sealed;
      const auto& w = rep.raw;
      ppc.push_back(rep.puts_per_commit);
      opc.push_back(rep.open_us);
      sp.push_back(s.put_rate);
      sg.push_back(s.get_rate);
      sm.push_back(s.many_rate);
      sl.push_back(s.lat_p50);
      rp.push_back(w.put_rate);
      rg.push_back(w.get_rate);
      rl.push_back(w.lat_p50);
      put_ratio.push_back(s.put_rate / w.put_rate);
      get_ratio.push_back(s.get_rate / w.get_rate);
      many_ratio.push_back(s.many_rate / w.get_rate);
      lat_ratio.push_back(s.lat_p50 / w.lat_p50);
      std::printf(
          "ratios     value=%-4zu run=%d get=%.3f get_many=%.3f put=%.3f "
          "single_put_p50=%.2f\n",
          c.value_size, r, get_ratio.back(), many_ratio.back(), put_ratio.back(),
          lat_ratio.back());
    }
    double gr = median(get_ratio), mr = median(many_ratio), pr = median(put_ratio),
           lr = median(lat_ratio);
    std::printf(
        "summary: value=%zu sealed_get=%.0f/s sealed_get_many=%.0f keys/s raw_get=%.0f/s "
        "open=%.2f us sealed_put=%.0f/s raw_put=%.0f/s puts_per_commit=%.1f "
        "sealed_single_put_p50=%.1f us raw_single_commit_p50=%.1f us\n",
        c.value_size, median(sg), median(sm), median(rg), median(opc), median(sp),
        median(rp), median(ppc), median(sl), median(rl));
    std::printf("summary: value=%zu get   sealed/raw = %.3f (goal >= 0.40) %s (kv_get)\n",
                c.value_size, gr, verdict(gr >= 0.4));
    std::printf(
        "summary: value=%zu get   sealed/raw = %.3f (goal >= 0.40) %s (kv_get_many, %zu "
        "keys per request)\n",
        c.value_size, mr, verdict(mr >= 0.4), keys_per_many);
    std::printf("summary: value=%zu put   sealed/raw = %.3f (goal >= 0.50) %s\n",
                c.value_size, pr, verdict(pr >= 0.5));
    std::printf("summary: value=%zu p50   sealed/raw = %.2f  (goal <= 2.00) %s\n",
                c.value_size, lr, verdict(lr <= 2.0));
  }

  caf::scoped_actor self{sys};
  stop_and_wait(self, *id);
  if (getloadavg(load, 3) != 3) load[0] = load[1] = load[2] = -1;
  std::printf("nz_bench_sealed: load average %.2f %.2f %.2f at the end\n", load[0],
              load[1], load[2]);
  return 0;
}
