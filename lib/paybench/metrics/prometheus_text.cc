#include "paybench/metrics/prometheus_text.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstddef>

namespace paybench::prometheus {
namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

void append_integer(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

void append_escaped(std::string& out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// Appends {name="value",...}, with le="<le>" last when `le` is not empty, or nothing when there
// is no label at all.
void append_label_set(std::string& out, const LabelPairs& labels, std::string_view le) {
  if (labels.empty() && le.empty()) {
    return;
  }

  out += '{';
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) {
      out += ',';
    }
    out += label;
    out += "=\"";
    append_escaped(out, value, /*escape_quote=*/true);
    out += '"';
    first = false;
  }
  if (!le.empty()) {
    out += first ? "le=\"" : ",le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

// Appends everything of a sample line before its value: the name, the suffix, the labels and a
// space.
void append_sample_start(std::string& out, std::string_view name, std::string_view suffix,
                         const LabelPairs& labels, std::string_view le) {
  out += name;
  out += suffix;
  append_label_set(out, labels, le);
  out += ' ';
}

}  // namespace

bool is_valid_metric_name(std::string_view name) noexcept {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool is_allowed =
        is_ascii_letter(c) || c == '_' || c == ':' || (i > 0 && is_ascii_digit(c));
    if (!is_allowed) {
      return false;
    }
  }
  return true;
}

bool is_valid_label_name(std::string_view name) noexcept {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool is_allowed = is_ascii_letter(c) || c == '_' || (i > 0 && is_ascii_digit(c));
    if (!is_allowed) {
      return false;
    }
  }
  return true;
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

void append_help_line(std::string& out, std::string_view name, std::string_view help) {
  if (help.empty()) {
    return;
  }
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, /*escape_quote=*/false);
  out += '\n';
}

void append_type_line(std::string& out, std::string_view name, std::string_view type) {
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_counter_sample(std::string& out, std::string_view name, const LabelPairs& labels,
                           std::uint64_t value) {
  append_sample_start(out, name, "", labels, "");
  append_integer(out, value);
  out += '\n';
}

void append_gauge_sample(std::string& out, std::string_view name, const LabelPairs& labels,
                         double value) {
  append_sample_start(out, name, "", labels, "");
  append_value(out, value);
  out += '\n';
}

void append_histogram_samples(std::string& out, std::string_view name, const LabelPairs& labels,
                              const std::vector<double>& upper_bounds,
                              const HistogramSnapshot& snapshot) {
  assert(snapshot.bucket_counts.size() == upper_bounds.size() + 1 &&
         "append_histogram_samples needs one bucket count per bound plus the overflow bucket");

  std::uint64_t cumulative = 0;
  std::string le;
  for (std::size_t index = 0; index < upper_bounds.size(); ++index) {
    cumulative += snapshot.bucket_counts[index];
    le.clear();
    append_value(le, upper_bounds[index]);
    append_sample_start(out, name, "_bucket", labels, le);
    append_integer(out, cumulative);
    out += '\n';
  }

  append_sample_start(out, name, "_bucket", labels, "+Inf");
  append_integer(out, snapshot.count);
  out += '\n';

  append_sample_start(out, name, "_sum", labels, "");
  append_value(out, snapshot.sum);
  out += '\n';

  append_sample_start(out, name, "_count", labels, "");
  append_integer(out, snapshot.count);
  out += '\n';
}

}  // namespace paybench::prometheus
