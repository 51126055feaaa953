// Building blocks of the Prometheus text exposition format 0.0.4: number
// formatting and the escaping rules for HELP text and label values. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nz::exposition {

/// Formats a sample value or bucket bound: integral values (|v| < 2^53) without
/// exponent or fraction ("3", "-12"), other finite values in the shortest form
/// that round-trips ("0.25", "5e-05"), infinities as "+Inf"/"-Inf", NaN as "NaN".
std::string format_value(double v);

/// Appends HELP text with backslash and newline escaped (\\, \n).
void append_help(std::string& out, std::string_view help);

/// Appends a label value with backslash, double quote and newline escaped.
void append_label_value(std::string& out, std::string_view value);

/// Appends `{n1="v1",n2="v2"}` (nothing if there are no labels and no `le`).
/// `le`, if not empty, is appended as the last label (histogram buckets).
/// REQUIRES: names.size() == values.size().
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view le = {});

/// True if `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*.
bool valid_metric_name(std::string_view name);

/// True if `name` matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__".
bool valid_label_name(std::string_view name);

}  // namespace nz::exposition
