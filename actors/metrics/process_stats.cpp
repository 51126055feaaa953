#include "actors/metrics/process_stats.hpp"

#include <charconv>
#include <cstdio>

#include <unistd.h>

namespace nz {

std::optional<uint64_t> parse_statm_resident(std::string_view statm, uint64_t page_size) {
  auto skip_spaces = [&](size_t i) {
    while (i < statm.size() && statm[i] == ' ') {
      ++i;
    }
    return i;
  };
  uint64_t fields[2] = {0, 0};
  size_t pos = 0;
  for (auto& field : fields) {
    pos = skip_spaces(pos);
    const char* first = statm.data() + pos;
    const char* last = statm.data() + statm.size();
    auto [ptr, ec] = std::from_chars(first, last, field);
    if (ec != std::errc{} || ptr == first) {
      return std::nullopt;
    }
    pos = static_cast<size_t>(ptr - statm.data());
  }
  if (page_size != 0 && fields[1] > UINT64_MAX / page_size) {
    return std::nullopt;
  }
  return fields[1] * page_size;
}

std::optional<uint64_t> resident_memory_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "re");
  if (f == nullptr) {
    return std::nullopt;
  }
  char buf[256];
  size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0) {
    return std::nullopt;
  }
  return parse_statm_resident(std::string_view{buf, n}, static_cast<uint64_t>(page));
}

}  // namespace nz
