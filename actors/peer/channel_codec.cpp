#include "actors/peer/channel_codec.hpp"

#include "storage/byte_codec.hpp"

namespace nz::peer {

namespace {
constexpr uint8_t version = 1;
}  // namespace

bool valid_channel_name(std::string_view name) {
  if (name.empty() || name.size() > max_channel_name) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-'))
      return false;
  return true;
}

std::vector<uint8_t> encode_channel_frame(const channel_frame& x) {
  if (!valid_channel_name(x.channel) || x.payload.size() > max_channel_payload) return {};
  storage::byte_writer w;
  w.reserve(x.payload.size() + x.channel.size() + 24);
  w.put_u8(version);
  w.put_string(x.channel);
  w.put_varint(x.id);
  w.put_varint(x.reply_to);
  w.put_bytes(x.payload);
  return w.take();
}

std::optional<channel_frame> decode_channel_frame(const std::vector<uint8_t>& bytes) {
  storage::byte_reader r(bytes);
  auto v = r.get_u8();
  if (!v || *v != version) return std::nullopt;
  channel_frame x;
  auto channel = r.get_string(max_channel_name);
  if (!channel || !valid_channel_name(*channel)) return std::nullopt;
  auto id = r.get_varint();
  auto reply_to = r.get_varint();
  auto payload = r.get_bytes(max_channel_payload);
  if (!id || !reply_to || !payload || !r.at_end()) return std::nullopt;
  x.channel = std::move(*channel);
  x.id = *id;
  x.reply_to = *reply_to;
  x.payload = std::move(*payload);
  return x;
}

}  // namespace nz::peer
