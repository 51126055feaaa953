#include "actors/peer/session/frame_body.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <msgpack.hpp>

namespace nz::peer {

namespace {

/// A msgpack-cxx output buffer appending to a byte vector (resize + memcpy).
struct vector_sink {
  std::vector<uint8_t>& out;
  void write(const char* data, size_t size) {
    const size_t at = out.size();
    out.resize(at + size);
    if (size > 0) {
      std::memcpy(out.data() + at, data, size);
    }
  }
};

/// Keeps str and bin contents in the input buffer instead of copying them.
bool reference_all(msgpack::type::object_type, std::size_t, void*) {
  return true;
}

session_error malformed(const char* what) {
  return make_session_error(session_errc::malformed, what);
}

session_error too_long(const char* what) {
  return make_session_error(session_errc::too_long, what);
}

}  // namespace

bool valid_frame_type(std::string_view type) {
  if (type.empty() || type.size() > max_frame_type_len) {
    return false;
  }
  for (char c : type) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

session_result<std::vector<uint8_t>> encode_frame_body(const frame_body& x,
                                                       size_t max_body) {
  if (!valid_frame_type(x.type)) {
    return make_session_error(session_errc::invalid_argument,
                              "frame type must be 1..32 characters of [a-z0-9_.]");
  }
  if (x.trace.size() > max_trace_len) {
    return make_session_error(session_errc::payload_too_long, "trace over 64 bytes");
  }
  if (x.body.size() > max_body) {
    return make_session_error(session_errc::payload_too_long, "body over max_body");
  }
  std::vector<uint8_t> out;
  out.reserve(max_frame_body_overhead + x.body.size());
  vector_sink sink{out};
  msgpack::packer<vector_sink> pk{sink};
  pk.pack_array(3);
  pk.pack_str(static_cast<uint32_t>(x.type.size()));
  pk.pack_str_body(x.type.data(), static_cast<uint32_t>(x.type.size()));
  pk.pack_bin(static_cast<uint32_t>(x.trace.size()));
  pk.pack_bin_body(reinterpret_cast<const char*>(x.trace.data()),
                   static_cast<uint32_t>(x.trace.size()));
  pk.pack_bin(static_cast<uint32_t>(x.body.size()));
  pk.pack_bin_body(reinterpret_cast<const char*>(x.body.data()),
                   static_cast<uint32_t>(x.body.size()));
  return out;
}

session_result<frame_body> decode_frame_body(noise::bytes_view bytes, size_t max_body) {
  if (bytes.size > max_frame_body_overhead
      && bytes.size - max_frame_body_overhead > max_body) {
    return too_long("frame body over max_body + overhead");
  }
  if (bytes.size == 0) {
    return malformed("empty frame body");
  }
  // The v3 parser (named explicitly: the default API version differs between
  // builds) checks every limit when it meets a complete element, before it
  // allocates: arrays of at most 3 elements, no maps, no ext, no nesting, str
  // up to the type limit, bin up to the larger field limit (each field is
  // checked again below). str and bin contents stay in `bytes`, referenced,
  // never copied; a declared length beyond the input only makes the parser
  // wait for bytes that never come (insufficient_bytes).
  const msgpack::unpack_limit limits{/*array=*/3,
                                     /*map=*/0,
                                     /*str=*/max_frame_type_len,
                                     /*bin=*/std::max(max_trace_len, max_body),
                                     /*ext=*/0,
                                     /*depth=*/1};
  msgpack::object_handle handle;
  std::size_t offset = 0;
  try {
    bool referenced = false;
    handle = msgpack::v3::unpack(reinterpret_cast<const char*>(bytes.data), bytes.size,
                                 offset, referenced, reference_all, nullptr, limits);
  } catch (const msgpack::str_size_overflow&) {
    return too_long("frame type over 32 bytes");
  } catch (const msgpack::bin_size_overflow&) {
    return too_long("bin field over its limit");
  } catch (const msgpack::size_overflow&) {
    return malformed("not an array of three elements");
  } catch (const msgpack::insufficient_bytes&) {
    return malformed("frame body ends early");
  } catch (const std::exception&) {
    return malformed("frame body does not parse");
  }
  if (offset != bytes.size) {
    return malformed("trailing bytes after the frame body");
  }
  const msgpack::object& root = handle.get();
  if (root.type != msgpack::type::ARRAY || root.via.array.size != 3) {
    return malformed("frame body is not an array of three elements");
  }
  const msgpack::object& type = root.via.array.ptr[0];
  const msgpack::object& trace = root.via.array.ptr[1];
  const msgpack::object& body = root.via.array.ptr[2];
  if (type.type != msgpack::type::STR || trace.type != msgpack::type::BIN
      || body.type != msgpack::type::BIN) {
    return malformed("frame body is not [str, bin, bin]");
  }
  // msgpack-cxx checks str/bin limits only when it copies; referenced
  // contents are checked here, still before anything is allocated.
  if (type.via.str.size > max_frame_type_len) {
    return too_long("frame type over 32 bytes");
  }
  if (trace.via.bin.size > max_trace_len) {
    return too_long("trace over 64 bytes");
  }
  if (body.via.bin.size > max_body) {
    return too_long("body over max_body");
  }
  frame_body out;
  out.type.assign(type.via.str.ptr, type.via.str.size);
  if (!valid_frame_type(out.type)) {
    return malformed("frame type outside [a-z0-9_.]{1,32}");
  }
  out.trace.resize(trace.via.bin.size);
  if (!out.trace.empty()) {
    std::memcpy(out.trace.data(), trace.via.bin.ptr, out.trace.size());
  }
  out.body.resize(body.via.bin.size);
  if (!out.body.empty()) {
    std::memcpy(out.body.data(), body.via.bin.ptr, out.body.size());
  }
  return out;
}

}  // namespace nz::peer
