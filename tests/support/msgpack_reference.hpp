// msgpack-c (Debian's libmsgpack-cxx-dev) as the reference reader of a frame
// body (actors/peer/session/frame_body.hpp): what it makes of bytes that should
// be one [str, bin, bin] array. Shared by the differential unit test and the
// frame fuzz target. Header-only; include only from tests.
#pragma once

#include <msgpack.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/peer/session/frame_body.hpp"

namespace nz::peer::test {

struct fields {
  std::string type;
  std::vector<uint8_t> trace, body;
};

/// msgpack-c's reading: the fields if the input is exactly one array of
/// [str, bin, bin] within the frame body limits, else nothing.
inline std::optional<fields> reference_frame_body(const uint8_t* data, size_t size,
                                                  size_t max_body = default_max_body) {
  if (size == 0 || size > max_body + max_frame_body_overhead) return std::nullopt;
  msgpack::object_handle h;
  std::size_t off = 0;
  // Limits far above anything a frame body may hold, only so that a declared
  // 2^32-element array or map does not make msgpack-c allocate for it (inputs
  // beyond them are refused by both readers all the same).
  const msgpack::unpack_limit limits{/*array=*/64,     /*map=*/64,
                                     /*str=*/1u << 20, /*bin=*/1u << 20,
                                     /*ext=*/1u << 20, /*depth=*/16};
  try {
    h = msgpack::unpack(reinterpret_cast<const char*>(data), size, off, nullptr, nullptr,
                        limits);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (off != size) return std::nullopt;
  const auto& o = h.get();
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 3) return std::nullopt;
  const auto& t = o.via.array.ptr[0];
  const auto& tr = o.via.array.ptr[1];
  const auto& bd = o.via.array.ptr[2];
  if (t.type != msgpack::type::STR || tr.type != msgpack::type::BIN
      || bd.type != msgpack::type::BIN)
    return std::nullopt;
  fields f;
  f.type.assign(t.via.str.ptr, t.via.str.size);
  f.trace.assign(tr.via.bin.ptr, tr.via.bin.ptr + tr.via.bin.size);
  f.body.assign(bd.via.bin.ptr, bd.via.bin.ptr + bd.via.bin.size);
  if (!valid_frame_type(f.type) || f.trace.size() > max_trace_len
      || f.body.size() > max_body)
    return std::nullopt;
  return f;
}

}  // namespace nz::peer::test
