#include <set>
#include <string>

#include <doctest/doctest.h>

#include "actors/metrics/catalog.hpp"
#include "actors/metrics/process_stats.hpp"

using nz::metric_kind;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size()
         && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST_CASE("every catalog family declares cleanly into one registry") {
  nz::metrics_registry reg;
  CHECK(nz::add_catalog(reg) == nz::declare_status::ok);
  CHECK(reg.family_count() == nz::node_catalog().size());
  CHECK(nz::add_catalog(reg) == nz::declare_status::duplicate_name);
}

TEST_CASE("catalog names follow Prometheus conventions") {
  std::set<std::string> names;
  for (const auto& spec : nz::node_catalog()) {
    CAPTURE(spec.name);
    CHECK(spec.name.rfind("nzcore_", 0) == 0);
    CHECK(names.insert(spec.name).second);
    CHECK_FALSE(spec.help.empty());
    CHECK(ends_with(spec.name, "_total") == (spec.kind == metric_kind::counter));
    for (auto bad : {"_ms", "_milliseconds", "_kb", "_mb", "_kilobytes", "_count", "_sum",
                     "_bucket"})
      CHECK_FALSE(ends_with(spec.name, bad));
  }
}

TEST_CASE("the catalog holds the families other subsystems emit, with their labels") {
  auto reg = nz::make_node_registry();
  using nz::update_status;
  CHECK(reg.add("nzcore_actor_restarts_total", {"journal"}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_supervisor_escalations_total", {"root"}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_journal_commits_total", {}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_journal_entries_total", {"s"}, 1) == update_status::ok);
  CHECK(reg.observe("nzcore_journal_commit_seconds", {}, 0.0002) == update_status::ok);
  CHECK(reg.add("nzcore_snapshots_written_total", {"s"}, 1) == update_status::ok);
  CHECK(reg.set("nzcore_snapshot_bytes", {"s"}, 4096) == update_status::ok);
  CHECK(reg.add("nzcore_snapshot_fallbacks_total", {"s"}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_auth_failures_total", {"throttled"}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_auth_lockouts_total", {}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_operator_requests_total", {"status", "ok"}, 1)
        == update_status::ok);
  CHECK(reg.set("nzcore_node_boots", {}, 3) == update_status::ok);
  CHECK(reg.set("nzcore_node_unclean_shutdowns", {}, 1) == update_status::ok);
  CHECK(reg.set("nzcore_uptime_seconds", {}, 1) == update_status::ok);
  CHECK(reg.set("nzcore_resident_memory_bytes", {}, 1) == update_status::ok);
  CHECK(reg.set("nzcore_start_time_seconds", {}, 1) == update_status::ok);
  CHECK(reg.set("nzcore_build_info", {"0.1.0"}, 1) == update_status::ok);
  CHECK(reg.value("nzcore_auth_failures_total", {"bad_token"}) == 0);
  CHECK(reg.value("nzcore_metrics_rejected_updates_total", {"wrong_kind"}) == 0);
  CHECK(reg.set("nzcore_peer_sessions", {}, 2) == update_status::ok);
  CHECK(reg.add("nzcore_peer_handshakes_total", {"inbound"}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_peer_handshake_failures_total", {"bad_binding"}, 1)
        == update_status::ok);
  CHECK(reg.add("nzcore_peer_dropped_total", {"foreign_sender"}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_trust_changes_total", {"revoke"}, 1) == update_status::ok);
  CHECK(reg.value("nzcore_trust_changes_total", {"set_level"}) == 0);
  CHECK(reg.add("nzcore_trust_rejections_total", {"bad_signature"}, 1)
        == update_status::ok);
  CHECK(reg.add("nzcore_trust_snapshot_failures_total", {}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_trust_log_damaged_total", {}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_peer_failures_detected_total", {}, 1) == update_status::ok);
  CHECK(reg.value("nzcore_trust_syncs_total", {"rejected"}) == 0);
  CHECK(reg.add("nzcore_peer_throttled_total", {}, 1) == update_status::ok);
  CHECK(reg.add("nzcore_peer_connections_closed_total", {"slow_reader"}, 1)
        == update_status::ok);
  CHECK(reg.family_count() == 30);
}

TEST_CASE("journal commit buckets run from 50 microseconds to 1 second") {
  const auto& b = nz::journal_commit_buckets();
  REQUIRE(b.size() >= 8);
  CHECK(b.front() == 0.00005);
  CHECK(b.back() == 1.0);
}

TEST_CASE("statm parsing multiplies resident pages by the page size") {
  CHECK(nz::parse_statm_resident("1000 250 30 1 0 100 0\n", 4096) == 250u * 4096u);
  CHECK_FALSE(nz::parse_statm_resident("", 4096).has_value());
  CHECK_FALSE(nz::parse_statm_resident("12", 4096).has_value());
  CHECK_FALSE(nz::parse_statm_resident("x y", 4096).has_value());
  CHECK_FALSE(nz::parse_statm_resident("1 18446744073709551615", 4096).has_value());
  auto rss = nz::resident_memory_bytes();
  REQUIRE(rss.has_value());
  CHECK(*rss > 0);
}
