#include "list_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>
#include <nlohmann/json.hpp>

#include "benchmark_selection.h"
#include "exit_codes.h"

namespace paybench::cli {
namespace {

// The workloads that have at least one selected instance, in registry order, each with the
// number of its selected benchmarks.
std::vector<std::pair<const engine::Workload*, int>> selected_workloads(
    const std::vector<engine::BenchmarkInstance>& instances) {
  std::vector<std::pair<const engine::Workload*, int>> workloads;
  for (const engine::BenchmarkInstance& instance : instances) {
    if (workloads.empty() || workloads.back().first != instance.workload) {
      workloads.emplace_back(instance.workload, 0);
    }
    ++workloads.back().second;
  }
  return workloads;
}

std::string describe_parameters(const engine::Workload& workload) {
  std::vector<std::string> parts;
  for (const engine::Parameter& parameter : workload.parameters) {
    parts.push_back(fmt::format("{}:{}", parameter.name, fmt::join(parameter.values, ",")));
  }
  parts.push_back(fmt::format("threads:{}", fmt::join(workload.threads, ",")));
  return fmt::format("{}", fmt::join(parts, " "));
}

constexpr std::size_t kMinVariantNameWidth = 24;

// Returns the variants measured for reference but compared with nothing: neither the baseline
// nor a compared variant.
std::vector<std::string> anchor_variants(const engine::Workload& workload) {
  const std::vector<std::string> compared = workload.compared_variants();
  std::vector<std::string> anchors;
  for (const engine::Variant& variant : workload.variants) {
    const bool is_compared =
        std::find(compared.begin(), compared.end(), variant.name) != compared.end();
    if (variant.name != workload.baseline && !is_compared) anchors.push_back(variant.name);
  }
  return anchors;
}

void print_table(const std::vector<std::pair<const engine::Workload*, int>>& workloads) {
  std::string family;
  for (const auto& [workload, benchmark_count] : workloads) {
    if (workload->family != family) {
      // A blank line separates families, but none precedes the first.
      const bool is_first_family = family.empty();
      family = workload->family;
      fmt::print("{}{}\n", is_first_family ? "" : "\n", family);
    }
    fmt::print("  {:<28} {}\n", workload->full_name(), workload->description);

    // Descriptions start in one column per workload, after its longest variant name.
    std::size_t name_width = kMinVariantNameWidth;
    for (const engine::Variant& variant : workload->variants) {
      name_width = std::max(name_width, variant.name.size());
    }
    const std::vector<std::string> anchors = anchor_variants(*workload);
    for (const engine::Variant& variant : workload->variants) {
      const bool is_baseline = variant.name == workload->baseline;
      const bool is_anchor = std::find(anchors.begin(), anchors.end(), variant.name) != anchors.end();
      std::string_view role;
      if (is_baseline) {
        role = " (baseline)";
      } else if (is_anchor) {
        role = " (anchor, not compared)";
      }
      fmt::print("      {:<{}} {}{}\n", variant.name, name_width, variant.description, role);
    }
    const std::string repetitions =
        workload->min_repetitions > 0
            ? fmt::format(", at least {} repetitions each", workload->min_repetitions)
            : "";
    fmt::print("      parameters: {} ({} benchmarks{})\n", describe_parameters(*workload),
               benchmark_count, repetitions);
    for (const engine::Parameter& parameter : workload->parameters) {
      if (!parameter.description.empty()) {
        fmt::print("        {}: {}\n", parameter.name, parameter.description);
      }
    }
  }
}

void print_json(const std::vector<std::pair<const engine::Workload*, int>>& workloads,
                const std::vector<engine::BenchmarkInstance>& instances) {
  nlohmann::ordered_json document = nlohmann::ordered_json::array();
  for (const auto& [workload, benchmark_count] : workloads) {
    nlohmann::ordered_json entry;
    entry["family"] = workload->family;
    entry["workload"] = workload->name;
    entry["name"] = workload->full_name();
    entry["description"] = workload->description;
    entry["baseline"] = workload->baseline;
    entry["compared"] = workload->compared_variants();
    entry["anchors"] = anchor_variants(*workload);
    for (const engine::Variant& variant : workload->variants) {
      entry["variants"].push_back({{"name", variant.name}, {"description", variant.description}});
    }
    entry["parameters"] = nlohmann::ordered_json::object();
    for (const engine::Parameter& parameter : workload->parameters) {
      entry["parameters"][parameter.name] = parameter.values;
    }
    entry["parameter_descriptions"] = nlohmann::ordered_json::object();
    for (const engine::Parameter& parameter : workload->parameters) {
      entry["parameter_descriptions"][parameter.name] = parameter.description;
    }
    entry["threads"] = workload->threads;
    entry["min_repetitions"] = workload->min_repetitions;
    entry["benchmarks"] = nlohmann::ordered_json::array();
    for (const engine::BenchmarkInstance& instance : instances) {
      if (instance.workload == workload) entry["benchmarks"].push_back(instance.name());
    }
    document.push_back(std::move(entry));
  }
  std::cout << document.dump(2) << '\n';
}

}  // namespace

void setup_list_command(CLI::App& app, ListOptions& options) {
  CLI::App* list = app.add_subcommand("list", "List families, workloads, variants and parameters");
  list->add_option("patterns", options.patterns,
                   "Globs over benchmark names, e.g. 'memory/*' or '*/object_pool'");
  list->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"table", "json"}));
}

int run_list_command(const ListOptions& options) {
  const auto instances = select_instances(options.patterns, {});
  const auto workloads = selected_workloads(instances);
  if (options.format == "json") {
    print_json(workloads, instances);
  } else {
    print_table(workloads);
    const std::vector<std::string> unavailable = unavailable_workload_notes();
    if (!unavailable.empty()) {
      fmt::print("\nNot available here:\n");
      for (const std::string& note : unavailable) fmt::print("  {}\n", note);
    }
  }
  return kExitSuccess;
}

}  // namespace paybench::cli
