#include "actors/peer/session/frame_body.hpp"

#include <algorithm>
#include <cstring>

namespace nz::peer {

namespace {

session_error malformed(const char* what) {
  return make_session_error(session_errc::malformed, what);
}

session_error too_long(const char* what) {
  return make_session_error(session_errc::too_long, what);
}

void put_be(std::vector<uint8_t>& out, uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

/// The shortest bin header for `n` bytes (msgpack-c's choice).
void put_bin_header(std::vector<uint8_t>& out, size_t n) {
  if (n < 256) {
    out.push_back(0xc4);
    put_be(out, n, 1);
  } else if (n < 65536) {
    out.push_back(0xc5);
    put_be(out, n, 2);
  } else {
    out.push_back(0xc6);
    put_be(out, n, 4);
  }
}

/// A bounded cursor over the input: every read checks what is left.
struct cursor {
  const uint8_t* p;
  const uint8_t* end;

  size_t left() const { return static_cast<size_t>(end - p); }

  /// A big-endian unsigned of `bytes` bytes; false if the input ends first.
  bool be(int bytes, uint64_t& x) {
    if (left() < static_cast<size_t>(bytes)) return false;
    x = 0;
    for (int i = 0; i < bytes; ++i) x = (x << 8) | *p++;
    return true;
  }
};

/// The length of a str (fixstr, str8/16/32) or bin (bin8/16/32) whose header
/// starts at c.p, as long as its bytes are all present.
session_result<size_t> field_length(cursor& c, bool str) {
  if (c.left() == 0) return malformed("frame body ends early");
  const uint8_t b = *c.p++;
  uint64_t n = 0;
  int width = 0;
  if (str && b >= 0xa0 && b <= 0xbf) {
    n = b & 0x1f;
  } else if (b == (str ? 0xd9 : 0xc4)) {
    width = 1;
  } else if (b == (str ? 0xda : 0xc5)) {
    width = 2;
  } else if (b == (str ? 0xdb : 0xc6)) {
    width = 4;
  } else {
    return malformed("frame body is not [str, bin, bin]");
  }
  if (width > 0 && !c.be(width, n)) return malformed("frame body ends early");
  // A declared length beyond the input is only ever waited for, whatever
  // its size: malformed, and nothing allocated.
  if (n > c.left()) return malformed("frame body ends early");
  return static_cast<size_t>(n);
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

session_status append_frame_body_head(std::vector<uint8_t>& out, std::string_view type,
                                      noise::bytes_view trace, size_t body_size,
                                      size_t max_body) {
  if (!valid_frame_type(type)) {
    return make_session_error(session_errc::invalid_argument,
                              "frame type must be 1..32 characters of [a-z0-9_.]");
  }
  if (trace.size > max_trace_len) {
    return make_session_error(session_errc::payload_too_long, "trace over 64 bytes");
  }
  if (body_size > max_body) {
    return make_session_error(session_errc::payload_too_long, "body over max_body");
  }
  out.reserve(out.size() + max_frame_body_overhead + body_size);
  out.push_back(0x93);  // fixarray of 3
  if (type.size() < 32) {
    out.push_back(static_cast<uint8_t>(0xa0 | type.size()));
  } else {
    out.push_back(0xd9);
    out.push_back(static_cast<uint8_t>(type.size()));
  }
  out.insert(out.end(), type.begin(), type.end());
  put_bin_header(out, trace.size);
  if (trace.size > 0) out.insert(out.end(), trace.data, trace.data + trace.size);
  put_bin_header(out, body_size);
  return {};
}

session_result<std::vector<uint8_t>> encode_frame_body(const frame_body& x,
                                                       size_t max_body) {
  std::vector<uint8_t> out;
  if (auto st = append_frame_body_head(out, x.type, x.trace, x.body.size(), max_body);
      !st) {
    return st.error();
  }
  out.insert(out.end(), x.body.begin(), x.body.end());
  return out;
}

session_result<frame_body_view> parse_frame_body(noise::bytes_view bytes,
                                                 size_t max_body) {
  if (bytes.size > max_frame_body_overhead
      && bytes.size - max_frame_body_overhead > max_body) {
    return too_long("frame body over max_body + overhead");
  }
  if (bytes.size == 0) {
    return malformed("empty frame body");
  }
  cursor c{bytes.data, bytes.data + bytes.size};
  const uint8_t a = *c.p++;
  uint64_t n = 0;
  if (a >= 0x90 && a <= 0x9f) {
    n = a & 0x0f;
  } else if (a == 0xdc || a == 0xdd) {
    if (!c.be(a == 0xdc ? 2 : 4, n)) return malformed("frame body ends early");
  } else {
    return malformed("frame body is not an array of three elements");
  }
  if (n != 3) {
    return malformed("frame body is not an array of three elements");
  }
  // Fields in order; a field over the largest any field may be is refused at
  // once, the per-field limits once the whole body parsed.
  auto type_len = field_length(c, true);
  if (!type_len) return type_len.error();
  if (*type_len > max_frame_type_len) return too_long("frame type over 32 bytes");
  frame_body_view v;
  v.type = {reinterpret_cast<const char*>(c.p), *type_len};
  c.p += *type_len;
  const size_t bin_limit = std::max(max_trace_len, max_body);
  auto trace_len = field_length(c, false);
  if (!trace_len) return trace_len.error();
  if (*trace_len > bin_limit) return too_long("bin field over its limit");
  v.trace = {c.p, *trace_len};
  c.p += *trace_len;
  auto body_len = field_length(c, false);
  if (!body_len) return body_len.error();
  if (*body_len > bin_limit) return too_long("bin field over its limit");
  v.body = {c.p, *body_len};
  c.p += *body_len;
  if (c.left() != 0) {
    return malformed("trailing bytes after the frame body");
  }
  if (v.trace.size > max_trace_len) {
    return too_long("trace over 64 bytes");
  }
  if (v.body.size > max_body) {
    return too_long("body over max_body");
  }
  if (!valid_frame_type(v.type)) {
    return malformed("frame type outside [a-z0-9_.]{1,32}");
  }
  return v;
}

session_result<frame_body> decode_frame_body(noise::bytes_view bytes, size_t max_body) {
  auto v = parse_frame_body(bytes, max_body);
  if (!v) return v.error();
  frame_body out;
  out.type.assign(v->type);
  out.trace.assign(v->trace.data, v->trace.data + v->trace.size);
  out.body.assign(v->body.data, v->body.data + v->body.size);
  return out;
}

}  // namespace nz::peer
