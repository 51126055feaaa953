#include "actors/peer/channel_codec.hpp"

#include "storage/byte_codec.hpp"

namespace nz::peer {

namespace {

constexpr uint8_t version = 1;

size_t varint_size(uint64_t x) {
  size_t n = 1;
  for (; x >= 0x80; x >>= 7) ++n;
  return n;
}

}  // namespace

bool valid_channel_name(std::string_view name) {
  if (name.empty() || name.size() > max_channel_name) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-'))
      return false;
  return true;
}

size_t channel_frame_size(std::string_view channel, uint64_t id, uint64_t reply_to,
                          size_t payload_size) {
  return 1 + varint_size(channel.size()) + channel.size() + varint_size(id)
         + varint_size(reply_to) + varint_size(payload_size) + payload_size;
}

void append_channel_frame(std::vector<uint8_t>& out, std::string_view channel,
                          uint64_t id, uint64_t reply_to, const uint8_t* payload,
                          size_t payload_size) {
  if (!valid_channel_name(channel) || payload_size > max_channel_payload) return;
  storage::byte_writer w{std::move(out)};
  w.reserve(w.size() + channel_frame_size(channel, id, reply_to, payload_size));
  w.put_u8(version);
  w.put_string(channel);
  w.put_varint(id);
  w.put_varint(reply_to);
  w.put_bytes(payload, payload_size);
  out = w.take();
}

std::vector<uint8_t> encode_channel_frame(const channel_frame& x) {
  std::vector<uint8_t> out;
  append_channel_frame(out, x.channel, x.id, x.reply_to, x.payload.data(),
                       x.payload.size());
  return out;
}

std::optional<channel_frame_view> parse_channel_frame(const uint8_t* data, size_t size) {
  storage::byte_reader r(data, size);
  auto v = r.get_u8();
  if (!v || *v != version) return std::nullopt;
  channel_frame_view x;
  const uint8_t* name = nullptr;
  size_t name_len = 0;
  if (!r.get_bytes_view(max_channel_name, name, name_len)) return std::nullopt;
  x.channel = {reinterpret_cast<const char*>(name), name_len};
  if (!valid_channel_name(x.channel)) return std::nullopt;
  auto id = r.get_varint();
  auto reply_to = r.get_varint();
  if (!id || !reply_to
      || !r.get_bytes_view(max_channel_payload, x.payload, x.payload_size) || !r.at_end())
    return std::nullopt;
  x.id = *id;
  x.reply_to = *reply_to;
  return x;
}

std::optional<channel_frame> decode_channel_frame(const std::vector<uint8_t>& bytes) {
  auto v = parse_channel_frame(bytes.data(), bytes.size());
  if (!v) return std::nullopt;
  channel_frame x;
  x.channel.assign(v->channel);
  x.id = v->id;
  x.reply_to = v->reply_to;
  x.payload.assign(v->payload, v->payload + v->payload_size);
  return x;
}

}  // namespace nz::peer
