// In-memory registry of metric families (counter, gauge, histogram) and their
// series, rendered as Prometheus text exposition format 0.0.4. Pure: no CAF, no I/O.
//
// Threading: not synchronized. One owner (the metrics actor) calls everything.
//
// Contracts:
//   - Families are declared once (`declare`); updates never create families.
//   - Updates never throw and never grow memory without bound: an update naming an
//     unknown family, the wrong kind, the wrong number of label values, a bad value
//     (NaN, infinity, negative counter increment) or a new label set past
//     `max_series_per_family` is dropped, returns the reason, and is counted in
//     `nzcore_metrics_rejected_updates_total{reason}` when that family is declared
//     (and always in `rejected(reason)`).
//   - `render` orders families by name and series by label values, so the output
//     is stable for equal contents.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nz {

enum class metric_kind : uint8_t { counter, gauge, histogram };

/// Outcome of one update. Everything but `ok` means the update was dropped.
enum class update_status : uint8_t {
  /// The update was applied.
  ok,
  /// No family of that name was declared.
  unknown_family,
  /// The number of label values differs from the family's label names.
  bad_labels,
  /// The family already holds `max_series_per_family` label sets.
  too_many_series,
  /// NaN, an infinity, or a negative counter increment.
  bad_value,
  /// The operation does not apply to the family's kind (e.g. set on a counter).
  wrong_kind,
};

constexpr size_t update_status_count = 6;

/// The `reason` label value for a rejection, e.g. "too_many_series".
const char* to_string(update_status x);
const char* to_string(metric_kind x);

/// Static description of one family, as listed in the catalog.
struct family_spec {
  std::string name;
  std::string help;
  metric_kind kind = metric_kind::gauge;
  std::vector<std::string> label_names;
  /// Histograms only: strictly increasing, finite upper bounds (le, inclusive).
  /// The +Inf bucket is implicit.
  std::vector<double> buckets;
  /// Label sets rendered with value 0 from the start (e.g. every known reason).
  std::vector<std::vector<std::string>> initial_series;
};

/// Why `declare` refused a spec.
enum class declare_status : uint8_t {
  ok,
  duplicate_name,
  bad_name,        ///< not [a-zA-Z_:][a-zA-Z0-9_:]*
  bad_label_name,  ///< not [a-zA-Z_][a-zA-Z0-9_]*, starts with "__", repeated, or
                   ///< "le" on a histogram
  bad_buckets,     ///< histogram without buckets, or not strictly increasing/finite
  bad_initial_series,
};

const char* to_string(declare_status x);

class metrics_registry {
 public:
  using label_values = std::vector<std::string>;

  static constexpr size_t default_max_series = 64;
  static constexpr const char* rejected_family = "nzcore_metrics_rejected_updates_total";

  explicit metrics_registry(size_t max_series_per_family = default_max_series);

  // -- declaration ------------------------------------------------------------

  /// Adds a family. Families without labels get their single series at once.
  [[nodiscard]] declare_status declare(family_spec spec);

  // -- updates ----------------------------------------------------------------

  /// Counter: adds v >= 0. Gauge: adds any finite v.
  update_status add(std::string_view name, const label_values& labels, double v);

  /// Gauge: sets the value to finite v.
  update_status set(std::string_view name, const label_values& labels, double v);

  /// Histogram: records one finite observation v.
  update_status observe(std::string_view name, const label_values& labels, double v);

  // -- inspection -------------------------------------------------------------

  /// Prometheus text exposition format 0.0.4 of every family.
  std::string render() const;

  /// Current value of a counter or gauge series, or of a histogram's sample
  /// count; nullopt if the family or series does not exist.
  std::optional<double> value(std::string_view name, const label_values& labels) const;

  /// Number of updates dropped for `reason` since construction.
  uint64_t rejected(update_status reason) const;

  size_t family_count() const { return families_.size(); }
  size_t max_series_per_family() const { return max_series_; }

 private:
  struct series {
    double value = 0;               // counter, gauge
    std::vector<uint64_t> buckets;  // histogram: per-bucket (not cumulative), +Inf last
    double sum = 0;                 // histogram
    uint64_t count = 0;             // histogram
  };

  struct family {
    family_spec spec;
    std::map<label_values, series> rows;  // by label values
  };

  using family_map = std::map<std::string, family, std::less<>>;

  /// Finds the family and the series for `labels`, creating the series if the
  /// bound allows. Checks kind and label count. On failure returns the reason.
  enum class op : uint8_t { add, set, observe };
  update_status locate(std::string_view name, const label_values& labels, op what,
                       double v, family*& fam, series*& out);
  update_status reject(update_status reason);
  static series make_series(const family_spec& spec);

  size_t max_series_;
  family_map families_;
  std::array<uint64_t, update_status_count> rejected_{};
};

}  // namespace nz
