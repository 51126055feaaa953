#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "actors/metrics/exposition.hpp"
#include "actors/metrics/metrics_registry.hpp"

using nz::declare_status;
using nz::metric_kind;
using nz::metrics_registry;
namespace ex = nz::exposition;

TEST_CASE("values print integers without exponent and others so they round-trip") {
  CHECK(ex::format_value(0) == "0");
  CHECK(ex::format_value(-0.0) == "0");
  CHECK(ex::format_value(3) == "3");
  CHECK(ex::format_value(-12) == "-12");
  CHECK(ex::format_value(123456789012.0) == "123456789012");
  CHECK(ex::format_value(0.25) == "0.25");
  CHECK(ex::format_value(0.1) == "0.1");
  CHECK(ex::format_value(0.00005) == "5e-05");
  CHECK(std::stod(ex::format_value(1.0 / 3)) == 1.0 / 3);
  CHECK(ex::format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(ex::format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(ex::format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("HELP text escapes backslash and newline but not quotes") {
  std::string out;
  ex::append_help(out, "a\\b\nc\"d");
  CHECK(out == "a\\\\b\\nc\"d");
}

TEST_CASE("label values escape backslash, double quote and newline") {
  std::string out;
  ex::append_label_value(out, "a\\b\nc\"d");
  CHECK(out == "a\\\\b\\nc\\\"d");
}

TEST_CASE("name validation follows the Prometheus data model") {
  CHECK(ex::valid_metric_name("nzcore_a:b_total"));
  CHECK_FALSE(ex::valid_metric_name(""));
  CHECK_FALSE(ex::valid_metric_name("1a"));
  CHECK_FALSE(ex::valid_metric_name("a b"));
  CHECK(ex::valid_label_name("_x1"));
  CHECK_FALSE(ex::valid_label_name("a:b"));
  CHECK_FALSE(ex::valid_label_name("__reserved"));
}

TEST_CASE("render prints HELP, TYPE and samples with escaped labels") {
  metrics_registry reg;
  REQUIRE(reg.declare({"t_ops_total",
                       "Ops with a \\ and\na newline.",
                       metric_kind::counter,
                       {"op", "who"},
                       {},
                       {}})
          == declare_status::ok);
  REQUIRE(reg.add("t_ops_total", {"r\"d", "a\\b\nc"}, 2) == nz::update_status::ok);
  CHECK(reg.render()
        == "# HELP t_ops_total Ops with a \\\\ and\\na newline.\n"
           "# TYPE t_ops_total counter\n"
           "t_ops_total{op=\"r\\\"d\",who=\"a\\\\b\\nc\"} 2\n");
}

TEST_CASE(
    "families without labels render a zero sample, labelled ones only HELP and TYPE") {
  metrics_registry reg;
  REQUIRE(reg.declare({"t_a", "A.", metric_kind::gauge, {}, {}, {}})
          == declare_status::ok);
  REQUIRE(reg.declare({"t_b_total", "B.", metric_kind::counter, {"x"}, {}, {}})
          == declare_status::ok);
  REQUIRE(reg.declare({"t_c_total", "C.", metric_kind::counter, {"r"}, {}, {{"one"}}})
          == declare_status::ok);
  REQUIRE(reg.declare({"t_h_seconds", "H.", metric_kind::histogram, {}, {1}, {}})
          == declare_status::ok);
  CHECK(reg.render()
        == "# HELP t_a A.\n# TYPE t_a gauge\nt_a 0\n"
           "# HELP t_b_total B.\n# TYPE t_b_total counter\n"
           "# HELP t_c_total C.\n# TYPE t_c_total counter\nt_c_total{r=\"one\"} 0\n"
           "# HELP t_h_seconds H.\n# TYPE t_h_seconds histogram\n"
           "t_h_seconds_bucket{le=\"1\"} 0\nt_h_seconds_bucket{le=\"+Inf\"} 0\n"
           "t_h_seconds_sum 0\nt_h_seconds_count 0\n");
}

TEST_CASE("histogram series carry their labels before le") {
  metrics_registry reg;
  REQUIRE(reg.declare({"t_h_seconds", "H.", metric_kind::histogram, {"s"}, {0.5}, {}})
          == declare_status::ok);
  REQUIRE(reg.observe("t_h_seconds", {"x"}, 0.5) == nz::update_status::ok);
  CHECK(reg.render()
        == "# HELP t_h_seconds H.\n# TYPE t_h_seconds histogram\n"
           "t_h_seconds_bucket{s=\"x\",le=\"0.5\"} 1\n"
           "t_h_seconds_bucket{s=\"x\",le=\"+Inf\"} 1\n"
           "t_h_seconds_sum{s=\"x\"} 0.5\nt_h_seconds_count{s=\"x\"} 1\n");
}

TEST_CASE("render order is by family name and label values, not by insertion") {
  auto fill = [](bool reversed) {
    metrics_registry reg;
    std::vector<std::string> names{"t_b", "t_a", "t_c"};
    if (reversed) std::reverse(names.begin(), names.end());
    for (const auto& n : names)
      REQUIRE(reg.declare({n, n, metric_kind::gauge, {"k"}, {}, {}})
              == declare_status::ok);
    std::vector<std::string> keys{"z", "a", "m"};
    if (reversed) std::reverse(keys.begin(), keys.end());
    for (const auto& n : names)
      for (const auto& k : keys) REQUIRE(reg.set(n, {k}, 1) == nz::update_status::ok);
    return reg.render();
  };
  auto a = fill(false);
  CHECK(a == fill(true));
  CHECK(a.find("t_a{k=\"a\"}") < a.find("t_a{k=\"m\"}"));
  CHECK(a.find("t_a{k=\"z\"}") < a.find("t_b{k=\"a\"}"));
  CHECK(a.find("t_b{k=\"z\"}") < a.find("# HELP t_c"));
}
