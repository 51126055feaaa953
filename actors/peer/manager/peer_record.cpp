#include "actors/peer/manager/peer_record.hpp"

namespace nz::peer {

const char* to_string(peer_source x) {
  switch (x) {
    case peer_source::bootstrap:
      return "bootstrap";
    case peer_source::learned:
      return "learned";
  }
  return "unknown";
}

bool operator==(const peer_record& a, const peer_record& b) {
  return a.node_id == b.node_id && a.public_key == b.public_key && a.address == b.address
         && a.source == b.source && a.updated_ms == b.updated_ms
         && a.last_connected_ms == b.last_connected_ms
         && a.last_failure_ms == b.last_failure_ms && a.failures == b.failures;
}

bool valid_peer_address(std::string_view address) {
  if (address.size() > max_peer_address_size) return false;
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  auto host = address.substr(0, colon);
  auto port = address.substr(colon + 1);
  if (host.empty() || port.empty() || port.size() > 5 || port[0] == '0') return false;
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) return false;
  for (char c : host)
    if (c <= ' ' || c > '~') return false;  // printable ASCII, no space
  bool bracketed = host.front() == '[';
  if (bracketed) {
    // "[...]" around a non-empty inner part without further brackets.
    if (host.size() < 3 || host.back() != ']') return false;
    auto inner = host.substr(1, host.size() - 2);
    return inner.find_first_of("[]") == std::string_view::npos;
  }
  return host.find_first_of("[]:") == std::string_view::npos;
}

peer_manager_result<std::string> parse_node_id(std::string_view node_id) {
  if (node_id.size() != 64)
    return make_error(
        peer_manager_errc::bad_node_id,
        "node id has " + std::to_string(node_id.size()) + " characters, not 64");
  std::string out;
  out.reserve(64);
  for (char c : node_id) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return make_error(peer_manager_errc::bad_node_id, "node id is not hexadecimal");
    out.push_back(c);
  }
  return out;
}

}  // namespace nz::peer
