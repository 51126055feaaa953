#include "actors/metrics/metrics_registry.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "actors/metrics/exposition.hpp"

namespace nz {

const char* to_string(update_status x) {
  switch (x) {
    case update_status::ok:
      return "ok";
    case update_status::unknown_family:
      return "unknown_family";
    case update_status::bad_labels:
      return "bad_labels";
    case update_status::too_many_series:
      return "too_many_series";
    case update_status::bad_value:
      return "bad_value";
    case update_status::wrong_kind:
      return "wrong_kind";
  }
  return "unknown";
}

const char* to_string(metric_kind x) {
  switch (x) {
    case metric_kind::counter:
      return "counter";
    case metric_kind::gauge:
      return "gauge";
    case metric_kind::histogram:
      return "histogram";
  }
  return "unknown";
}

const char* to_string(declare_status x) {
  switch (x) {
    case declare_status::ok:
      return "ok";
    case declare_status::duplicate_name:
      return "duplicate_name";
    case declare_status::bad_name:
      return "bad_name";
    case declare_status::bad_label_name:
      return "bad_label_name";
    case declare_status::bad_buckets:
      return "bad_buckets";
    case declare_status::bad_initial_series:
      return "bad_initial_series";
  }
  return "unknown";
}

metrics_registry::metrics_registry(size_t max_series_per_family)
    : max_series_(max_series_per_family) {
  // nothing else: the catalog declares every family, including rejected_family
}

// -- declaration --------------------------------------------------------------

namespace {

declare_status check_spec(const family_spec& spec) {
  if (!exposition::valid_metric_name(spec.name)) {
    return declare_status::bad_name;
  }
  std::set<std::string_view> seen;
  for (const auto& l : spec.label_names) {
    if (!exposition::valid_label_name(l) || !seen.insert(l).second
        || (spec.kind == metric_kind::histogram && l == "le")) {
      return declare_status::bad_label_name;
    }
  }
  if (spec.kind == metric_kind::histogram) {
    const auto& b = spec.buckets;
    if (b.empty()
        || !std::all_of(b.begin(), b.end(), [](double x) { return std::isfinite(x); })
        || std::adjacent_find(b.begin(), b.end(), std::greater_equal<>{}) != b.end()) {
      return declare_status::bad_buckets;
    }
  } else if (!spec.buckets.empty()) {
    return declare_status::bad_buckets;
  }
  for (const auto& s : spec.initial_series) {
    if (s.size() != spec.label_names.size()) {
      return declare_status::bad_initial_series;
    }
  }
  return declare_status::ok;
}

}  // namespace

declare_status metrics_registry::declare(family_spec spec) {
  if (auto st = check_spec(spec); st != declare_status::ok) {
    return st;
  }
  if (families_.count(spec.name) > 0) {
    return declare_status::duplicate_name;
  }
  family fam;
  if (spec.label_names.empty()) {
    fam.rows.emplace(label_values{}, make_series(spec));
  }
  for (const auto& s : spec.initial_series) {
    if (fam.rows.size() < max_series_) {
      fam.rows.emplace(s, make_series(spec));
    }
  }
  auto name = spec.name;
  fam.spec = std::move(spec);
  families_.emplace(std::move(name), std::move(fam));
  return declare_status::ok;
}

metrics_registry::series metrics_registry::make_series(const family_spec& spec) {
  series s;
  if (spec.kind == metric_kind::histogram) {
    s.buckets.assign(spec.buckets.size() + 1, 0);
  }
  return s;
}

// -- updates ------------------------------------------------------------------

update_status metrics_registry::reject(update_status reason) {
  ++rejected_[static_cast<size_t>(reason)];
  // Counting a rejection cannot itself be rejected: the family has one label
  // and every reason fits within any sane series bound.
  auto i = families_.find(std::string_view{rejected_family});
  if (i != families_.end() && i->second.spec.kind == metric_kind::counter
      && i->second.spec.label_names.size() == 1) {
    auto& ss = i->second.rows;
    label_values key{to_string(reason)};
    auto j = ss.find(key);
    if (j == ss.end() && ss.size() < max_series_) {
      j = ss.emplace(std::move(key), make_series(i->second.spec)).first;
    }
    if (j != ss.end()) {
      j->second.value += 1;
    }
  }
  return reason;
}

update_status metrics_registry::locate(std::string_view name, const label_values& labels,
                                       op what, double v, family*& fam, series*& out) {
  auto i = families_.find(name);
  if (i == families_.end()) {
    return update_status::unknown_family;
  }
  fam = &i->second;
  auto kind = fam->spec.kind;
  bool kind_ok = (what == op::add && kind != metric_kind::histogram)
                 || (what == op::set && kind == metric_kind::gauge)
                 || (what == op::observe && kind == metric_kind::histogram);
  if (!kind_ok) {
    return update_status::wrong_kind;
  }
  if (labels.size() != fam->spec.label_names.size()) {
    return update_status::bad_labels;
  }
  if (!std::isfinite(v) || (kind == metric_kind::counter && v < 0)) {
    return update_status::bad_value;
  }
  auto j = fam->rows.find(labels);
  if (j == fam->rows.end()) {
    if (fam->rows.size() >= max_series_) {
      return update_status::too_many_series;
    }
    j = fam->rows.emplace(labels, make_series(fam->spec)).first;
  }
  out = &j->second;
  return update_status::ok;
}

update_status metrics_registry::add(std::string_view name, const label_values& labels,
                                    double v) {
  family* fam = nullptr;
  series* s = nullptr;
  if (auto st = locate(name, labels, op::add, v, fam, s); st != update_status::ok) {
    return reject(st);
  }
  s->value += v;
  return update_status::ok;
}

update_status metrics_registry::set(std::string_view name, const label_values& labels,
                                    double v) {
  family* fam = nullptr;
  series* s = nullptr;
  if (auto st = locate(name, labels, op::set, v, fam, s); st != update_status::ok) {
    return reject(st);
  }
  s->value = v;
  return update_status::ok;
}

update_status metrics_registry::observe(std::string_view name, const label_values& labels,
                                        double v) {
  family* fam = nullptr;
  series* s = nullptr;
  if (auto st = locate(name, labels, op::observe, v, fam, s); st != update_status::ok) {
    return reject(st);
  }
  // le is inclusive: the first bound >= v takes the observation; past the last
  // bound it lands in the implicit +Inf bucket (index buckets.size()).
  const auto& bounds = fam->spec.buckets;
  auto idx = std::lower_bound(bounds.begin(), bounds.end(), v) - bounds.begin();
  ++s->buckets[static_cast<size_t>(idx)];
  s->sum += v;
  ++s->count;
  return update_status::ok;
}

// -- inspection ---------------------------------------------------------------

std::optional<double> metrics_registry::value(std::string_view name,
                                              const label_values& labels) const {
  auto i = families_.find(name);
  if (i == families_.end()) {
    return std::nullopt;
  }
  auto j = i->second.rows.find(labels);
  if (j == i->second.rows.end()) {
    return std::nullopt;
  }
  if (i->second.spec.kind == metric_kind::histogram) {
    return static_cast<double>(j->second.count);
  }
  return j->second.value;
}

uint64_t metrics_registry::rejected(update_status reason) const {
  return rejected_[static_cast<size_t>(reason)];
}

std::string metrics_registry::render() const {
  std::string out;
  out.reserve(families_.size() * 160);
  for (const auto& [name, fam] : families_) {
    const auto& spec = fam.spec;
    out += "# HELP ";
    out += name;
    out += ' ';
    exposition::append_help(out, spec.help);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += to_string(spec.kind);
    out += '\n';
    for (const auto& [labels, s] : fam.rows) {
      if (spec.kind != metric_kind::histogram) {
        out += name;
        exposition::append_labels(out, spec.label_names, labels);
        out += ' ';
        out += exposition::format_value(s.value);
        out += '\n';
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t b = 0; b < s.buckets.size(); ++b) {
        cumulative += s.buckets[b];
        auto le = b < spec.buckets.size() ? exposition::format_value(spec.buckets[b])
                                          : std::string{"+Inf"};
        out += name;
        out += "_bucket";
        exposition::append_labels(out, spec.label_names, labels, le);
        out += ' ';
        out += std::to_string(cumulative);
        out += '\n';
      }
      out += name;
      out += "_sum";
      exposition::append_labels(out, spec.label_names, labels);
      out += ' ';
      out += exposition::format_value(s.sum);
      out += '\n';
      out += name;
      out += "_count";
      exposition::append_labels(out, spec.label_names, labels);
      out += ' ';
      out += std::to_string(s.count);
      out += '\n';
    }
  }
  return out;
}

}  // namespace nz
