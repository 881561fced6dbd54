#include "paybench/engine/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <tuple>

namespace paybench::engine {
namespace {

bool is_valid_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void validate(const Workload& workload, const std::vector<std::unique_ptr<Workload>>& existing) {
  const std::string full_name = workload.full_name();
  auto fail = [&](const std::string& problem) {
    throw std::invalid_argument("workload '" + full_name + "': " + problem);
  };

  if (!is_valid_name(workload.family) || !is_valid_name(workload.name)) {
    fail("family and name must be lowercase letters, digits and '_'");
  }
  if (workload.description.empty()) fail("the description is empty");
  if (workload.variants.size() < 2) fail("a workload needs at least two variants to compare");
  if (workload.threads.empty()) fail("the thread list is empty");
  for (int threads : workload.threads) {
    if (threads < 1) fail("thread count " + std::to_string(threads) + " is below 1");
  }

  std::set<std::string> variant_names;
  for (const Variant& variant : workload.variants) {
    if (!is_valid_name(variant.name)) fail("variant name '" + variant.name + "' is invalid");
    if (!variant.run) fail("variant '" + variant.name + "' has no function");
    if (!variant_names.insert(variant.name).second) {
      fail("variant '" + variant.name + "' is declared twice");
    }
  }
  if (!variant_names.contains(workload.baseline)) {
    fail("baseline '" + workload.baseline + "' is not one of its variants");
  }
  for (const std::string& candidate : workload.candidates) {
    if (!variant_names.contains(candidate) || candidate == workload.baseline) {
      fail("candidate '" + candidate + "' is not a variant other than the baseline");
    }
  }

  std::set<std::string> parameter_names;
  for (const Parameter& parameter : workload.parameters) {
    if (!is_valid_name(parameter.name) || parameter.name == "threads" ||
        parameter.name == "allocator") {
      fail("parameter name '" + parameter.name + "' is invalid or reserved");
    }
    if (parameter.values.empty()) fail("parameter '" + parameter.name + "' has no values");
    if (!parameter_names.insert(parameter.name).second) {
      fail("parameter '" + parameter.name + "' is declared twice");
    }
  }

  for (const auto& other : existing) {
    if (other->full_name() == full_name) fail("a workload of that name is already registered");
  }
}

// Every combination of parameter values, the first parameter varying slowest.
std::vector<std::map<std::string, std::int64_t>> parameter_combinations(
    const std::vector<Parameter>& parameters) {
  std::vector<std::map<std::string, std::int64_t>> combinations{{}};
  for (const Parameter& parameter : parameters) {
    std::vector<std::map<std::string, std::int64_t>> extended;
    for (const auto& partial : combinations) {
      for (std::int64_t value : parameter.values) {
        auto combination = partial;
        combination[parameter.name] = value;
        extended.push_back(std::move(combination));
      }
    }
    combinations = std::move(extended);
  }
  return combinations;
}

}  // namespace

std::vector<std::string> Workload::compared_variants() const {
  if (!candidates.empty()) return candidates;
  std::vector<std::string> names;
  for (const Variant& variant : variants) {
    if (variant.name != baseline) names.push_back(variant.name);
  }
  return names;
}

std::string BenchmarkInstance::name_without_threads() const {
  std::string name = workload->full_name() + "/" + variant->name;
  // Parameters appear in the workload's declared order, not the map's alphabetical one.
  for (const Parameter& parameter : workload->parameters) {
    name += "/" + parameter.name + ":" + std::to_string(params.at(parameter.name));
  }
  return name;
}

std::string BenchmarkInstance::name() const {
  return name_without_threads() + "/threads:" + std::to_string(threads);
}

Registration::Registration(Workload workload) {
  try {
    Registry::global().add(std::move(workload));
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "paybench: fatal: invalid workload registration: %s\n", error.what());
    std::abort();
  }
}

Registry& Registry::global() {
  static Registry registry;
  return registry;
}

void Registry::add(Workload workload) {
  validate(workload, workloads_);
  workloads_.push_back(std::make_unique<Workload>(std::move(workload)));
}

std::vector<const Workload*> Registry::workloads() const {
  std::vector<const Workload*> sorted;
  for (const auto& workload : workloads_) sorted.push_back(workload.get());
  std::sort(sorted.begin(), sorted.end(), [](const Workload* a, const Workload* b) {
    return std::tie(a->family, a->name) < std::tie(b->family, b->name);
  });
  return sorted;
}

std::vector<BenchmarkInstance> Registry::instances(
    const std::vector<int>& thread_override,
    const std::map<std::string, std::vector<std::int64_t>>& parameter_override) const {
  std::vector<BenchmarkInstance> instances;
  for (const Workload* workload : workloads()) {
    if (workload->unavailability()) continue;
    const bool override_threads = !thread_override.empty() && workload->multi_threaded();
    const std::vector<int>& thread_counts = override_threads ? thread_override : workload->threads;

    std::vector<Parameter> parameters = workload->parameters;
    for (Parameter& parameter : parameters) {
      const auto replacement = parameter_override.find(parameter.name);
      if (replacement != parameter_override.end()) parameter.values = replacement->second;
    }

    for (const auto& params : parameter_combinations(parameters)) {
      for (int threads : thread_counts) {
        for (const Variant& variant : workload->variants) {
          const bool applies = !variant.applies || variant.applies(params);
          if (applies) instances.push_back({workload, &variant, params, threads});
        }
      }
    }
  }
  return instances;
}

}  // namespace paybench::engine
