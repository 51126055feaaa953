#include "actors/metrics/metrics_actor.hpp"

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/metrics/catalog.hpp"
#include "actors/metrics/process_stats.hpp"

namespace nz {

namespace {

struct metrics_state {
  metrics_registry registry;
  metrics_options opts;
  static inline const char* name = "metrics";

  int64_t now_ms() const {
    if (opts.now_unix_ms) {
      return opts.now_unix_ms();
    }
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }

  /// Refreshes the process metrics the actor owns.
  void refresh() {
    auto now = now_ms();
    auto start = opts.start_time_unix_ms;
    registry.set(metric_names::start_time_seconds, {},
                 static_cast<double>(start) / 1000.0);
    registry.set(metric_names::uptime_seconds, {},
                 static_cast<double>(now > start ? now - start : 0) / 1000.0);
    if (auto rss = resident_memory_bytes()) {
      registry.set(metric_names::resident_memory_bytes, {}, static_cast<double>(*rss));
    }
    registry.set(metric_names::build_info, {opts.version}, 1.0);
  }
};

metrics_actor::behavior_type metrics_impl(
    metrics_actor::stateful_pointer<metrics_state> self, metrics_options opts) {
  auto& st = self->state;
  st.registry = make_node_registry(opts.max_series_per_family);
  st.opts = std::move(opts);
  st.refresh();
  return {
      [self](add_atom, const std::string& name, const label_values& labels, double v) {
        self->state.registry.add(name, labels, v);
      },
      [self](set_atom, const std::string& name, const label_values& labels, double v) {
        self->state.registry.set(name, labels, v);
      },
      [self](observe_atom, const std::string& name, const label_values& labels,
             double v) { self->state.registry.observe(name, labels, v); },
      [self](render_atom) -> std::string {
        self->state.refresh();
        return self->state.registry.render();
      },
  };
}

}  // namespace

metrics_actor spawn_metrics(caf::actor_system& sys, metrics_options opts) {
  return sys.spawn(metrics_impl, std::move(opts));
}

}  // namespace nz
