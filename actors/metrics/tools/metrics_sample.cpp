// Prints the exposition of a registry holding the whole catalog with a sample
// value in every family, including label values that need escaping. CTest pipes
// it through `promtool check metrics`.
#include <cstdio>
#include <string>

#include "actors/metrics/catalog.hpp"

int main() {
  using nz::metric_kind;
  auto reg = nz::make_node_registry();
  // A label value with a quote, a backslash and a newline, plus non-ASCII text.
  const std::string nasty = "we\"ird\\na\nme \xc3\xa9";
  int failures = 0;
  for (const auto& spec : nz::node_catalog()) {
    nz::metrics_registry::label_values plain;
    nz::metrics_registry::label_values odd;
    for (size_t i = 0; i < spec.label_names.size(); ++i) {
      plain.push_back("sample" + std::to_string(i));
      odd.push_back(i == 0 ? nasty : "x");
    }
    for (const auto* labels : {&plain, &odd}) {
      nz::update_status st = nz::update_status::ok;
      switch (spec.kind) {
        case metric_kind::counter:
          st = reg.add(spec.name, *labels, 3);
          break;
        case metric_kind::gauge:
          st = reg.set(spec.name, *labels, 0.25);
          break;
        case metric_kind::histogram:
          for (double v : {0.00005, 0.0003, 0.02, 2.5}) {
            if (auto s = reg.observe(spec.name, *labels, v); s != nz::update_status::ok) {
              st = s;
            }
          }
          break;
      }
      if (st != nz::update_status::ok) {
        std::fprintf(stderr, "%s: %s\n", spec.name.c_str(), nz::to_string(st));
        ++failures;
      }
      if (spec.label_names.empty()) {
        break;  // one series only
      }
    }
  }
  // One rejection of each reason so the self-metric carries values.
  reg.add("nzcore_no_such_family", {}, 1);
  reg.set("nzcore_journal_commits_total", {}, 1);
  reg.add("nzcore_journal_commits_total", {"extra"}, 1);
  reg.add("nzcore_journal_commits_total", {}, -1);
  auto out = reg.render();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return failures == 0 ? 0 : 1;
}
