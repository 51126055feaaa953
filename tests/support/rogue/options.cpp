#include "support/rogue/options.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace nz::rogue {

namespace {

bool parse_endpoint(const std::string& s, endpoint& out) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  auto port = std::atoi(s.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return false;
  out.host = s.substr(0, colon);
  out.port = static_cast<uint16_t>(port);
  return true;
}

bool valid_net(const std::string& s) {
  unsigned a = 0, b = 0;
  char tail = 0;
  return std::sscanf(s.c_str(), "%u.%u%c", &a, &b, &tail) == 2 && a == 127 && b < 256;
}

}  // namespace

std::optional<options> parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    auto num = [&]() -> long { return std::atol(val().c_str()); };
    if (a == "--peer" || a == "--admin") {
      endpoint e;
      if (!parse_endpoint(val(), e)) return std::nullopt;
      (a == "--peer" ? o.peer : o.admin) = e;
    } else if (a == "--phases") {
      std::stringstream ss{val()};
      for (std::string p; std::getline(ss, p, ',');)
        if (!p.empty()) o.phases.push_back(p);
    } else if (a == "--watch-pid") {
      o.watch_pid = static_cast<int>(num());
    } else if (a == "--seed") {
      o.seed_hex = val();
      if (o.seed_hex.size() != 64) return std::nullopt;
    } else if (a == "--handshake-timeout-ms") {
      o.handshake_timeout_ms = num();
    } else if (a == "--source-net") {
      o.source_net = val();
      if (!valid_net(o.source_net)) return std::nullopt;
    } else if (a == "--flood-conns") {
      o.flood_conns = static_cast<int>(num());
    } else if (a == "--half-open-conns") {
      o.half_open_conns = static_cast<int>(num());
    } else if (a == "--frames") {
      o.frames = static_cast<int>(num());
    } else if (a == "--frame-body") {
      o.frame_body = static_cast<size_t>(num());
    } else if (a == "--ids") {
      auto v = val();
      if (std::sscanf(v.c_str(), "%lu-%lu", &o.first_id, &o.last_id) != 2
          || o.first_id == 0 || o.last_id < o.first_id || o.last_id - o.first_id > 100000)
        return std::nullopt;
    } else if (a == "--settle-ms") {
      o.settle_ms = static_cast<int>(num());
    } else if (a == "--lockout-client") {
      o.lockout_client = val();
    } else {
      return std::nullopt;
    }
  }
  if (o.phases.empty() || o.handshake_timeout_ms <= 0 || o.flood_conns <= 0
      || o.half_open_conns <= 0 || o.frames <= 0 || o.frame_body > 60000)
    return std::nullopt;
  return o;
}

std::string next_source(const options& o) {
  static std::atomic<unsigned> counter{0};
  auto n = counter++;
  return o.source_net + "." + std::to_string((n / 250) % 256) + "."
         + std::to_string(n % 250 + 1);
}

}  // namespace nz::rogue
