// node_config: loading the [nzcore] section from real files, errors that name the
// key, validation, and dump -> load round trips.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "runtime/node/node_config.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using nz::node_config;

namespace {

struct config_files {
  nz::test::temp_dir tmp{"nz-config"};
  int n = 0;

  std::string write(const std::string& contents) {
    auto path = tmp.str() + "/c" + std::to_string(n++) + ".conf";
    std::ofstream out{path};
    out << contents;
    return path;
  }

  std::optional<std::string> load(const std::string& contents, node_config& cfg) {
    return nz::load_node_config(write(contents), cfg);
  }
};

bool contains(const std::optional<std::string>& s, const std::string& what) {
  return s && s->find(what) != std::string::npos;
}

void check_equal(const node_config& a, const node_config& b) {
  CHECK(a.admin_port == b.admin_port);
  CHECK(a.log_level == b.log_level);
  CHECK(a.log_format == b.log_format);
  CHECK(a.shutdown_timeout == b.shutdown_timeout);
  CHECK(a.snapshot_every == b.snapshot_every);
  CHECK(a.snapshot_interval == b.snapshot_interval);
  CHECK(a.restart_intensity == b.restart_intensity);
  CHECK(a.restart_window == b.restart_window);
  CHECK(a.restart_backoff == b.restart_backoff);
  CHECK(a.restart_backoff_max == b.restart_backoff_max);
  CHECK(a.auth_max_failures == b.auth_max_failures);
  CHECK(a.auth_lockout == b.auth_lockout);
  CHECK(a.auth_global_budget == b.auth_global_budget);
  CHECK(a.auth_global_window == b.auth_global_window);
  CHECK(a.lmdb_map_size == b.lmdb_map_size);
  CHECK(a.request_timeout == b.request_timeout);
}

}  // namespace

TEST_CASE_FIXTURE(config_files,
                  "a valid file sets the keys it names and keeps the rest") {
  node_config cfg;
  auto err = load(
      "; comment\n"
      "[nzcore]\n"
      "admin-port=7001\n"
      "log-level=\"debug\"\n"
      "log-format=\"json\"\n"
      "shutdown-timeout=12s\n"
      "snapshot-every=50\n"
      "restart-window=2min\n"
      "restart-backoff=25ms\n"
      "auth-lockout=1h\n"
      "lmdb-map-size=2097152\n"
      "[scheduler]\n"
      "max-threads=2\n",
      cfg);
  REQUIRE_FALSE(err);
  CHECK(cfg.admin_port == 7001);
  CHECK(cfg.log_level == "debug");
  CHECK(cfg.log_format == "json");
  CHECK(cfg.shutdown_timeout == 12s);
  CHECK(cfg.snapshot_every == 50);
  CHECK(cfg.restart_window == 120s);
  CHECK(cfg.restart_backoff == 25ms);
  CHECK(cfg.auth_lockout == 3600s);
  CHECK(cfg.lmdb_map_size == 2097152);
  node_config defaults;
  CHECK(cfg.snapshot_interval == defaults.snapshot_interval);
  CHECK(cfg.request_timeout == defaults.request_timeout);
  CHECK(cfg.auth_max_failures == defaults.auth_max_failures);
}

TEST_CASE_FIXTURE(config_files, "the shipped example configuration loads") {
  node_config cfg;
  auto err =
      nz::load_node_config(std::string{NZ_SOURCE_DIR} + "/config/nzcore.conf", cfg);
  CHECK_FALSE(err);
}

TEST_CASE_FIXTURE(config_files, "an unknown key is an error naming the key") {
  node_config cfg;
  auto err = load("[nzcore]\nadmin-prot=7001\n", cfg);
  REQUIRE(err);
  CHECK(contains(err, "nzcore.admin-prot"));
  CHECK(contains(err, "unknown setting"));
  CHECK(cfg.admin_port == 0);
}

TEST_CASE_FIXTURE(config_files,
                  "a setting before any section is an error, not silently ignored") {
  node_config cfg;
  auto err = load("peer-max-half-open=5\n[nzcore]\nadmin-port=7001\n", cfg);
  REQUIRE(err);
  CHECK(contains(err, "peer-max-half-open"));
  CHECK(contains(err, "[nzcore]"));
  CHECK(cfg.admin_port == 0);
  CHECK(cfg.peer_max_half_open == node_config{}.peer_max_half_open);
}

TEST_CASE_FIXTURE(config_files, "a value of the wrong type is an error naming the key") {
  node_config cfg;
  auto err = load("[nzcore]\nsnapshot-every=\"many\"\n", cfg);
  CHECK(contains(err, "nzcore.snapshot-every"));
  err = load("[nzcore]\nlog-level=3\n", cfg);
  CHECK(contains(err, "nzcore.log-level"));
  err = load("[nzcore]\nadmin-port=\"http\"\n", cfg);
  CHECK(contains(err, "nzcore.admin-port"));
  err = load("[nzcore]\nrestart-intensity=-1\n", cfg);
  CHECK(contains(err, "nzcore.restart-intensity"));
  err = load("[nzcore]\nauth-max-failures=1001\n", cfg);
  CHECK(contains(err, "nzcore.auth-max-failures"));
}

TEST_CASE_FIXTURE(config_files, "a choice outside the allowed set lists the choices") {
  node_config cfg;
  auto err = load("[nzcore]\nlog-level=\"verbose\"\n", cfg);
  CHECK(contains(err, "nzcore.log-level"));
  CHECK(contains(err, "trace, debug, info, warn, error"));
  err = load("[nzcore]\nlog-format=\"xml\"\n", cfg);
  CHECK(contains(err, "nzcore.log-format"));
  CHECK(cfg.log_level == "info");
  CHECK(cfg.log_format == "text");
}

TEST_CASE_FIXTURE(config_files, "ports outside 0..65535 are rejected") {
  node_config cfg;
  CHECK(contains(load("[nzcore]\nadmin-port=65536\n", cfg), "nzcore.admin-port"));
  CHECK(contains(load("[nzcore]\nadmin-port=70000\n", cfg), "nzcore.admin-port"));
  CHECK(contains(load("[nzcore]\nadmin-port=-1\n", cfg), "nzcore.admin-port"));
  CHECK(cfg.admin_port == 0);
  CHECK_FALSE(load("[nzcore]\nadmin-port=65535\n", cfg));
  CHECK(cfg.admin_port == 65535);
}

TEST_CASE_FIXTURE(config_files, "durations need a unit and must not be negative") {
  node_config cfg;
  CHECK(contains(load("[nzcore]\nrestart-window=10\n", cfg), "nzcore.restart-window"));
  CHECK(
      contains(load("[nzcore]\nrestart-window=\"10s\"\n", cfg), "nzcore.restart-window"));
  CHECK(contains(load("[nzcore]\nauth-lockout=-5s\n", cfg), "nzcore.auth-lockout"));
  CHECK(
      contains(load("[nzcore]\nrequest-timeout=true\n", cfg), "nzcore.request-timeout"));
  CHECK(cfg.restart_window == 10s);
  CHECK(cfg.auth_lockout == 15min);
}

TEST_CASE_FIXTURE(config_files, "a missing file is an error naming the file") {
  node_config cfg;
  auto path = tmp.str() + "/does-not-exist.conf";
  auto err = nz::load_node_config(path, cfg);
  CHECK(contains(err, path));
}

TEST_CASE_FIXTURE(config_files, "a syntax error is reported and changes nothing") {
  node_config cfg;
  auto err = load("[nzcore\nadmin-port=7001\n", cfg);
  CHECK(err);
  err = load("[nzcore]\nadmin-port==\n", cfg);
  CHECK(err);
  CHECK(cfg.admin_port == 0);
}

TEST_CASE_FIXTURE(config_files,
                  "an error after valid keys leaves the configuration unchanged") {
  node_config cfg;
  auto err = load("[nzcore]\nadmin-port=7001\nsnapshot-every=5\nbogus=1\n", cfg);
  CHECK(contains(err, "nzcore.bogus"));
  CHECK(cfg.admin_port == 0);
  CHECK(cfg.snapshot_every == 1000);
}

TEST_CASE_FIXTURE(config_files,
                  "values that parse but make no sense fail validation on load") {
  node_config cfg;
  CHECK(contains(load("[nzcore]\nrestart-window=0ms\n", cfg), "restart-window"));
  CHECK(contains(load("[nzcore]\nsnapshot-every=0\n", cfg), "snapshot-every"));
  CHECK(cfg.restart_window == 10s);
  CHECK(cfg.snapshot_every == 1000);
}

TEST_CASE("validate accepts the defaults and rejects each nonsensical value") {
  node_config ok;
  CHECK_FALSE(nz::validate_node_config(ok));
  auto rejects = [](node_config c, const std::string& key) {
    auto err = nz::validate_node_config(c);
    CAPTURE(key);
    CHECK(contains(err, key));
  };
  node_config c;
  c.restart_window = 0ms;
  rejects(c, "nzcore.restart-window");
  c = {};
  c.snapshot_every = 0;
  rejects(c, "nzcore.snapshot-every");
  c = {};
  c.snapshot_interval = 0ms;
  rejects(c, "nzcore.snapshot-interval");
  c = {};
  c.auth_max_failures = 0;
  rejects(c, "nzcore.auth-max-failures");
  c = {};
  c.shutdown_timeout = 99ms;
  rejects(c, "nzcore.shutdown-timeout");
  c = {};
  c.lmdb_map_size = (uint64_t{1} << 20) - 1;
  rejects(c, "nzcore.lmdb-map-size");
  c = {};
  c.request_timeout = 0ms;
  rejects(c, "nzcore.request-timeout");
  c = {};
  c.shutdown_timeout = 100ms;
  c.lmdb_map_size = uint64_t{1} << 20;
  c.restart_backoff = 0ms;
  CHECK_FALSE(nz::validate_node_config(c));
}

TEST_CASE_FIXTURE(config_files,
                  "dumping the defaults and loading the dump gives the defaults") {
  node_config defaults;
  node_config loaded;
  loaded.admin_port = 9;
  loaded.log_level = "error";
  REQUIRE_FALSE(load(nz::dump_node_config(defaults), loaded));
  check_equal(loaded, defaults);
}

TEST_CASE_FIXTURE(config_files,
                  "dumping changed values and loading the dump gives equal values") {
  node_config c;
  c.admin_port = 65535;
  c.log_level = "trace";
  c.log_format = "json";
  c.shutdown_timeout = 1500ms;
  c.snapshot_every = 1;
  c.snapshot_interval = 90s;
  c.restart_intensity = 0;
  c.restart_window = 2h;
  c.restart_backoff = 0ms;
  c.restart_backoff_max = 61s;
  c.auth_max_failures = 1000;
  c.auth_lockout = 7min;
  c.auth_global_budget = 1'000'000;
  c.auth_global_window = 1ms;
  c.lmdb_map_size = uint64_t{1} << 40;
  c.request_timeout = 999ms;
  REQUIRE_FALSE(nz::validate_node_config(c));
  auto text = nz::dump_node_config(c);
  CHECK(text.rfind("[nzcore]\n", 0) == 0);
  node_config loaded;
  auto err = load(text, loaded);
  REQUIRE_MESSAGE(!err, err.value_or(""));
  check_equal(loaded, c);
  // And the dump of what was loaded is the same text.
  CHECK(nz::dump_node_config(loaded) == text);
}
