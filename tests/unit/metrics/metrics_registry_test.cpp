#include <cmath>
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "actors/metrics/metrics_registry.hpp"

using nz::declare_status;
using nz::family_spec;
using nz::metric_kind;
using nz::metrics_registry;
using nz::update_status;

namespace {

metrics_registry make_registry(size_t max_series = 64) {
  metrics_registry reg{max_series};
  REQUIRE(reg.declare({"t_requests_total",
                       "Requests.",
                       metric_kind::counter,
                       {"command", "status"},
                       {},
                       {}})
          == declare_status::ok);
  REQUIRE(reg.declare({"t_level", "A level.", metric_kind::gauge, {}, {}, {}})
          == declare_status::ok);
  REQUIRE(reg.declare({"t_latency_seconds",
                       "Latency.",
                       metric_kind::histogram,
                       {},
                       {0.1, 0.5, 1.0},
                       {}})
          == declare_status::ok);
  REQUIRE(reg.declare({metrics_registry::rejected_family,
                       "Dropped updates.",
                       metric_kind::counter,
                       {"reason"},
                       {},
                       {}})
          == declare_status::ok);
  return reg;
}

double rejected_sample(const metrics_registry& reg, const char* reason) {
  return reg.value(metrics_registry::rejected_family, {reason}).value_or(-1);
}

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("counters add and gauges set and add") {
  auto reg = make_registry();
  CHECK(reg.add("t_requests_total", {"get", "ok"}, 1) == update_status::ok);
  CHECK(reg.add("t_requests_total", {"get", "ok"}, 2.5) == update_status::ok);
  CHECK(reg.value("t_requests_total", {"get", "ok"}) == 3.5);
  CHECK(reg.set("t_level", {}, 7) == update_status::ok);
  CHECK(reg.add("t_level", {}, -10) == update_status::ok);
  CHECK(reg.value("t_level", {}) == -3);
}

TEST_CASE("an update naming an unknown family is dropped and counted") {
  auto reg = make_registry();
  CHECK(reg.add("t_nope_total", {}, 1) == update_status::unknown_family);
  CHECK(reg.rejected(update_status::unknown_family) == 1);
  CHECK(rejected_sample(reg, "unknown_family") == 1);
}

TEST_CASE("an update with the wrong number of label values is dropped as bad_labels") {
  auto reg = make_registry();
  CHECK(reg.add("t_requests_total", {"get"}, 1) == update_status::bad_labels);
  CHECK(reg.add("t_requests_total", {"get", "ok", "x"}, 1) == update_status::bad_labels);
  CHECK(reg.set("t_level", {"x"}, 1) == update_status::bad_labels);
  CHECK(reg.rejected(update_status::bad_labels) == 3);
  CHECK(rejected_sample(reg, "bad_labels") == 3);
  CHECK_FALSE(reg.value("t_requests_total", {"get"}).has_value());
}

TEST_CASE("negative counter increments, NaN and infinities are dropped as bad_value") {
  auto reg = make_registry();
  CHECK(reg.add("t_requests_total", {"get", "ok"}, -1) == update_status::bad_value);
  CHECK(reg.add("t_requests_total", {"get", "ok"}, not_a_number)
        == update_status::bad_value);
  CHECK(reg.set("t_level", {}, not_a_number) == update_status::bad_value);
  CHECK(reg.add("t_level", {}, infinity) == update_status::bad_value);
  CHECK(reg.observe("t_latency_seconds", {}, -infinity) == update_status::bad_value);
  CHECK(rejected_sample(reg, "bad_value") == 5);
  CHECK(reg.value("t_level", {}) == 0);
  // the series was never created by a rejected update
  CHECK_FALSE(reg.value("t_requests_total", {"get", "ok"}).has_value());
}

TEST_CASE("an operation that does not fit the family's kind is dropped as wrong_kind") {
  auto reg = make_registry();
  CHECK(reg.set("t_requests_total", {"get", "ok"}, 1) == update_status::wrong_kind);
  CHECK(reg.observe("t_requests_total", {"get", "ok"}, 1) == update_status::wrong_kind);
  CHECK(reg.observe("t_level", {}, 1) == update_status::wrong_kind);
  CHECK(reg.add("t_latency_seconds", {}, 1) == update_status::wrong_kind);
  CHECK(reg.set("t_latency_seconds", {}, 1) == update_status::wrong_kind);
  CHECK(rejected_sample(reg, "wrong_kind") == 5);
}

TEST_CASE("label sets past the per-family bound are dropped as too_many_series") {
  auto reg = make_registry(4);
  for (int i = 0; i < 4; ++i)
    CHECK(reg.add("t_requests_total", {"c" + std::to_string(i), "ok"}, 1)
          == update_status::ok);
  CHECK(reg.add("t_requests_total", {"c4", "ok"}, 1) == update_status::too_many_series);
  CHECK(reg.add("t_requests_total", {"c5", "ok"}, 1) == update_status::too_many_series);
  // existing series keep working
  CHECK(reg.add("t_requests_total", {"c0", "ok"}, 1) == update_status::ok);
  CHECK(reg.value("t_requests_total", {"c0", "ok"}) == 2);
  CHECK_FALSE(reg.value("t_requests_total", {"c4", "ok"}).has_value());
  CHECK(rejected_sample(reg, "too_many_series") == 2);
  CHECK(reg.rejected(update_status::too_many_series) == 2);
}

TEST_CASE("the default bound is 64 series per family") {
  metrics_registry reg;
  REQUIRE(reg.declare({"t_x_total", "x", metric_kind::counter, {"k"}, {}, {}})
          == declare_status::ok);
  CHECK(reg.max_series_per_family() == 64);
  int ok = 0;
  for (int i = 0; i < 100; ++i)
    ok += reg.add("t_x_total", {std::to_string(i)}, 1) == update_status::ok;
  CHECK(ok == 64);
  CHECK(reg.rejected(update_status::too_many_series) == 36);
}

TEST_CASE("rejections are counted even without the rejected family declared") {
  metrics_registry reg;
  CHECK(reg.add("t_missing", {}, 1) == update_status::unknown_family);
  CHECK(reg.rejected(update_status::unknown_family) == 1);
  CHECK(reg.render().empty());
}

TEST_CASE("declare refuses bad names, labels, buckets and duplicates") {
  metrics_registry reg;
  CHECK(reg.declare({"9bad", "h", metric_kind::gauge, {}, {}, {}})
        == declare_status::bad_name);
  CHECK(reg.declare({"t-bad", "h", metric_kind::gauge, {}, {}, {}})
        == declare_status::bad_name);
  CHECK(reg.declare({"t_a", "h", metric_kind::gauge, {"__x"}, {}, {}})
        == declare_status::bad_label_name);
  CHECK(reg.declare({"t_a", "h", metric_kind::gauge, {"a", "a"}, {}, {}})
        == declare_status::bad_label_name);
  CHECK(reg.declare({"t_h", "h", metric_kind::histogram, {"le"}, {1}, {}})
        == declare_status::bad_label_name);
  CHECK(reg.declare({"t_h", "h", metric_kind::histogram, {}, {}, {}})
        == declare_status::bad_buckets);
  CHECK(reg.declare({"t_h", "h", metric_kind::histogram, {}, {1, 1}, {}})
        == declare_status::bad_buckets);
  CHECK(reg.declare({"t_h", "h", metric_kind::histogram, {}, {2, 1}, {}})
        == declare_status::bad_buckets);
  CHECK(reg.declare({"t_h", "h", metric_kind::histogram, {}, {1, infinity}, {}})
        == declare_status::bad_buckets);
  CHECK(reg.declare({"t_g", "h", metric_kind::gauge, {}, {1}, {}})
        == declare_status::bad_buckets);
  CHECK(reg.declare({"t_g", "h", metric_kind::gauge, {"a"}, {}, {{"x", "y"}}})
        == declare_status::bad_initial_series);
  CHECK(reg.declare({"t_g", "h", metric_kind::gauge, {}, {}, {}}) == declare_status::ok);
  CHECK(reg.declare({"t_g", "h", metric_kind::gauge, {}, {}, {}})
        == declare_status::duplicate_name);
  CHECK(reg.family_count() == 1);
}

TEST_CASE("histogram observations on a bucket bound go into that bucket (le inclusive)") {
  auto reg = make_registry();
  for (double v : {0.1, 0.05, 0.5, 0.50001, 1.0, 7.0, -3.0})
    REQUIRE(reg.observe("t_latency_seconds", {}, v) == update_status::ok);
  auto out = reg.render();
  // buckets: <=0.1: {0.1, 0.05, -3}; <=0.5: +{0.5}; <=1: +{0.50001, 1.0}; +Inf: +{7}
  CHECK(out.find("t_latency_seconds_bucket{le=\"0.1\"} 3\n") != std::string::npos);
  CHECK(out.find("t_latency_seconds_bucket{le=\"0.5\"} 4\n") != std::string::npos);
  CHECK(out.find("t_latency_seconds_bucket{le=\"1\"} 6\n") != std::string::npos);
  CHECK(out.find("t_latency_seconds_bucket{le=\"+Inf\"} 7\n") != std::string::npos);
  CHECK(out.find("t_latency_seconds_count 7\n") != std::string::npos);
  CHECK(out.find("t_latency_seconds_sum 6.15001\n") != std::string::npos);
  CHECK(reg.value("t_latency_seconds", {}) == 7);
}
