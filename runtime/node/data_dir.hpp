// The node's data directory (docs/operations.md, "Data directory"):
//   LOCK          flock'ed while a node runs: one node per directory
//   RUNNING       marker present while the node runs; found at start = unclean
//   admin.port    decimal port of the admin gate on 127.0.0.1
//   admin.token   the operator token, mode 0600
//   db/           the LMDB environment
//   logs/         nzcore.log
//   crash/        one report per detected unclean shutdown
// Plain POSIX, no CAF. Errors are returned as messages naming the path.
#pragma once

#include <optional>
#include <string>

namespace nz {

class data_dir {
 public:
  explicit data_dir(std::string root) : root_(std::move(root)) {}
  data_dir(const data_dir&) = delete;
  data_dir& operator=(const data_dir&) = delete;
  ~data_dir();

  const std::string& root() const { return root_; }
  std::string path(const std::string& name) const { return root_ + "/" + name; }

  /// Creates the directory tree (0700) and takes the lock. Returns an error
  /// message, with `locked` set when another process holds the lock.
  std::optional<std::string> open(bool& locked);

  /// The previous run's marker contents if it did not shut down cleanly.
  std::optional<std::string> previous_marker() const;
  std::optional<std::string> write_marker(const std::string& contents);
  void remove_marker();

  /// Writes crash/<unix-ms>-<pid>.txt; returns its path (empty on failure).
  std::string write_crash_report(const std::string& contents) const;

  /// Reads admin.token or creates a fresh random one (64 hex chars, 0600).
  /// A token file readable by group/others is tightened to 0600 with a warning
  /// in `note`.
  std::optional<std::string> load_or_create_token(std::string& token, std::string& note);

  std::optional<std::string> write_port(uint16_t port);
  void remove_port();

 private:
  std::string root_;
  int lock_fd_ = -1;
};

/// Writes `contents` to `path` atomically (temp file, fsync, rename) with `mode`.
std::optional<std::string> write_file_atomic(const std::string& path,
                                             const std::string& contents, unsigned mode);

/// Reads a whole (small) file; nullopt if it cannot be read.
std::optional<std::string> read_small_file(const std::string& path,
                                           size_t max_size = 1 << 20);

}  // namespace nz
