#include "bench/trust/counting_metrics.hpp"

#include <string>

namespace nz::bench {

nz::metrics_actor::behavior_type counting_metrics(std::shared_ptr<counters> c) {
  return {
      [c](nz::add_atom, std::string& f, nz::label_values&, double v) {
        if (f == "nzcore_journal_commits_total") c->commits += static_cast<uint64_t>(v);
        if (f == "nzcore_trust_changes_total")
          c->trust_changes += static_cast<uint64_t>(v);
        if (f == "nzcore_trust_snapshot_failures_total")
          c->snapshot_failures += static_cast<uint64_t>(v);
      },
      [](nz::set_atom, std::string&, nz::label_values&, double) {},
      [](nz::observe_atom, std::string&, nz::label_values&, double) {},
      [](nz::render_atom) { return std::string{}; },
  };
}

}  // namespace nz::bench
