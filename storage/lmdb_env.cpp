#include "storage/lmdb_env.hpp"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

namespace nz::storage {

store_error lmdb_error(std::string_view call, int rc) {
  std::string msg{call};
  msg += ": ";
  msg += mdb_strerror(rc);
  return make_store_error(store_errc::lmdb_failure, std::move(msg));
}

// -- lmdb_env -----------------------------------------------------------------

lmdb_env::lmdb_env(lmdb_env&& other) noexcept
    : env_(other.env_), dir_(std::move(other.dir_)) {
  other.env_ = nullptr;
}

lmdb_env& lmdb_env::operator=(lmdb_env&& other) noexcept {
  if (this != &other) {
    close();
    env_ = other.env_;
    dir_ = std::move(other.dir_);
    other.env_ = nullptr;
  }
  return *this;
}

store_result<lmdb_env> lmdb_env::open(const std::string& dir, size_t map_size,
                                      unsigned max_dbs) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return make_store_error(store_errc::lmdb_failure,
                            "mkdir " + dir + ": " + std::strerror(errno));
  lmdb_env result;
  int rc = mdb_env_create(&result.env_);
  if (rc != 0) {
    result.env_ = nullptr;
    return lmdb_error("mdb_env_create", rc);
  }
  if (map_size > 0 && (rc = mdb_env_set_mapsize(result.env_, map_size)) != 0)
    return lmdb_error("mdb_env_set_mapsize", rc);
  if ((rc = mdb_env_set_maxdbs(result.env_, max_dbs)) != 0)
    return lmdb_error("mdb_env_set_maxdbs", rc);
  if ((rc = mdb_env_open(result.env_, dir.c_str(), MDB_NOTLS, 0600)) != 0)
    return lmdb_error("mdb_env_open " + dir, rc);  // result's dtor closes the env
  result.dir_ = dir;
  return result;
}

store_result<MDB_dbi> lmdb_env::open_db(const char* name) {
  auto txn = write_txn::begin(*this);
  if (!txn) return txn.error();
  MDB_dbi dbi = 0;
  if (int rc = mdb_dbi_open(txn->handle(), name, MDB_CREATE, &dbi); rc != 0)
    return lmdb_error(std::string{"mdb_dbi_open "} + name, rc);
  if (auto st = txn->commit(); !st) return st.error();
  return dbi;
}

store_result<env_info> lmdb_env::info() const {
  if (!env_) return make_store_error(store_errc::closed, "environment is closed");
  MDB_envinfo ei;
  if (int rc = mdb_env_info(env_, &ei); rc != 0) return lmdb_error("mdb_env_info", rc);
  MDB_stat st;
  if (int rc = mdb_env_stat(env_, &st); rc != 0) return lmdb_error("mdb_env_stat", rc);
  env_info out;
  out.map_size = ei.me_mapsize;
  out.page_size = st.ms_psize;
  out.used_bytes = (ei.me_last_pgno + 1) * static_cast<size_t>(st.ms_psize);
  return out;
}

void lmdb_env::close() {
  if (env_) {
    mdb_env_close(env_);
    env_ = nullptr;
  }
}

// -- write_txn ----------------------------------------------------------------

store_result<write_txn> write_txn::begin(lmdb_env& env) {
  if (!env.is_open())
    return make_store_error(store_errc::closed, "environment is closed");
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env.handle(), nullptr, 0, &txn); rc != 0)
    return lmdb_error("mdb_txn_begin", rc);
  return write_txn{txn};
}

store_status write_txn::put(MDB_dbi db, byte_view key, byte_view value, unsigned flags) {
  auto k = to_val(key);
  auto v = to_val(value);
  if (int rc = mdb_put(txn_, db, &k, &v, flags); rc != 0)
    return lmdb_error("mdb_put", rc);
  return {};
}

store_result<bool> write_txn::del(MDB_dbi db, byte_view key) {
  auto k = to_val(key);
  int rc = mdb_del(txn_, db, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_error("mdb_del", rc);
  return true;
}

store_status write_txn::commit() {
  auto* txn = txn_;
  txn_ = nullptr;
  if (int rc = mdb_txn_commit(txn); rc != 0) return lmdb_error("mdb_txn_commit", rc);
  return {};
}

void write_txn::abort() {
  if (txn_) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
}

// -- read_txn -----------------------------------------------------------------

store_result<read_txn> read_txn::begin(const lmdb_env& env) {
  if (!env.is_open())
    return make_store_error(store_errc::closed, "environment is closed");
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env.handle(), nullptr, MDB_RDONLY, &txn); rc != 0)
    return lmdb_error("mdb_txn_begin(MDB_RDONLY)", rc);
  return read_txn{txn};
}

read_txn::~read_txn() {
  if (txn_) mdb_txn_abort(txn_);
}

store_result<bool> get(MDB_txn* txn, MDB_dbi db, byte_view key, byte_view& value) {
  auto k = to_val(key);
  MDB_val v{0, nullptr};
  int rc = mdb_get(txn, db, &k, &v);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_error("mdb_get", rc);
  value = from_val(v);
  return true;
}

// -- lmdb_cursor --------------------------------------------------------------

store_result<lmdb_cursor> lmdb_cursor::open(MDB_txn* txn, MDB_dbi db) {
  MDB_cursor* cur = nullptr;
  if (int rc = mdb_cursor_open(txn, db, &cur); rc != 0)
    return lmdb_error("mdb_cursor_open", rc);
  return lmdb_cursor{cur};
}

lmdb_cursor::~lmdb_cursor() {
  if (cur_) mdb_cursor_close(cur_);
}

store_result<bool> lmdb_cursor::move(MDB_cursor_op op, const byte_view* key) {
  if (key) key_ = to_val(*key);
  int rc = mdb_cursor_get(cur_, &key_, &val_, op);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return lmdb_error("mdb_cursor_get", rc);
  return true;
}

}  // namespace nz::storage
