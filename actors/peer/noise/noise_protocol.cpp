#include "actors/peer/noise/noise_protocol.hpp"

#include <vector>

namespace nz::peer::noise {

noise_result<noise_protocol> parse_protocol_name(std::string_view name) {
  if (name.size() > max_protocol_name_len)
    return make_error(noise_errc::unsupported, "protocol name too long");
  std::vector<std::string_view> parts;
  for (std::string_view rest = name;;) {
    auto pos = rest.find('_');
    parts.push_back(rest.substr(0, pos));
    if (pos == std::string_view::npos) break;
    rest.remove_prefix(pos + 1);
  }
  if (parts.size() != 5 || parts[0] != "Noise")
    return make_error(
        noise_errc::unsupported,
        "not a protocol name of the form Noise_<pattern>_<dh>_<cipher>_<hash>");
  noise_protocol out;
  out.name = std::string{name};
  out.pattern = find_pattern(parts[1]);
  if (out.pattern == nullptr)
    return make_error(noise_errc::unsupported,
                      "pattern '" + std::string{parts[1]}
                          + "' not implemented (modifiers such as psk are not)");
  if (parts[2] != "25519")
    return make_error(noise_errc::unsupported,
                      "DH '" + std::string{parts[2]} + "' not implemented");
  auto cipher = parse_cipher_algo(parts[3]);
  if (!cipher)
    return make_error(noise_errc::unsupported,
                      "cipher '" + std::string{parts[3]} + "' not implemented");
  if (!cipher_available(*cipher))
    return make_error(noise_errc::unsupported, "AESGCM needs AES instructions");
  out.cipher = *cipher;
  auto hash = parse_hash_algo(parts[4]);
  if (!hash)
    return make_error(noise_errc::unsupported,
                      "hash '" + std::string{parts[4]} + "' not implemented");
  out.hash = *hash;
  return out;
}

}  // namespace nz::peer::noise
