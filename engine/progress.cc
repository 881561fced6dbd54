#include "paybench/engine/progress.h"

#include <fmt/core.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

namespace {

// Returns the width of the terminal on stderr, or a conventional 80 columns when unknown.
std::size_t terminal_columns() {
  constexpr std::size_t kDefaultColumns = 80;
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return kDefaultColumns;
  return size.ws_col;
}

}  // namespace

void ProgressLine::redraw() {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - started_);
  std::string line = fmt::format("{}[{}/{}] {}:{:02} {}", prefix_, done_runs_, total_runs_,
                                 elapsed.count() / 60, elapsed.count() % 60, current_);

  // A line wider than the terminal would wrap, and \r could then no longer overwrite it.
  const std::size_t columns = terminal_columns();
  if (line.size() >= columns) line.resize(columns - 1);

  // \r returns to the start of the line and \033[K erases the rest of the previous text.
  fmt::print(stderr, "\r\033[K{}", line);
  std::fflush(stderr);
}

}  // namespace paybench::engine
