// Settings of one journaled actor (see journaled.hpp). Light header.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/timespan.hpp>

namespace nz {

struct journal_options {
  /// Journal stream name; by convention the actor's service name.
  std::string stream;
  /// Write a snapshot after this many changes...
  uint64_t snapshot_every = 1000;
  /// ...or this long after the last one, whichever comes first.
  caf::timespan snapshot_interval = std::chrono::seconds(60);
  /// Budget of each storage request.
  caf::timespan storage_timeout = std::chrono::seconds(10);
};

}  // namespace nz
