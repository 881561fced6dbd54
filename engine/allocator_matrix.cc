#include "paybench/engine/allocator_matrix.h"

namespace paybench::engine {

std::string run_name_with_allocator(const std::string& run_name, const std::string& allocator) {
  const std::string segment = "/allocator:" + allocator;
  const std::size_t threads = run_name.rfind("/threads:");
  if (threads == std::string::npos) return run_name + segment;
  return run_name.substr(0, threads) + segment + run_name.substr(threads);
}

reports::Result merge_allocator_results(const std::vector<reports::Result>& results) {
  reports::Result merged;
  if (results.empty()) return merged;

  merged.context = results.front().context;
  merged.context.allocators.clear();
  for (const reports::Result& result : results) {
    merged.context.allocators.insert(merged.context.allocators.end(),
                                     result.context.allocators.begin(),
                                     result.context.allocators.end());
    for (reports::BenchmarkRun run : result.benchmarks) {
      run.run_name = run_name_with_allocator(run.run_name, run.allocator);
      const bool is_aggregate = run.run_type == reports::RunType::kAggregate;
      run.name = is_aggregate ? run.run_name + "_" + run.aggregate_name : run.run_name;
      merged.benchmarks.push_back(std::move(run));
    }
  }
  return merged;
}

}  // namespace paybench::engine
