// The directory a run writes its result.json and report.html into.
#pragma once

#include <filesystem>
#include <string>

#include "paybench/reports/result.h"

namespace paybench::cli {

class OutputDirectory {
 public:
  // The parent of default run directories, relative to the working directory.
  static constexpr const char* kDefaultRoot = "paybench-results";

  // Creates `requested`, or paybench-results/<UTC timestamp> when it is empty, and checks that
  // a file can be written there. Throws UsageError naming the directory when it cannot.
  static OutputDirectory prepare(const std::string& requested);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path result_path() const { return path_ / "result.json"; }
  std::filesystem::path report_path() const { return path_ / "report.html"; }

  // Writes result.json and report.html, each to a temporary file that is then renamed, and
  // for a default directory points paybench-results/latest at it. The report embeds the flame
  // graphs of the profiles that `result` references in this directory.
  void write_run_outputs(const reports::Result& result) const;

  // Removes the directory when prepare() created it and nothing has been written into it, so
  // a run that stops on a usage error leaves nothing behind.
  void discard_if_unused() const;

 private:
  OutputDirectory(std::filesystem::path path, std::filesystem::path created_root, bool is_default)
      : path_(std::move(path)), created_root_(std::move(created_root)), is_default_(is_default) {}

  std::filesystem::path path_;
  std::filesystem::path created_root_;  // the topmost directory prepare() created, or empty
  bool is_default_ = false;
};

}  // namespace paybench::cli
