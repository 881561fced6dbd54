#include "paybench/engine/progress.h"

#include <fmt/core.h>

namespace paybench::engine {

ProgressLine::ProgressLine(bool enabled, int total_runs, std::string prefix)
    : enabled_(enabled), total_runs_(total_runs), prefix_(std::move(prefix)) {}

void ProgressLine::on_benchmark_start(const std::string& name) {
  if (!enabled_ || name == current_) return;
  current_ = name;
  redraw();
}

void ProgressLine::on_run_done() {
  ++done_runs_;
  if (enabled_) redraw();
}

void ProgressLine::finish() {
  if (!enabled_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void ProgressLine::redraw() {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - started_);
  // \r returns to the start of the line and \033[K erases the rest of the previous text.
  fmt::print(stderr, "\r\033[K{}[{}/{}] {}:{:02} {}", prefix_, done_runs_, total_runs_,
             elapsed.count() / 60, elapsed.count() % 60, current_);
  std::fflush(stderr);
}

}  // namespace paybench::engine
