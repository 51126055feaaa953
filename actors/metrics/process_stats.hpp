// Process statistics read from /proc (Linux). Pure parsing is split from the
// file access so tests can feed text.
//
// Threading: free functions, no shared state; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nz {

/// Resident set size of this process in bytes (/proc/self/statm, second field,
/// times the page size). nullopt if /proc is unavailable or unparsable.
std::optional<uint64_t> resident_memory_bytes();

/// Parses the content of a statm file: "size resident shared ...", in pages.
/// Returns resident * page_size, or nullopt on malformed input.
std::optional<uint64_t> parse_statm_resident(std::string_view statm, uint64_t page_size);

}  // namespace nz
