// journal_store::load: recovery of one stream (see journal_store.hpp for the
// rules). Kept apart from the write path because its fallback logic is the part
// most worth reading on its own.
#include <fmt/format.h>

#include "storage/journal_store.hpp"
#include "storage/record_format.hpp"

namespace nz::storage {

namespace {

struct skipped_snapshot {
  uint64_t seq;
  std::string why;
};

store_error recovery_error(const std::string& stream, const std::string& detail) {
  return make_store_error(store_errc::recovery_failed,
                          fmt::format("cannot recover stream '{}': {}", stream, detail));
}

}  // namespace

store_result<loaded_stream> journal_store::load(const std::string& stream) {
  if (!valid_stream_name(stream))
    return make_store_error(
        store_errc::invalid_argument,
        fmt::format("invalid stream name '{}'", stream.substr(0, 80)));
  auto txn = read_txn::begin(env_);
  if (!txn) return txn.error();
  loaded_stream out;
  out.stream = stream;
  // 1. Newest snapshot that verifies; remember the ones that do not.
  std::vector<skipped_snapshot> skipped;
  {
    auto cur = lmdb_cursor::open(txn->handle(), snapshot_db_);
    if (!cur) return cur.error();
    std::vector<uint8_t> past(stream.begin(), stream.end());
    past.push_back(1);  // first key after every "stream\0..." key
    auto found = cur->seek({past.data(), past.size()});
    if (!found) return found.error();
    for (auto ok = *found ? cur->prev() : cur->last();; ok = cur->prev()) {
      if (!ok) return ok.error();
      std::string_view s;
      uint64_t seq = 0;
      if (!*ok || !parse_key(cur->key(), s, seq) || s != stream) break;
      decoded_record rec;
      std::string why;
      if (decode_snapshot(cur->value(), stream, seq, rec, why)) {
        out.snapshot_seq = seq;
        out.snapshot.assign(rec.payload.data, rec.payload.data + rec.payload.size);
        break;
      }
      skipped.push_back({seq, why});
    }
  }
  // 2. Every journal entry after the base; a corrupt one is a hard error.
  {
    auto cur = lmdb_cursor::open(txn->handle(), journal_db_);
    if (!cur) return cur.error();
    auto start = make_key(stream, out.snapshot_seq + 1);
    for (auto ok = cur->seek({start.data(), start.size()});; ok = cur->next()) {
      if (!ok) return ok.error();
      std::string_view s;
      uint64_t seq = 0;
      if (!*ok || !parse_key(cur->key(), s, seq) || s != stream) break;
      uint64_t expected = out.snapshot_seq + out.journal.size() + 1;
      if (seq != expected) {
        if (out.journal.empty() && out.snapshot_seq == 0 && !skipped.empty())
          return recovery_error(
              stream,
              fmt::format("no valid snapshot and the journal starts at seq "
                          "{} (truncated; {} corrupt snapshot(s), newest at "
                          "seq {}: {})",
                          seq, skipped.size(), skipped.front().seq, skipped.front().why));
        if (out.journal.empty() && out.snapshot_seq == 0)
          return recovery_error(
              stream, fmt::format("no snapshot and the journal starts at seq {}", seq));
        return recovery_error(stream, fmt::format("journal gap: expected seq {}, "
                                                  "found {}",
                                                  expected, seq));
      }
      decoded_record rec;
      std::string why;
      if (!decode_journal_entry(cur->value(), stream, seq, rec, why))
        return make_store_error(store_errc::corrupt_record,
                                fmt::format("journal entry of '{}' at seq {} is "
                                            "corrupt ({})",
                                            stream, seq, why));
      out.journal.push_back(
          {seq,
           std::vector<uint8_t>(rec.payload.data, rec.payload.data + rec.payload.size)});
    }
  }
  // 3. The replay must reach at least as far as every skipped snapshot did.
  uint64_t reached = out.snapshot_seq + out.journal.size();
  if (!skipped.empty() && reached < skipped.front().seq) {
    if (out.snapshot_seq == 0 && out.journal.empty())
      return recovery_error(
          stream, fmt::format("every snapshot is corrupt (newest at seq {}: {}) "
                              "and the journal it covered was truncated",
                              skipped.front().seq, skipped.front().why));
    return recovery_error(stream,
                          fmt::format("replay reaches seq {} only, but the corrupt "
                                      "snapshot covered seq {}",
                                      reached, skipped.front().seq));
  }
  for (auto& s : skipped) {
    auto base = out.snapshot_seq > 0 ? fmt::format("seq {}", out.snapshot_seq)
                                     : std::string{"the start of the journal"};
    out.warnings.push_back(
        fmt::format("snapshot of '{}' at seq {} is corrupt ({}); fell "
                    "back to {} (replaying {} entries)",
                    stream, s.seq, s.why, base, out.journal.size()));
  }
  out.fallbacks = static_cast<uint32_t>(skipped.size());
  return out;
}

}  // namespace nz::storage
