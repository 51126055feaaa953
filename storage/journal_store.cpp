#include "storage/journal_store.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "storage/record_format.hpp"

namespace nz::storage {

namespace {

byte_view view(const std::vector<uint8_t>& x) {
  return byte_view{x.data(), x.size()};
}

store_error name_error(const std::string& stream) {
  return make_store_error(store_errc::invalid_argument,
                          fmt::format("invalid stream name '{}' (want 1-64 chars of "
                                      "[a-z0-9._-])",
                                      stream.substr(0, 80)));
}

/// Highest seq stored under `stream` in `db`, 0 if none.
store_result<uint64_t> last_key_seq(MDB_txn* txn, MDB_dbi db, const std::string& stream) {
  auto cur = lmdb_cursor::open(txn, db);
  if (!cur) return cur.error();
  // First key past every "stream\0..." key is "stream\x01".
  std::vector<uint8_t> past(stream.begin(), stream.end());
  past.push_back(1);
  auto found = cur->seek(view(past));
  if (!found) return found.error();
  auto moved = *found ? cur->prev() : cur->last();
  if (!moved) return moved.error();
  std::string_view s;
  uint64_t seq = 0;
  if (*moved && parse_key(cur->key(), s, seq) && s == stream) return seq;
  return uint64_t{0};
}

/// Every seq stored under `stream` in `db` with its value size, ascending.
store_result<std::vector<snapshot_stats>> list_seqs(MDB_txn* txn, MDB_dbi db,
                                                    const std::string& stream) {
  std::vector<snapshot_stats> out;
  auto cur = lmdb_cursor::open(txn, db);
  if (!cur) return cur.error();
  auto start = make_key(stream, 0);
  for (auto ok = cur->seek(view(start));; ok = cur->next()) {
    if (!ok) return ok.error();
    std::string_view s;
    uint64_t seq = 0;
    if (!*ok || !parse_key(cur->key(), s, seq) || s != stream) return out;
    out.push_back({seq, cur->value().size});
  }
}

}  // namespace

const char* to_string(store_errc x) {
  switch (x) {
    case store_errc::lmdb_failure:
      return "lmdb_failure";
    case store_errc::corrupt_record:
      return "corrupt_record";
    case store_errc::sequence_gap:
      return "sequence_gap";
    case store_errc::limit_exceeded:
      return "limit_exceeded";
    case store_errc::closed:
      return "closed";
    case store_errc::invalid_argument:
      return "invalid_argument";
    case store_errc::recovery_failed:
      return "recovery_failed";
  }
  return "unknown";
}

// -- open and bookkeeping -----------------------------------------------------

store_result<journal_store> journal_store::open(const store_options& opts) {
  if (opts.snapshots_kept == 0)
    return make_store_error(store_errc::invalid_argument, "snapshots_kept must be >= 1");
  auto env = lmdb_env::open(opts.dir, opts.map_size, 4);
  if (!env) return env.error();
  journal_store st;
  st.opts_ = opts;
  st.env_ = std::move(*env);
  auto j = st.env_.open_db("journal");
  if (!j) return j.error();
  auto s = st.env_.open_db("snapshots");
  if (!s) return s.error();
  st.journal_db_ = *j;
  st.snapshot_db_ = *s;
  return st;
}

void journal_store::close() {
  env_.close();
  cache_.clear();
}

store_result<journal_store::stream_cache*> journal_store::cached(
    const std::string& stream) {
  if (!valid_stream_name(stream)) return name_error(stream);
  if (auto i = cache_.find(stream); i != cache_.end()) return &i->second;
  auto txn = read_txn::begin(env_);
  if (!txn) return txn.error();
  auto j = last_key_seq(txn->handle(), journal_db_, stream);
  if (!j) return j.error();
  auto s = last_key_seq(txn->handle(), snapshot_db_, stream);
  if (!s) return s.error();
  auto& c = cache_[stream];
  c.last_seq = std::max(*j, *s);
  c.newest_snapshot = *s;
  return &c;
}

store_result<uint64_t> journal_store::last_seq(const std::string& stream) {
  auto c = cached(stream);
  if (!c) return c.error();
  return (*c)->last_seq;
}

// -- validation ---------------------------------------------------------------

store_status journal_store::check_append(const stream_record& e,
                                         uint64_t prev_seq) const {
  if (!valid_stream_name(e.stream)) return name_error(e.stream);
  if (e.payload.size() > opts_.max_entry_bytes)
    return make_store_error(
        store_errc::limit_exceeded,
        fmt::format("journal entry of '{}' has {} bytes, limit {}", e.stream,
                    e.payload.size(), opts_.max_entry_bytes));
  if (e.seq != prev_seq + 1)
    return make_store_error(store_errc::sequence_gap,
                            fmt::format("sequence gap in stream '{}': expected seq "
                                        "{}, got {}",
                                        e.stream, prev_seq + 1, e.seq));
  return {};
}

store_status journal_store::validate(const std::vector<stream_record>& appends,
                                     const stream_record* snap) {
  if (!env_.is_open()) return make_store_error(store_errc::closed, "storage is closed");
  std::map<std::string, uint64_t> batch_last;
  auto prev_of = [&](const std::string& stream) -> store_result<uint64_t> {
    if (auto i = batch_last.find(stream); i != batch_last.end()) return i->second;
    return last_seq(stream);
  };
  for (auto& e : appends) {
    auto prev = prev_of(e.stream);
    if (!prev) return prev.error();
    if (auto st = check_append(e, *prev); !st) return st;
    batch_last[e.stream] = e.seq;
  }
  if (snap == nullptr) return {};
  auto c = cached(snap->stream);
  if (!c) return c.error();
  auto last = prev_of(snap->stream);
  if (!last) return last.error();
  if (snap->payload.size() > opts_.max_snapshot_bytes)
    return make_store_error(
        store_errc::limit_exceeded,
        fmt::format("snapshot of '{}' has {} bytes, limit {}", snap->stream,
                    snap->payload.size(), opts_.max_snapshot_bytes));
  auto lo = std::max<uint64_t>(1, (*c)->newest_snapshot);
  if (snap->seq < lo || snap->seq > *last)
    return make_store_error(store_errc::sequence_gap,
                            fmt::format("snapshot of '{}' at seq {} is outside [{}, {}] "
                                        "(newest snapshot .. last journal seq)",
                                        snap->stream, snap->seq, lo, *last));
  return {};
}

// -- writing ------------------------------------------------------------------

store_status journal_store::write_snapshot_in(write_txn& txn, const stream_record& snap,
                                              size_t& record_bytes) {
  auto record = encode_snapshot(snap.stream, snap.seq, view(snap.payload));
  record_bytes = record.size();
  auto key = make_key(snap.stream, snap.seq);
  if (auto st = txn.put(snapshot_db_, view(key), view(record)); !st) return st;
  auto seqs = list_seqs(txn.handle(), snapshot_db_, snap.stream);
  if (!seqs) return seqs.error();
  // Keep the newest `snapshots_kept` snapshots that still decode; drop the
  // rest, damaged ones first of all. Counting a damaged snapshot as kept would
  // let the journal behind the last good one be truncated: a second damaged
  // snapshot would then leave nothing to recover from.
  size_t kept = 0;
  uint64_t oldest_kept = snap.seq;
  for (size_t i = seqs->size(); i-- > 0;) {
    auto seq = (*seqs)[i].seq;
    auto k = make_key(snap.stream, seq);
    bool keep = false;
    if (kept < opts_.snapshots_kept) {
      if (seq == snap.seq) {
        keep = true;
      } else {
        byte_view value;
        auto found = get(txn.handle(), snapshot_db_, view(k), value);
        if (!found) return found.error();
        decoded_record rec;
        std::string why;
        keep = *found && decode_snapshot(value, snap.stream, seq, rec, why);
      }
    }
    if (keep) {
      ++kept;
      oldest_kept = seq;
    } else if (auto st = txn.del(snapshot_db_, view(k)); !st) {
      return st.error();
    }
  }
  // Drop journal entries that every retained snapshot already covers.
  auto entries = list_seqs(txn.handle(), journal_db_, snap.stream);
  if (!entries) return entries.error();
  for (auto& e : *entries) {
    if (e.seq > oldest_kept) break;
    auto k = make_key(snap.stream, e.seq);
    if (auto st = txn.del(journal_db_, view(k)); !st) return st.error();
  }
  return {};
}

store_result<commit_info> journal_store::commit(const std::vector<stream_record>& appends,
                                                const stream_record* snap) {
  if (auto st = validate(appends, snap); !st) return st.error();
  // Nothing to make durable: skip the fsync.
  if (appends.empty() && snap == nullptr) return commit_info{};
  auto txn = write_txn::begin(env_);
  if (!txn) return txn.error();
  commit_info info;
  for (auto& e : appends) {
    auto key = make_key(e.stream, e.seq);
    auto record = encode_journal_entry(e.stream, e.seq, view(e.payload));
    // NOOVERWRITE: an existing key means our cached last seq is wrong.
    if (auto st = txn->put(journal_db_, view(key), view(record), MDB_NOOVERWRITE); !st)
      return make_store_error(
          st.error().code,
          fmt::format("{} (journal '{}' seq {})", st.error().message, e.stream, e.seq));
  }
  if (snap)
    if (auto st = write_snapshot_in(*txn, *snap, info.snapshot_bytes); !st)
      return st.error();
  if (auto st = txn->commit(); !st) return st.error();
  ++commits_;
  info.entries = appends.size();
  for (auto& e : appends)
    cache_[e.stream].last_seq = e.seq;  // validate() filled the cache
  if (snap) cache_[snap->stream].newest_snapshot = snap->seq;
  return info;
}

store_status journal_store::append_batch(const std::vector<stream_record>& appends) {
  auto r = commit(appends, nullptr);
  if (!r) return r.error();
  return {};
}

store_result<commit_info> journal_store::write_snapshot(const stream_record& snapshot) {
  return commit({}, &snapshot);
}

// -- stats --------------------------------------------------------------------

store_result<store_stats> journal_store::stats() {
  auto txn = read_txn::begin(env_);
  if (!txn) return txn.error();
  std::map<std::string, stream_stats, std::less<>> by_stream;
  auto scan = [&](MDB_dbi db, bool journal) -> store_status {
    auto cur = lmdb_cursor::open(txn->handle(), db);
    if (!cur) return cur.error();
    for (auto ok = cur->first();; ok = cur->next()) {
      if (!ok) return ok.error();
      if (!*ok) return {};
      std::string_view s;
      uint64_t seq = 0;
      if (!parse_key(cur->key(), s, seq)) continue;
      auto& st = by_stream[std::string{s}];
      st.stream = std::string{s};
      st.last_seq = std::max(st.last_seq, seq);
      if (journal) {
        if (st.journal_entries++ == 0) st.first_journal_seq = seq;
      } else {
        st.snapshots.push_back({seq, cur->value().size});
      }
    }
  };
  if (auto st = scan(journal_db_, true); !st) return st.error();
  if (auto st = scan(snapshot_db_, false); !st) return st.error();
  store_stats out;
  for (auto& [name, st] : by_stream) out.streams.push_back(std::move(st));
  auto info = env_.info();
  if (!info) return info.error();
  out.env = *info;
  out.commits = commits_;
  return out;
}

}  // namespace nz::storage
