#include "paybench/engine/state.h"

#include <cstdio>
#include <cstdlib>

namespace paybench::engine {

State::State(benchmark::State& state, const std::map<std::string, std::int64_t>& params)
    : state_(state), params_(params) {}

State::~State() {
  if (!in_region_) return;
  leave_measured_region();
  if (state_.thread_index() != 0) return;
  mark_instruction_region_end();
  mark_heap_region_end(0);
}

std::int64_t State::param(std::string_view name) const {
  const auto found = params_.find(std::string(name));
  if (found == params_.end()) {
    std::fprintf(stderr, "paybench: fatal: a variant asked for parameter '%.*s', which its "
                         "workload does not declare\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return found->second;
}

void State::pause_timing() {
  state_.PauseTiming();
  stop_counting(0);
}

void State::resume_timing() {
  start_counting();
  state_.ResumeTiming();
}

void State::skip_with_error(const std::string& message) { state_.SkipWithError(message.c_str()); }

}  // namespace paybench::engine
