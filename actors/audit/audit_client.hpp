// Recording an audit event from any actor: retries across audit actor restarts
// within `budget` (service_call.hpp) and logs, never throws, when it cannot.
// Include only from .cpp files (heavy CAF headers).
#pragma once

#include <memory>
#include <string>

#include "messages/audit_api.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/service_call.hpp"

namespace nz {

template <class Self>
void audit_record(Self* self, const std::shared_ptr<service_registry>& reg,
                  caf::timespan budget, std::string kind, std::string source,
                  std::string detail) {
  call_service<uint64_t>(
      self, reg, "audit", budget, [](uint64_t) {},
      [self, kind](caf::error& err) {
        log::error("audit", "could not record a '{}' event: {}", kind,
                   self->system().render(err));
      },
      audit_record_atom::value, std::move(kind), std::move(source), std::move(detail));
}

}  // namespace nz
