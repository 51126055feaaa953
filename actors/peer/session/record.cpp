#include "actors/peer/session/record.hpp"

#include <algorithm>
#include <string>

namespace nz::peer {

const char* to_string(record_kind x) {
  switch (x) {
    case record_kind::hello:
      return "hello";
    case record_kind::handshake2:
      return "handshake2";
    case record_kind::handshake3:
      return "handshake3";
    case record_kind::frame:
      return "frame";
    case record_kind::abort:
      return "abort";
  }
  return "unknown";
}

bool valid_record_kind(uint8_t x) {
  return x >= static_cast<uint8_t>(record_kind::hello)
         && x <= static_cast<uint8_t>(record_kind::abort);
}

namespace {

session_result<void> check_out(record_kind kind, size_t payload_len) {
  if (!valid_record_kind(static_cast<uint8_t>(kind)))
    return session_error{session_errc::invalid_argument, "unknown record kind"};
  if (payload_len > max_record_len - 1)
    return session_error{session_errc::payload_too_long,
                         "record payload of " + std::to_string(payload_len)
                             + " bytes exceeds " + std::to_string(max_record_len - 1)};
  if (kind == record_kind::abort && payload_len != 0)
    return session_error{session_errc::invalid_argument, "an abort has no payload"};
  return {};
}

template <class Out>
void put(Out& out, record_kind kind, const uint8_t* payload, size_t payload_len) {
  auto len = static_cast<uint32_t>(payload_len + 1);
  using T = typename Out::value_type;
  out.push_back(static_cast<T>(len >> 24));
  out.push_back(static_cast<T>(len >> 16));
  out.push_back(static_cast<T>(len >> 8));
  out.push_back(static_cast<T>(len));
  out.push_back(static_cast<T>(kind));
  out.insert(out.end(), reinterpret_cast<const T*>(payload),
             reinterpret_cast<const T*>(payload) + payload_len);
}

}  // namespace

session_result<std::vector<uint8_t>> encode_record(record_kind kind,
                                                   const uint8_t* payload,
                                                   size_t payload_len) {
  if (auto ok = check_out(kind, payload_len); !ok) return ok.error();
  std::vector<uint8_t> out;
  out.reserve(record_header_len + 1 + payload_len);
  put(out, kind, payload, payload_len);
  return out;
}

session_result<void> append_record(std::vector<char>& out, record_kind kind,
                                   const uint8_t* payload, size_t payload_len) {
  if (auto ok = check_out(kind, payload_len); !ok) return ok.error();
  put(out, kind, payload, payload_len);
  return {};
}

record_reader::record_reader(uint32_t max_len)
    : max_len_(std::clamp<uint32_t>(max_len, 1, max_record_len)) {}

session_result<void> record_reader::feed(const uint8_t* data, size_t n,
                                         std::vector<record_bytes>& out) {
  if (failed_) return *failed_;
  auto fail = [&](session_errc code, std::string msg) -> session_result<void> {
    failed_ = session_error{code, std::move(msg)};
    body_ = record_bytes{};
    header_fill_ = 0;
    return *failed_;
  };
  size_t i = 0;
  while (i < n) {
    if (header_fill_ < record_header_len) {
      auto take = std::min(record_header_len - header_fill_, n - i);
      std::copy(data + i, data + i + take, header_ + header_fill_);
      header_fill_ += take;
      i += take;
      if (header_fill_ < record_header_len) break;
      want_ = (uint32_t{header_[0]} << 24) | (uint32_t{header_[1]} << 16)
              | (uint32_t{header_[2]} << 8) | uint32_t{header_[3]};
      if (want_ == 0) return fail(session_errc::malformed, "a record of length 0");
      if (want_ > max_len_)
        return fail(session_errc::too_long, "a record of " + std::to_string(want_)
                                                + " bytes announced (at most "
                                                + std::to_string(max_len_) + ")");
      body_.clear();
      body_.reserve(want_);
    }
    auto take = std::min<size_t>(want_ - body_.size(), n - i);
    if (body_.empty() && take > 0 && !valid_record_kind(data[i]))
      return fail(session_errc::malformed,
                  "unknown record kind " + std::to_string(int{data[i]}));
    body_.insert(body_.end(), data + i, data + i + take);
    i += take;
    if (body_.size() == want_) {
      if (body_[0] == static_cast<uint8_t>(record_kind::abort) && want_ != 1)
        return fail(session_errc::malformed, "an abort record with a payload");
      out.push_back(std::move(body_));
      body_ = record_bytes{};
      header_fill_ = 0;
      want_ = 0;
    }
  }
  return {};
}

}  // namespace nz::peer
