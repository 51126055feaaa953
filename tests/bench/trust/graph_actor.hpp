// The trust actor that actor_eval asks: the lookup graph (trust_graph.hpp)
// brought into a real trust actor the way a node gets such a set
// (graph_import.hpp), once per invocation before the repetitions, and checked
// against the pure evaluator. Prints the `actor graph` and `actor graph check`
// lines; dies if the import or the check fails.
#pragma once

#include <memory>

#include "bench/trust/bench_setup.hpp"
#include "bench/trust/trust_env.hpp"

namespace nz::bench {

/// A trust actor on its own storage holding su.graph (graph_import.hpp), with
/// the node's default trust options but for the clock: it runs
/// import_clock_back_ms behind during the import and on time afterwards.
/// Checked against the pure evaluator on check_sample subjects.
/// REQUIRES: su.graph and su.subject_hex set. Close it with close_env().
std::unique_ptr<trust_env> import_graph(setup& su);

}  // namespace nz::bench
