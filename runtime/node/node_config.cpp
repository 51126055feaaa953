#include "runtime/node/node_config.hpp"

#include <functional>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <caf/actor_system_config.hpp>
#include <caf/config_value.hpp>
#include <caf/settings.hpp>

namespace nz {

namespace {

using setter = std::function<std::optional<std::string>(const caf::config_value&)>;

setter int_setter(uint64_t& dst, uint64_t max) {
  return [&dst, max](const caf::config_value& v) -> std::optional<std::string> {
    auto x = caf::get_if<caf::config_value::integer>(&v);
    if (!x || *x < 0 || static_cast<uint64_t>(*x) > max)
      return fmt::format("expected an integer from 0 to {}", max);
    dst = static_cast<uint64_t>(*x);
    return std::nullopt;
  };
}

setter port_setter(uint16_t& dst) {
  return [&dst](const caf::config_value& v) -> std::optional<std::string> {
    auto x = caf::get_if<caf::config_value::integer>(&v);
    if (!x || *x < 0 || *x > 65535)
      return std::string{"expected a port number from 0 to 65535"};
    dst = static_cast<uint16_t>(*x);
    return std::nullopt;
  };
}

setter duration_setter(node_config::ms& dst) {
  return [&dst](const caf::config_value& v) -> std::optional<std::string> {
    auto x = caf::get_if<caf::timespan>(&v);
    if (!x || x->count() < 0)
      return std::string{"expected a duration such as 500ms, 10s or 15min"};
    dst = std::chrono::duration_cast<node_config::ms>(*x);
    return std::nullopt;
  };
}

setter choice_setter(std::string& dst, std::vector<std::string> choices) {
  return [&dst, choices](const caf::config_value& v) -> std::optional<std::string> {
    std::string s;
    if (auto x = caf::get_if<std::string>(&v))
      s = *x;
    else if (auto a = caf::get_if<caf::atom_value>(&v))
      s = caf::to_string(*a);
    for (auto& c : choices)
      if (s == c) {
        dst = s;
        return std::nullopt;
      }
    return fmt::format("expected one of: {}", fmt::join(choices, ", "));
  };
}

setter string_list_setter(std::vector<std::string>& dst, size_t max_items) {
  return [&dst, max_items](const caf::config_value& v) -> std::optional<std::string> {
    auto xs = caf::get_if<caf::config_value::list>(&v);
    if (!xs) return std::string{"expected a list of strings, e.g. [\"127.0.0.1:7100\"]"};
    if (xs->size() > max_items) return fmt::format("at most {} entries", max_items);
    std::vector<std::string> out;
    for (auto& x : *xs) {
      auto s = caf::get_if<std::string>(&x);
      if (!s || s->empty() || s->size() > 300)
        return std::string{"expected non-empty strings"};
      out.push_back(*s);
    }
    dst = std::move(out);
    return std::nullopt;
  };
}

setter string_setter(std::string& dst, size_t max_size) {
  return [&dst, max_size](const caf::config_value& v) -> std::optional<std::string> {
    auto s = caf::get_if<std::string>(&v);
    if (!s || s->empty() || s->size() > max_size) return std::string{"expected a string"};
    dst = *s;
    return std::nullopt;
  };
}

std::map<std::string, setter> setters(node_config& c) {
  return {
      {"admin-port", port_setter(c.admin_port)},
      {"log-level",
       choice_setter(c.log_level, {"trace", "debug", "info", "warn", "error"})},
      {"log-format", choice_setter(c.log_format, {"text", "json"})},
      {"shutdown-timeout", duration_setter(c.shutdown_timeout)},
      {"snapshot-every", int_setter(c.snapshot_every, 100'000'000)},
      {"snapshot-interval", duration_setter(c.snapshot_interval)},
      {"restart-intensity", int_setter(c.restart_intensity, 1'000'000)},
      {"restart-window", duration_setter(c.restart_window)},
      {"restart-backoff", duration_setter(c.restart_backoff)},
      {"restart-backoff-max", duration_setter(c.restart_backoff_max)},
      {"auth-max-failures", int_setter(c.auth_max_failures, 1000)},
      {"auth-lockout", duration_setter(c.auth_lockout)},
      {"auth-global-budget", int_setter(c.auth_global_budget, 1'000'000)},
      {"auth-global-window", duration_setter(c.auth_global_window)},
      {"lmdb-map-size", int_setter(c.lmdb_map_size, uint64_t{1} << 40)},
      {"kv-max-key", int_setter(c.kv_max_key, 446)},
      {"kv-max-value", int_setter(c.kv_max_value, uint64_t{64} << 20)},
      {"kv-max-file", int_setter(c.kv_max_file, uint64_t{256} << 20)},
      {"request-timeout", duration_setter(c.request_timeout)},
      {"trust-max-trusted", int_setter(c.trust_max_trusted, 1'000'000)},
      {"trust-max-third-party", int_setter(c.trust_max_third_party, 10'000)},
      {"trust-max-batch", int_setter(c.trust_max_batch, 10'000)},
      {"trust-max-depth", int_setter(c.trust_max_depth, 8)},
      {"trust-default-ttl", duration_setter(c.trust_default_ttl)},
      {"peer-address", string_setter(c.peer_address, 255)},
      {"peer-port", port_setter(c.peer_port)},
      {"peer-policy", choice_setter(c.peer_policy, {"open", "trusted", "allow-list"})},
      {"peer-min-level", int_setter(c.peer_min_level, 4)},
      {"peer-allow", string_list_setter(c.peer_allow, 10'000)},
      {"peer-bootstrap", string_list_setter(c.peer_bootstrap, 1000)},
      {"peer-max-sessions", int_setter(c.peer_max_sessions, 100'000)},
      {"peer-handshake-timeout", duration_setter(c.peer_handshake_timeout)},
      {"peer-max-half-open", int_setter(c.peer_max_half_open, 100'000)},
      {"peer-handshakes-per-source", int_setter(c.peer_handshakes_per_source, 100'000)},
      {"peer-frame-rate", int_setter(c.peer_frame_rate, 10'000'000)},
  };
}

std::string fmt_ms(node_config::ms d) {
  auto n = d.count();
  if (n % 60000 == 0 && n != 0) return fmt::format("{}min", n / 60000);
  if (n % 1000 == 0 && n != 0) return fmt::format("{}s", n / 1000);
  return fmt::format("{}ms", n);
}

}  // namespace

std::optional<std::string> load_node_config(const std::string& path, node_config& out) {
  auto parsed = caf::actor_system_config::parse_config_file(path.c_str());
  if (!parsed)
    return fmt::format("cannot read config file '{}': {}", path,
                       caf::to_string(parsed.error()));
  node_config tmp = out;
  auto table = setters(tmp);
  for (auto& [section, value] : *parsed) {
    // A setting before any [section] is a plain value at the top: nobody reads
    // it there, so a node setting written so would be silently ignored.
    if (!caf::holds_alternative<caf::settings>(value))
      return fmt::format(
          "{}: setting '{}' comes before any section; node settings belong under "
          "[nzcore] (see nzcore run --dump-config)",
          path, section);
    if (section != "nzcore")
      continue;  // other sections (scheduler, middleman, ...) belong to CAF
    auto sec = caf::get_if<caf::settings>(&value);
    if (!sec) return fmt::format("{}: 'nzcore' must be a section", path);
    for (auto& [key, v] : *sec) {
      auto i = table.find(key);
      if (i == table.end())
        return fmt::format(
            "{}: unknown setting 'nzcore.{}' (see nzcore run --dump-config)", path, key);
      if (auto err = i->second(v))
        return fmt::format("{}: bad value {} for 'nzcore.{}': {}", path,
                           caf::to_string(v), key, *err);
    }
  }
  if (auto err = validate_node_config(tmp)) return fmt::format("{}: {}", path, *err);
  out = tmp;
  return std::nullopt;
}

std::optional<std::string> validate_node_config(const node_config& c) {
  if (c.restart_window.count() <= 0)
    return std::string{"nzcore.restart-window must be positive"};
  if (c.snapshot_every == 0)
    return std::string{"nzcore.snapshot-every must be at least 1"};
  if (c.snapshot_interval.count() <= 0)
    return std::string{"nzcore.snapshot-interval must be positive"};
  if (c.auth_max_failures == 0)
    return std::string{"nzcore.auth-max-failures must be at least 1"};
  if (c.shutdown_timeout.count() < 100)
    return std::string{"nzcore.shutdown-timeout must be at least 100ms"};
  if (c.lmdb_map_size < (uint64_t{1} << 20))
    return std::string{"nzcore.lmdb-map-size must be at least 1 MiB"};
  if (c.kv_max_key == 0 || c.kv_max_value == 0 || c.kv_max_file == 0)
    return std::string{
        "nzcore.kv-max-key, kv-max-value and kv-max-file must be positive"};
  if (c.request_timeout.count() <= 0)
    return std::string{"nzcore.request-timeout must be positive"};
  if (c.trust_max_trusted == 0 || c.trust_max_batch == 0 || c.trust_max_depth == 0)
    return std::string{
        "nzcore.trust-max-trusted, trust-max-batch and trust-max-depth must be positive"};
  if (c.trust_default_ttl.count() <= 0)
    return std::string{"nzcore.trust-default-ttl must be positive"};
  if (c.peer_max_half_open == 0 || c.peer_handshakes_per_source == 0)
    return std::string{
        "nzcore.peer-max-half-open and peer-handshakes-per-source must be positive"};
  if (c.peer_frame_rate < 100)
    return std::string{
        "nzcore.peer-frame-rate must be at least 100 (records per second; heartbeats "
        "and their replies need room)"};
  return std::nullopt;
}

std::string dump_node_config(const node_config& c) {
  std::string out = "[nzcore]\n";
  out += fmt::format("admin-port={}\n", c.admin_port);
  out += fmt::format("log-level=\"{}\"\n", c.log_level);
  out += fmt::format("log-format=\"{}\"\n", c.log_format);
  out += fmt::format("shutdown-timeout={}\n", fmt_ms(c.shutdown_timeout));
  out += fmt::format("snapshot-every={}\n", c.snapshot_every);
  out += fmt::format("snapshot-interval={}\n", fmt_ms(c.snapshot_interval));
  out += fmt::format("restart-intensity={}\n", c.restart_intensity);
  out += fmt::format("restart-window={}\n", fmt_ms(c.restart_window));
  out += fmt::format("restart-backoff={}\n", fmt_ms(c.restart_backoff));
  out += fmt::format("restart-backoff-max={}\n", fmt_ms(c.restart_backoff_max));
  out += fmt::format("auth-max-failures={}\n", c.auth_max_failures);
  out += fmt::format("auth-lockout={}\n", fmt_ms(c.auth_lockout));
  out += fmt::format("auth-global-budget={}\n", c.auth_global_budget);
  out += fmt::format("auth-global-window={}\n", fmt_ms(c.auth_global_window));
  out += fmt::format("lmdb-map-size={}\n", c.lmdb_map_size);
  out += fmt::format("kv-max-key={}\n", c.kv_max_key);
  out += fmt::format("kv-max-value={}\n", c.kv_max_value);
  out += fmt::format("kv-max-file={}\n", c.kv_max_file);
  out += fmt::format("request-timeout={}\n", fmt_ms(c.request_timeout));
  out += fmt::format("trust-max-trusted={}\n", c.trust_max_trusted);
  out += fmt::format("trust-max-third-party={}\n", c.trust_max_third_party);
  out += fmt::format("trust-max-batch={}\n", c.trust_max_batch);
  out += fmt::format("trust-max-depth={}\n", c.trust_max_depth);
  out += fmt::format("trust-default-ttl={}\n", fmt_ms(c.trust_default_ttl));
  auto list = [](const std::vector<std::string>& xs) {
    std::string s = "[";
    for (size_t i = 0; i < xs.size(); ++i) s += (i ? ", \"" : "\"") + xs[i] + "\"";
    return s + "]";
  };
  out += fmt::format("peer-address=\"{}\"\n", c.peer_address);
  out += fmt::format("peer-port={}\n", c.peer_port);
  out += fmt::format("peer-policy=\"{}\"\n", c.peer_policy);
  out += fmt::format("peer-min-level={}\n", c.peer_min_level);
  out += fmt::format("peer-allow={}\n", list(c.peer_allow));
  out += fmt::format("peer-bootstrap={}\n", list(c.peer_bootstrap));
  out += fmt::format("peer-max-sessions={}\n", c.peer_max_sessions);
  out += fmt::format("peer-handshake-timeout={}\n", fmt_ms(c.peer_handshake_timeout));
  out += fmt::format("peer-max-half-open={}\n", c.peer_max_half_open);
  out += fmt::format("peer-handshakes-per-source={}\n", c.peer_handshakes_per_source);
  out += fmt::format("peer-frame-rate={}\n", c.peer_frame_rate);
  return out;
}

}  // namespace nz
