#include "actors/metrics/catalog.hpp"

namespace nz {

namespace {

family_spec counter(std::string name, std::string help,
                    std::vector<std::string> labels = {}) {
  return {
      std::move(name), std::move(help), metric_kind::counter, std::move(labels), {}, {}};
}

family_spec gauge(std::string name, std::string help,
                  std::vector<std::string> labels = {}) {
  return {
      std::move(name), std::move(help), metric_kind::gauge, std::move(labels), {}, {}};
}

family_spec histogram(std::string name, std::string help, std::vector<double> buckets,
                      std::vector<std::string> labels = {}) {
  return {std::move(name),   std::move(help),    metric_kind::histogram,
          std::move(labels), std::move(buckets), {}};
}

family_spec with_initial(family_spec spec, std::vector<std::vector<std::string>> xs) {
  spec.initial_series = std::move(xs);
  return spec;
}

std::vector<family_spec> build_catalog() {
  return {
      // -- supervision --------------------------------------------------------
      counter("nzcore_actor_restarts_total",
              "Restarts of a supervised actor after it failed.", {"actor"}),
      counter("nzcore_supervisor_escalations_total",
              "Failures a supervisor could not handle and passed upwards.",
              {"supervisor"}),
      // -- storage ------------------------------------------------------------
      counter("nzcore_journal_commits_total", "Journal transactions committed."),
      counter("nzcore_journal_entries_total", "Journal entries appended.", {"stream"}),
      histogram("nzcore_journal_commit_seconds",
                "Duration of one journal commit, including fsync.",
                journal_commit_buckets()),
      counter("nzcore_snapshots_written_total", "Snapshots written.", {"stream"}),
      gauge("nzcore_snapshot_bytes", "Size of the latest snapshot.", {"stream"}),
      counter("nzcore_snapshot_fallbacks_total",
              "Loads that fell back to an older snapshot because the newest was "
              "unreadable.",
              {"stream"}),
      // -- operator access ----------------------------------------------------
      with_initial(counter("nzcore_auth_failures_total",
                           "Rejected operator authentication attempts.", {"reason"}),
                   {{"bad_token"}, {"locked_out"}, {"throttled"}}),
      counter("nzcore_auth_lockouts_total", "Times the operator interface locked out."),
      // -- peer sessions --------------------------------------------------------
      gauge("nzcore_peer_sessions", "Established peer sessions."),
      counter("nzcore_peer_handshakes_total", "Peer handshakes completed, by direction.",
              {"direction"}),
      counter("nzcore_peer_handshake_failures_total",
              "Peer handshakes that failed or were refused, by reason.", {"reason"}),
      counter("nzcore_peer_failures_detected_total",
              "Sessions closed because the phi-accrual detector suspected the peer."),
      counter("nzcore_peer_dropped_total",
              "Messages and frames a peer actor dropped, by reason.", {"reason"}),
      counter("nzcore_peer_throttled_total",
              "Times a peer connection stopped reading because the peer exceeded its "
              "frame rate (peer-frame-rate)."),
      counter("nzcore_peer_connections_closed_total",
              "Peer connections closed by this node, by reason.", {"reason"}),
      // -- trust store ----------------------------------------------------------
      with_initial(counter("nzcore_trust_changes_total",
                           "Assertions this node made, by kind.", {"kind"}),
                   {{"set_level"}, {"delegate"}, {"revoke"}, {"remove"}}),
      counter("nzcore_trust_rejections_total",
              "Foreign assertions or bundles refused by the sync rules, by reason.",
              {"reason"}),
      with_initial(counter("nzcore_trust_syncs_total",
                           "Trust bundles received from peers over sessions, by result.",
                           {"result"}),
                   {{"accepted"}, {"rejected"}}),
      counter("nzcore_trust_snapshot_failures_total",
              "Trust set snapshots that could not be stored (the next start replays "
              "more of the log)."),
      counter("nzcore_trust_log_damaged_total",
              "Starts of the trust actor that found its log failed verification."),
      counter("nzcore_operator_requests_total", "Operator requests handled.",
              {"command", "status"}),
      // -- node ---------------------------------------------------------------
      gauge("nzcore_node_boots", "Durable count of node starts, including this one."),
      gauge("nzcore_node_unclean_shutdowns",
            "Durable count of starts that found the previous run had not shut down "
            "cleanly."),
      gauge(metric_names::uptime_seconds, "Seconds since the node started."),
      gauge(metric_names::resident_memory_bytes, "Resident set size of the process."),
      gauge(metric_names::start_time_seconds, "Start time of the node, Unix time."),
      gauge(metric_names::build_info, "Always 1; the label carries the build version.",
            {"version"}),
      // -- the registry itself ------------------------------------------------
      with_initial(counter(metrics_registry::rejected_family,
                           "Metric updates dropped by the registry.", {"reason"}),
                   {{"unknown_family"},
                    {"bad_labels"},
                    {"too_many_series"},
                    {"bad_value"},
                    {"wrong_kind"}}),
  };
}

}  // namespace

const std::vector<double>& journal_commit_buckets() {
  static const std::vector<double> xs{0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                      0.0025,  0.005,  0.01,    0.025,  0.05,
                                      0.1,     0.25,   0.5,     1.0};
  return xs;
}

const std::vector<family_spec>& node_catalog() {
  static const std::vector<family_spec> xs = build_catalog();
  return xs;
}

declare_status add_catalog(metrics_registry& reg) {
  for (const auto& spec : node_catalog()) {
    if (auto st = reg.declare(spec); st != declare_status::ok) {
      return st;
    }
  }
  return declare_status::ok;
}

metrics_registry make_node_registry(size_t max_series_per_family) {
  metrics_registry reg{max_series_per_family};
  // The catalog is fixed and covered by tests; a failure here is a programming
  // error that the catalog test reports.
  [[maybe_unused]] auto st = add_catalog(reg);
  return reg;
}

}  // namespace nz
