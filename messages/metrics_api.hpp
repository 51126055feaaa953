// Typed interface of the metrics registry actor. Every subsystem reports into it
// with fire-and-forget messages; `render` returns the Prometheus text exposition.
//
// Metric families are declared once in the catalog (actors/metrics/catalog.cpp):
// an update naming an unknown family, the wrong kind or the wrong number of labels
// is dropped and counted in nzcore_metrics_rejected_updates_total. Label values
// are bounded per family; updates past the bound are dropped and counted too.
#pragma once

#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"

namespace nz {

using label_values = std::vector<std::string>;

using metrics_actor = caf::typed_actor<
    /// Counter: add a non-negative amount. Gauge: add any amount.
    caf::reacts_to<add_atom, std::string, label_values, double>,
    /// Gauge: set the value.
    caf::reacts_to<set_atom, std::string, label_values, double>,
    /// Histogram: record one observation (in the family's base unit).
    caf::reacts_to<observe_atom, std::string, label_values, double>,
    /// Prometheus text format 0.0.4, with process metrics (uptime, RSS) refreshed.
    caf::replies_to<render_atom>::with<std::string>>;

}  // namespace nz
