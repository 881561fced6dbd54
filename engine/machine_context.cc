#include "paybench/engine/machine_context.h"

#include <sys/utsname.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "paybench/engine/allocator.h"
#include "paybench/engine/build_info.h"

namespace paybench::engine {
namespace {

std::string read_cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (!line.starts_with("model name")) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto start = line.find_first_not_of(' ', colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "unknown";
}

std::string read_kernel() {
  utsname names{};
  if (uname(&names) != 0) return "unknown";
  return std::string(names.sysname) + " " + names.release + " " + names.version;
}

// Google Benchmark's JSON reporter writes the context first, followed by the opening of the
// benchmarks array. Closing that array gives a JSON document with every context field in
// Google Benchmark's own spelling and units, whichever library version is installed.
nlohmann::json benchmark_context_json(const benchmark::BenchmarkReporter::Context& context) {
  std::ostringstream text;
  std::ostringstream errors;
  benchmark::JSONReporter reporter;
  reporter.SetOutputStream(&text);
  reporter.SetErrorStream(&errors);
  reporter.ReportContext(context);
  return nlohmann::json::parse(text.str() + "]}", nullptr, /*allow_exceptions=*/false);
}

}  // namespace

reports::Context collect_context(const benchmark::BenchmarkReporter::Context& benchmark_context) {
  reports::Context context;

  const nlohmann::json document = benchmark_context_json(benchmark_context);
  const nlohmann::json gb = document.is_object() ? document.value("context", nlohmann::json::object())
                                                 : nlohmann::json::object();
  context.date = gb.value("date", "");
  context.host_name = gb.value("host_name", "");
  context.executable = gb.value("executable", "");
  context.num_cpus = gb.value("num_cpus", 0);
  context.mhz_per_cpu = gb.value("mhz_per_cpu", 0.0);
  context.cpu_scaling_enabled = gb.value("cpu_scaling_enabled", false);
  context.library_build_type = gb.value("library_build_type", "");
  for (const auto& cache : gb.value("caches", nlohmann::json::array())) {
    context.caches.push_back({cache.value("type", ""), cache.value("level", 0),
                              cache.value("size", std::int64_t{0}), cache.value("num_sharing", 0)});
  }
  for (const auto& load : gb.value("load_avg", nlohmann::json::array())) {
    if (load.is_number()) context.load_avg.push_back(load.get<double>());
  }

  const BuildInfo& build = build_info();
  context.paybench_version = build.version;
  context.git_commit = build.git_commit;
  context.build_type = build.build_type;
  context.compiler = build.compiler;
  context.compiler_flags = build.compiler_flags;
  if (!build.sanitizer.empty()) {
    context.compiler_flags += " (sanitizer: " + std::string(build.sanitizer) + ")";
  }

  const ActiveAllocator allocator = detect_active_allocator();
  context.allocators.push_back({allocator.name, allocator.version, allocator.library});
  context.cpu_model = read_cpu_model();
  context.cores = static_cast<int>(std::thread::hardware_concurrency());
  context.kernel = read_kernel();
  return context;
}

reports::Context collect_context() {
  // Google Benchmark sets the executable's name in Initialize(), and its JSON reporter reads it.
  static const std::string executable = [] {
    std::error_code error;
    const std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("paybench") : path.string();
  }();
  if (benchmark::BenchmarkReporter::Context::executable_name == nullptr) {
    benchmark::BenchmarkReporter::Context::executable_name = executable.c_str();
  }
  return collect_context(benchmark::BenchmarkReporter::Context());
}

}  // namespace paybench::engine
