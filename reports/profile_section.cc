#include "profile_section.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "mustache_template.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/folded_stacks.h"
#include "paybench/reports/formatting.h"
#include "paybench/reports/input_error.h"
#include "paybench/reports/input_file.h"
#include "paybench/reports/instance_summary.h"

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;
using Data = kainjow::mustache::data;

bool is_unreserved_url_byte(char c) {
  const bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  const bool is_digit = c >= '0' && c <= '9';
  return is_letter || is_digit || c == '-' || c == '.' || c == '_' || c == '~';
}

// Returns the URL of a file path relative to the report, for an href. Every byte other than an
// unreserved URL character (RFC 3986) or '/' becomes %XX, so a ':' cannot start a scheme such
// as javascript: and a '#', '?' or '%' in a file name stays part of the path. Returns nothing
// for an empty or absolute path, because a report that is moved cannot reach it.
std::optional<std::string> relative_url(const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) {
    return std::nullopt;
  }
  std::string url;
  for (const char c : path) {
    if (is_unreserved_url_byte(c) || c == '/') {
      url += c;
    } else {
      url += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return url;
}

Data link_data(const std::string& label, const std::string& path) {
  const std::optional<std::string> url = relative_url(path);
  Data link;
  link.set("label", label);
  link.set("path", path);
  link.set("has_url", url.has_value());
  link.set("url", url.value_or(""));
  return link;
}

// Returns the links of the non-empty paths among `labelled_paths` (label, path).
Data links_data(const std::vector<std::pair<std::string, std::string>>& labelled_paths) {
  std::vector<Data> links;
  for (const auto& [label, path] : labelled_paths) {
    if (!path.empty()) {
      links.push_back(link_data(label, path));
    }
  }
  return list_of(std::move(links));
}

// One embedded flame graph: its HTML, or the reason there is none. All are empty when the
// section embeds no graphs.
struct Graph {
  std::string html;
  std::string error;  // the folded file cannot be used
  std::string note;   // the folded file has no samples, so a graph would show nothing
};

Data graph_data(const Graph& graph) {
  Data data;
  data.set("has_graph", !graph.html.empty());
  data.set("graph_html", graph.html);
  data.set("has_error", !graph.error.empty());
  data.set("error", graph.error);
  data.set("has_note", !graph.note.empty());
  data.set("note", graph.note);
  return data;
}

// A folded file as the section read it: the profile, or why it could not be used.
struct LoadedProfile {
  std::optional<FoldedProfile> profile;
  std::string error;
};

LoadedProfile load_folded(const fs::path& directory, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) {
    return {std::nullopt,
            fmt::format("profile path invalid: '{}'; expected a path relative to the directory "
                        "of the result file",
                        path)};
  }
  const fs::path full_path = directory / path;

  std::error_code error;
  const fs::file_status status = fs::status(full_path, error);
  if (status.type() == fs::file_type::not_found) {
    return {std::nullopt, "profile file missing: " + path};
  }
  if (error) {
    return {std::nullopt, fmt::format("profile file unreadable: {}: {}", path, error.message())};
  }
  if (fs::is_directory(status)) {
    return {std::nullopt, fmt::format("profile file unreadable: {}: is a directory", path)};
  }

  // Bounded as every reader's input is (kMaxInputFileBytes): the path comes from the result file.
  std::string text;
  try {
    text = read_input_file(full_path, "folded stacks");
  } catch (const InputError& unreadable) {
    return {std::nullopt,
            fmt::format("profile file unreadable: {}: {}", path, unreadable.problem())};
  }

  try {
    return {parse_folded(text, path), ""};
  } catch (const InputError& invalid) {
    return {std::nullopt, std::string("profile file invalid: ") + invalid.what()};
  }
}

std::string samples_text(std::uint64_t samples) {
  return fmt::format("{} {}", samples, samples == 1 ? "sample" : "samples");
}

// The side of a comparison as its title names it: the variant, and for a comparison of two
// allocators also the allocator.
std::string side_name(const std::string& variant, const std::string& allocator,
                      bool by_allocator) {
  return by_allocator ? variant + " under " + allocator : variant;
}

// Returns the parameters and threads of a run name, such as "size:64 batch:1 threads:1" for
// "memory/object_pool/pool/size:64/batch:1/threads:1", in the order the run name has them. The
// allocator:NAME segment of an allocator matrix is left out when `without_allocator` is true.
std::string instance_parameters(const std::string& run_name, bool without_allocator) {
  std::string text;
  std::size_t start = 0;
  while (start <= run_name.size()) {
    const std::size_t slash = std::min(run_name.find('/', start), run_name.size());
    const std::string_view segment = std::string_view(run_name).substr(start, slash - start);
    const bool is_parameter = segment.find(':') != std::string_view::npos;
    const bool is_left_out = without_allocator && segment.starts_with("allocator:");
    if (is_parameter && !is_left_out) {
      text += (text.empty() ? "" : " ") + std::string(segment);
    }
    start = slash + 1;
  }
  return text;
}

class SectionBuilder {
 public:
  SectionBuilder(const Result& result, const std::optional<fs::path>& result_directory)
      : result_(result), result_directory_(result_directory) {}

  ProfileSection build() {
    std::vector<Data> instances;
    std::set<std::pair<std::string, std::string>> seen;  // (run_name, allocator)
    for (const BenchmarkRun& run : result_.benchmarks) {
      const bool has_profile = run.cpu_profile.has_value() || run.heap_profile.has_value();
      if (has_profile && seen.emplace(run.run_name, run.allocator).second) {
        instances.push_back(instance_data(run));
      }
    }

    std::vector<Data> diffs;
    if (result_directory_) {
      for (const Comparison& comparison : result_.comparisons) {
        std::optional<Data> diff = diff_data(comparison);
        if (diff) {
          diffs.push_back(std::move(*diff));
        }
      }
    }

    ProfileSection section;
    section.has_profiles = !instances.empty();
    section.has_flame_graphs = has_flame_graphs_;
    section.data.set("embeds_graphs", result_directory_.has_value());
    section.data.set("instances", list_of(std::move(instances)));
    section.data.set("has_diffs", !diffs.empty());
    section.data.set("diffs", list_of(std::move(diffs)));
    return section;
  }

 private:
  Data instance_data(const BenchmarkRun& run) {
    Data instance;
    instance.set("name", run.run_name);
    instance.set("has_allocator", !run.allocator.empty());
    instance.set("allocator", run.allocator);
    instance.set("has_cpu", run.cpu_profile.has_value());
    instance.set("cpu", run.cpu_profile ? cpu_data(*run.cpu_profile, run.run_name) : Data());
    instance.set("has_heap", run.heap_profile.has_value());
    instance.set("heap", run.heap_profile ? heap_data(*run.heap_profile, run.run_name) : Data());
    return instance;
  }

  Data cpu_data(const CpuProfileFiles& files, const std::string& run_name) {
    Data cpu;
    cpu.set("samples", samples_text(files.samples));
    cpu.set("links", links_data({{"flame graph", files.flamegraph},
                                 {"folded stacks", files.folded},
                                 {"gperftools profile", files.prof}}));

    FlameOptions options;
    options.title = "CPU profile of " + run_name;
    options.subtitle = files.folded;
    cpu.set("graph", graph_data(flame_graph(files.folded, options,
                                            "The folded file has no samples: " + files.folded)));
    return cpu;
  }

  Data heap_data(const HeapProfileFiles& files, const std::string& run_name) {
    Data heap;
    heap.set("has_allocator", !files.allocator.empty());
    heap.set("allocator", files.allocator);
    heap.set("allocs_per_op", format_count(files.allocs_per_op));
    heap.set("bytes_per_op", format_count(files.bytes_per_op));
    heap.set("links", links_data({{"allocation flame graph", files.flamegraph},
                                  {"allocations as folded stacks", files.folded},
                                  {"gperftools heap profile", files.heap}}));

    std::vector<Data> sites;
    for (const AllocationSite& site : files.sites) {
      Data item;
      item.set("function", site.function);
      item.set("allocs_per_op", format_count(site.allocs_per_op));
      item.set("bytes_per_op", format_count(site.bytes_per_op));
      item.set("share", files.allocs_per_op > 0
                            ? format_percent(site.allocs_per_op / files.allocs_per_op)
                            : std::string("-"));
      sites.push_back(std::move(item));
    }
    heap.set("has_sites", !sites.empty());
    heap.set("is_site_list_cut", sites.size() >= kMaxAllocationSites);
    heap.set("max_sites", std::to_string(kMaxAllocationSites));
    heap.set("sites", list_of(std::move(sites)));

    FlameOptions options;
    options.title = "Bytes allocated by " + run_name;
    options.subtitle = files.folded + ": bytes allocated in the measured regions by call stack";
    options.count_unit = "byte";
    options.count_unit_plural = "bytes";
    // Without allocation sites, the note in place of the table reports that nothing was
    // allocated.
    const std::string empty_note =
        files.sites.empty() ? "" : "The folded file has no bytes allocated: " + files.folded;
    heap.set("graph", graph_data(flame_graph(files.folded, options, empty_note)));
    return heap;
  }

  // Returns the differential graph of the comparison, or nothing when a side has no CPU
  // profile.
  std::optional<Data> diff_data(const Comparison& comparison) {
    const BenchmarkRun* baseline =
        cpu_profiled_run(comparison.baseline_run_name, comparison.baseline_allocator);
    const BenchmarkRun* candidate =
        cpu_profiled_run(comparison.candidate_run_name, comparison.candidate_allocator);
    if (baseline == nullptr || candidate == nullptr) {
      return std::nullopt;
    }

    const bool by_allocator = is_allocator_comparison(comparison);
    const std::string title = fmt::format(
        "{} vs {}", side_name(comparison.candidate, comparison.candidate_allocator, by_allocator),
        side_name(comparison.baseline, comparison.baseline_allocator, by_allocator));
    Data diff;
    diff.set("title", title);
    diff.set("workload", comparison.family + "/" + comparison.workload);
    // The title of an allocator comparison names both allocators already.
    diff.set("parameters", instance_parameters(comparison.baseline_run_name, by_allocator));
    diff.set("outcome", format_comparison(comparison));

    const LoadedProfile& base = loaded(baseline->cpu_profile->folded);
    const LoadedProfile& other = loaded(candidate->cpu_profile->folded);
    Graph graph;
    if (!base.profile) {
      graph.error = base.error;
    } else if (!other.profile) {
      graph.error = other.error;
    } else {
      FlameOptions options;
      options.title = title;
      options.subtitle = fmt::format("base: {}, other: {}", comparison.baseline_run_name,
                                     comparison.candidate_run_name);
      graph.html = render_diff(*base.profile, *other.profile, FlameOutput::kHtmlFragment, options);
      has_flame_graphs_ = true;
    }
    diff.set("graph", graph_data(graph));
    return diff;
  }

  // Returns the graph of the folded file at `path`, its error, or `empty_note` when the file
  // has no samples.
  Graph flame_graph(const std::string& path, const FlameOptions& options,
                    const std::string& empty_note) {
    if (!result_directory_) {
      return {};
    }
    const LoadedProfile& profile = loaded(path);
    if (!profile.profile) {
      return {.error = profile.error};
    }
    if (profile.profile->total() == 0) {
      return {.note = empty_note};
    }
    has_flame_graphs_ = true;
    return {.html = render_flamegraph(*profile.profile, FlameOutput::kHtmlFragment, options)};
  }

  // Reads each folded file once: an instance's CPU profile appears in its own graph and in the
  // differential graph of each comparison it takes part in.
  const LoadedProfile& loaded(const std::string& path) {
    auto it = loaded_.find(path);
    if (it == loaded_.end()) {
      it = loaded_.emplace(path, load_folded(*result_directory_, path)).first;
    }
    return it->second;
  }

  const BenchmarkRun* cpu_profiled_run(const std::string& run_name, const std::string& allocator) {
    for (const BenchmarkRun& run : result_.benchmarks) {
      if (run.run_name == run_name && run.allocator == allocator && run.cpu_profile) {
        return &run;
      }
    }
    return nullptr;
  }

  const Result& result_;
  const std::optional<fs::path>& result_directory_;
  std::map<std::string, LoadedProfile> loaded_;  // by the path in the result
  bool has_flame_graphs_ = false;
};

}  // namespace

ProfileSection build_profile_section(const Result& result,
                                     const std::optional<fs::path>& result_directory) {
  return SectionBuilder(result, result_directory).build();
}

}  // namespace paybench::reports
