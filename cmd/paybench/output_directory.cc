#include "output_directory.h"

#include <fmt/chrono.h>
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <system_error>

#include "paybench/reports/atomic_file.h"
#include "paybench/reports/html_report.h"
#include "paybench/reports/result_json.h"
#include "usage_error.h"

namespace paybench::cli {
namespace fs = std::filesystem;
namespace {

std::string utc_timestamp() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y%m%dT%H%M%SZ}", now);
}

// A fresh directory name under the default root; a second run in the same second gets "-2".
fs::path default_directory() {
  const fs::path base = fs::path(OutputDirectory::kDefaultRoot) / utc_timestamp();
  fs::path candidate = base;
  for (int suffix = 2; fs::exists(candidate); ++suffix) {
    candidate = base.string() + "-" + std::to_string(suffix);
  }
  return candidate;
}

// Returns the topmost missing directory on the way to `path`, which create_directories will
// create; empty when `path` exists already.
fs::path first_missing_ancestor(const fs::path& path) {
  fs::path missing;
  for (fs::path current = fs::absolute(path); !current.empty() && !fs::exists(current);
       current = current.parent_path()) {
    missing = current;
    if (current == current.parent_path()) break;
  }
  return missing;
}

void check_writable(const fs::path& directory) {
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    throw UsageError(fmt::format(
        "cannot write to output directory '{}': {}; choose another with --out-dir",
        directory.string(), std::error_code(errno, std::generic_category()).message()));
  }
}

}  // namespace

OutputDirectory OutputDirectory::prepare(const std::string& requested) {
  const bool is_default = requested.empty();
  const fs::path path = is_default ? default_directory() : fs::path(requested);

  if (fs::exists(path) && !fs::is_directory(path)) {
    throw UsageError(fmt::format(
        "output directory '{}' exists and is not a directory; choose another with --out-dir",
        path.string()));
  }
  const fs::path created_root = first_missing_ancestor(path);
  std::error_code error;
  fs::create_directories(path, error);
  if (error) {
    throw UsageError(fmt::format("cannot create output directory '{}': {}; choose another with "
                                 "--out-dir",
                                 path.string(), error.message()));
  }

  OutputDirectory directory(path, created_root, is_default);
  try {
    check_writable(path);
  } catch (...) {
    directory.discard_if_unused();
    throw;
  }
  return directory;
}

void OutputDirectory::write_run_outputs(const reports::Result& result) const {
  reports::write_text_file_atomically(result_path(), reports::to_json(result).dump(2) + "\n");
  // The profile paths in the result are relative to this directory, where the report reads
  // the folded files that its flame graphs embed.
  reports::write_text_file_atomically(report_path(), reports::render_html_report(result, path_));
  if (!is_default_) return;

  // Replace the link atomically: create it under a temporary name, then rename over it.
  const fs::path latest = fs::path(kDefaultRoot) / "latest";
  const fs::path temporary = fs::path(kDefaultRoot) / (".latest." + std::to_string(getpid()));
  std::error_code error;
  fs::remove(temporary, error);
  fs::create_directory_symlink(path_.filename(), temporary, error);
  if (!error) fs::rename(temporary, latest, error);
  if (error) {
    fs::remove(temporary, error);
    fmt::print(stderr, "paybench: warning: could not point {} at {}\n", latest.string(),
               path_.string());
  }
}

void OutputDirectory::discard_if_unused() const {
  if (created_root_.empty()) return;
  std::error_code error;
  // Remove only empty directories, from the run directory up to the topmost one created.
  for (fs::path current = fs::absolute(path_);; current = current.parent_path()) {
    if (!fs::is_empty(current, error) || error) return;
    fs::remove(current, error);
    if (error || current == created_root_) return;
  }
}

}  // namespace paybench::cli
