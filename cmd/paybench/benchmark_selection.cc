#include "benchmark_selection.h"

#include <fmt/format.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "paybench/engine/pattern.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

// Families, workloads and variants, the names a user is likely to have meant.
std::vector<std::string> suggestion_candidates() {
  std::set<std::string> names;
  for (const engine::Workload* workload : engine::Registry::global().workloads()) {
    names.insert(workload->family);
    names.insert(workload->full_name());
    for (const engine::Variant& variant : workload->variants) {
      names.insert(workload->full_name() + "/" + variant.name);
    }
  }
  return {names.begin(), names.end()};
}

// Returns "<workload>: <reason>" for each unavailable workload that `pattern` would select.
std::vector<std::string> unavailable_matches(const std::string& pattern) {
  std::vector<std::string> matches;
  for (const engine::Workload* workload : engine::Registry::global().workloads()) {
    const std::optional<std::string> reason = workload->unavailability();
    if (!reason) continue;
    bool selected = engine::pattern_matches(pattern, workload->full_name());
    for (const engine::Variant& variant : workload->variants) {
      selected = selected ||
                 engine::pattern_matches(pattern, workload->full_name() + "/" + variant.name);
    }
    if (selected) matches.push_back(workload->full_name() + ": " + *reason);
  }
  return matches;
}

}  // namespace

std::vector<std::string> unavailable_workload_notes() {
  std::vector<std::string> notes;
  for (const engine::Workload* workload : engine::Registry::global().workloads()) {
    if (const std::optional<std::string> reason = workload->unavailability()) {
      notes.push_back(workload->full_name() + ": " + *reason);
    }
  }
  return notes;
}

// Throws UsageError unless every overridden parameter is declared by a selected workload.
void check_parameter_override(const std::vector<engine::BenchmarkInstance>& selected,
                              const std::map<std::string, std::vector<std::int64_t>>& override) {
  std::set<std::string> declared;
  for (const engine::BenchmarkInstance& instance : selected) {
    for (const engine::Parameter& parameter : instance.workload->parameters) {
      declared.insert(parameter.name);
    }
  }
  for (const auto& [name, values] : override) {
    if (declared.contains(name)) continue;
    throw UsageError(fmt::format(
        "invalid --param '{}': no selected workload has a parameter of that name; the selected "
        "workloads have: {}",
        name, declared.empty() ? "none" : fmt::format("{}", fmt::join(declared, ", "))));
  }
}

std::vector<engine::BenchmarkInstance> select_instances(
    const std::vector<std::string>& patterns, const std::vector<int>& thread_override,
    const std::map<std::string, std::vector<std::int64_t>>& parameter_override) {
  std::vector<engine::BenchmarkInstance> all =
      engine::Registry::global().instances(thread_override, parameter_override);
  if (patterns.empty()) {
    check_parameter_override(all, parameter_override);
    return all;
  }

  std::vector<bool> pattern_used(patterns.size(), false);
  std::vector<engine::BenchmarkInstance> selected;
  for (engine::BenchmarkInstance& instance : all) {
    const std::string name = instance.name();
    bool matched = false;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      if (engine::pattern_matches(patterns[i], name)) {
        pattern_used[i] = true;
        matched = true;
      }
    }
    if (matched) selected.push_back(std::move(instance));
  }

  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (pattern_used[i]) continue;
    const std::vector<std::string> unavailable = unavailable_matches(patterns[i]);
    if (!unavailable.empty()) {
      throw UsageError(fmt::format("pattern '{}' selects only workloads that cannot run here: {}",
                                   patterns[i], fmt::join(unavailable, "; ")));
    }
    std::string message = fmt::format("pattern '{}' matches no benchmark", patterns[i]);
    const auto suggestions = engine::suggest_close_matches(patterns[i], suggestion_candidates());
    if (!suggestions.empty()) {
      message += fmt::format("; did you mean {}?", fmt::join(suggestions, ", "));
    }
    message += "\n'paybench list' shows every workload";
    throw UsageError(message);
  }
  check_parameter_override(selected, parameter_override);
  return selected;
}

}  // namespace paybench::cli
