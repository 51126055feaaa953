#include "bench/peer/bench_summary.hpp"

#include <cstdio>
#include <functional>
#include <string>

#include "bench/support/bench_stats.hpp"

namespace nz::bench {

namespace {

template <class F>
double med(const std::vector<repetition>& reps, F f) {
  std::vector<double> xs;
  for (auto& r : reps) xs.push_back(f(r));
  return median(xs);
}

std::string runs(const std::vector<repetition>& reps,
                 const std::function<double(const repetition&)>& f, const char* fmt) {
  std::string s;
  char buf[64];
  for (auto& r : reps) {
    std::snprintf(buf, sizeof buf, fmt, f(r));
    if (!s.empty()) s += " / ";
    s += buf;
  }
  return s;
}

}  // namespace

void summary(const std::vector<repetition>& reps, uint64_t hs_in_flight,
             const defaults_figures& d) {
  std::printf(
      "\nsummary: median of %d repetitions (each run's figures in brackets); peer "
      "limits raised: frame rate 100 M records/s per link (default 20,000), "
      "handshakes 1 M/s per source (default 10), half-open 100,000 at the gate "
      "(default 64) and 10,000 at the manager (default 64)\n",
      repeats);
  for (size_t k = 0; k < 3; ++k) {
    auto size = static_cast<double>(sizes[k]);
    auto row = [&](const char* name, double size_figures::*m) {
      auto f = [k, m](const repetition& r) { return r.by_size[k].*m; };
      double x = med(reps, f);
      std::printf("  %5zu B %-10s %9.0f msg/s %8.1f MB/s   [%s]\n", sizes[k], name, x,
                  x * size / 1e6, runs(reps, f, "%.0f").c_str());
    };
    row("sealed", &size_figures::sealed);
    row("direct", &size_figures::direct);
    row("posted", &size_figures::posted);
    row("routed", &size_figures::routed);
    row("plain (a)", &size_figures::plain);
    row("raw (b)", &size_figures::raw);
    row("core", &size_figures::core);
    auto ratio = [&](const char* name, double size_figures::*a, double size_figures::*b) {
      auto f = [k, a, b](const repetition& r) {
        return r.by_size[k].*a / r.by_size[k].*b;
      };
      std::printf("  %5zu B ratio %-18s %.3f   [%s]\n", sizes[k], name, med(reps, f),
                  runs(reps, f, "%.3f").c_str());
    };
    ratio("sealed/plain(a)", &size_figures::sealed, &size_figures::plain);
    ratio("sealed/raw(b)", &size_figures::sealed, &size_figures::raw);
    ratio("plain(a)/raw(b)", &size_figures::plain, &size_figures::raw);
    ratio("direct/plain(a)", &size_figures::direct, &size_figures::plain);
    ratio("posted/plain(a)", &size_figures::posted, &size_figures::plain);
    ratio("routed/plain(a)", &size_figures::routed, &size_figures::plain);
    ratio("sealed/direct", &size_figures::sealed, &size_figures::direct);
    ratio("sealed/core", &size_figures::sealed, &size_figures::core);
    auto mpp = [k](const repetition& r) { return r.by_size[k].per_poll; };
    std::printf("  %5zu B sealed: messages per listen reply %.1f   [%s]\n", sizes[k],
                med(reps, mpp), runs(reps, mpp, "%.1f").c_str());
  }
  auto hs_row = [&](const char* name, hs_figures repetition::*m) {
    auto rate = [m](const repetition& r) { return (r.*m).rate; };
    auto p50 = [m](const repetition& r) { return (r.*m).p50; };
    auto p99 = [m](const repetition& r) { return (r.*m).p99; };
    std::printf("  %-24s %6.0f/s   p50 %6.0f us   p99 %6.0f us   [rates %s]\n", name,
                med(reps, rate), med(reps, p50), med(reps, p99),
                runs(reps, rate, "%.0f").c_str());
  };
  hs_row("handshakes, 1 in flight", &repetition::seq);
  auto label = std::to_string(hs_in_flight) + " in flight";
  if (hs_in_flight > 1) hs_row(("handshakes, " + label).c_str(), &repetition::conc);
  hs_row(("memory phase, " + label).c_str(), &repetition::mem_hs);
  auto core = [](const repetition& r) { return r.core_hs; };
  std::printf("  %-24s %6.0f/s   (%.0f us each)   [%s]\n", "core handshake (pure)",
              med(reps, core), 1e6 / med(reps, core), runs(reps, core, "%.0f").c_str());
  std::printf("  %-24s p50 %6.0f us   p99 %6.0f us\n", "plain round trip",
              med(reps, [](const repetition& r) { return r.rtt_p50; }),
              med(reps, [](const repetition& r) { return r.rtt_p99; }));
  auto seq_core = [](const repetition& r) { return r.seq.rate / r.core_hs; };
  auto p50_rtt = [](const repetition& r) { return r.seq.p50 / r.rtt_p50; };
  std::printf(
      "  ratio handshakes(1)/core %.3f [%s]; handshake p50 / round trip p50 %.2f [%s]\n",
      med(reps, seq_core), runs(reps, seq_core, "%.3f").c_str(), med(reps, p50_rtt),
      runs(reps, p50_rtt, "%.2f").c_str());
  auto recv = [](const repetition& r) { return r.recv_per_session; };
  auto send = [](const repetition& r) { return r.send_per_session; };
  auto maps = [](const repetition& r) { return r.maps_per_session; };
  std::printf(
      "  memory per session: receiver %.0f B [%s], initiator side %.0f B [%s]; receiver "
      "RSS before %.1f MiB; receiver memory mappings per session %.1f [%s]\n",
      med(reps, recv), runs(reps, recv, "%.0f").c_str(), med(reps, send),
      runs(reps, send, "%.0f").c_str(),
      med(reps, [](const repetition& r) { return r.recv_before; }) / 1048576.0,
      med(reps, maps), runs(reps, maps, "%.1f").c_str());
  std::printf(
      "  at the default limits (once): sealed 1 KiB %.0f msg/s over %llu messages "
      "(%.0f/s after the first %llu; throttled %.0f times); handshakes %llu of %llu "
      "established (%.1f/s), %.0f refused by rate_per_source\n",
      d.rate, static_cast<unsigned long long>(d.messages), d.sustained,
      static_cast<unsigned long long>(defaults_mark), d.throttled,
      static_cast<unsigned long long>(d.established),
      static_cast<unsigned long long>(d.attempts),
      static_cast<double>(d.established) / d.hs_seconds, d.refused);
}

}  // namespace nz::bench
