// Storage settings of the write workloads: the directory for their files and the PostgreSQL
// server they may use.
//
// `paybench run --data-dir DIR` and `--pg-dsn DSN` pass their values on as the environment
// variables below, so that the child processes of an allocator run see them too. A user may
// also set the variables directly.

#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace paybench::engine {

inline constexpr const char* kDataDirectoryVariable = "PAYBENCH_DATA_DIR";
inline constexpr const char* kPostgresDsnVariable = "PAYBENCH_PG_DSN";

// Returns $PAYBENCH_DATA_DIR when it is set and not empty, else the system's temporary directory.
[[nodiscard]] std::filesystem::path data_directory();

// Returns $PAYBENCH_PG_DSN when it is set and not empty: a libpq connection string.
[[nodiscard]] std::optional<std::string> postgres_dsn();

// A fresh directory under data_directory(), removed with everything in it on destruction (a
// failure to remove it is ignored, because a destructor cannot report it).
class ScratchDirectory {
 public:
  // Creates "paybench-<name>-<pid>-<n>" under data_directory(). Throws std::runtime_error naming
  // the path and the system's message when it cannot be created.
  explicit ScratchDirectory(const std::string& name);
  ~ScratchDirectory();

  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace paybench::engine
