#include "messages/core_errors.hpp"

#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace nz {

const char* to_string(core_errc x) {
  switch (x) {
    case core_errc::none:
      return "none";
    case core_errc::service_unavailable:
      return "service_unavailable";
    case core_errc::service_timeout:
      return "service_timeout";
    case core_errc::intensity_exceeded:
      return "intensity_exceeded";
    case core_errc::chaos_crash:
      return "chaos_crash";
    case core_errc::shutting_down:
      return "shutting_down";
    case core_errc::recovery_failed:
      return "recovery_failed";
  }
  return "unknown";
}

const char* to_string(storage_errc x) {
  switch (x) {
    case storage_errc::none:
      return "none";
    case storage_errc::lmdb_failure:
      return "lmdb_failure";
    case storage_errc::corrupt_record:
      return "corrupt_record";
    case storage_errc::sequence_gap:
      return "sequence_gap";
    case storage_errc::limit_exceeded:
      return "limit_exceeded";
    case storage_errc::closed:
      return "closed";
    case storage_errc::not_found:
      return "not_found";
    case storage_errc::no_storage_key:
      return "no_storage_key";
  }
  return "unknown";
}

const char* to_string(trust_errc x) {
  switch (x) {
    case trust_errc::none:
      return "none";
    case trust_errc::invalid_argument:
      return "invalid_argument";
    case trust_errc::limit_exceeded:
      return "limit_exceeded";
    case trust_errc::revoked:
      return "revoked";
    case trust_errc::unknown_key:
      return "unknown_key";
    case trust_errc::damaged:
      return "damaged";
    case trust_errc::not_found:
      return "not_found";
  }
  return "unknown";
}

const char* to_string(peer_errc x) {
  switch (x) {
    case peer_errc::none:
      return "none";
    case peer_errc::no_session:
      return "no_session";
    case peer_errc::unreachable:
      return "unreachable";
    case peer_errc::refused:
      return "refused";
    case peer_errc::timeout:
      return "timeout";
    case peer_errc::bad_argument:
      return "bad_argument";
    case peer_errc::limit:
      return "limit";
  }
  return "unknown";
}

caf::error make_error(peer_errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), peer_category,
                    caf::make_message(std::move(context))};
}

caf::error make_error(trust_errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), trust_category,
                    caf::make_message(std::move(context))};
}

caf::error make_error(core_errc x) {
  return caf::error{static_cast<uint8_t>(x), core_category};
}

caf::error make_error(core_errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), core_category,
                    caf::make_message(std::move(context))};
}

caf::error make_error(storage_errc x) {
  return caf::error{static_cast<uint8_t>(x), storage_category};
}

caf::error make_error(storage_errc x, std::string context) {
  return caf::error{static_cast<uint8_t>(x), storage_category,
                    caf::make_message(std::move(context))};
}

bool is_restart_race(const caf::error& err) {
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    return code == caf::sec::request_receiver_down;
  }
  return err.category() == core_category
         && err.code() == static_cast<uint8_t>(core_errc::service_unavailable);
}

}  // namespace nz
