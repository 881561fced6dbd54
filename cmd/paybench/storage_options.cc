#include "storage_options.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "paybench/engine/storage.h"
#include "paybench/writes/postgres_connection_string.h"
#include "paybench/writes/postgres_sink.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

// Creates and removes a file in `directory`, which proves that the workloads can write there
// (permission bits alone prove nothing when running as root on a read-only mount).
void check_writable_directory(const std::string& directory) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw UsageError(fmt::format("--data-dir '{}' is not an existing directory: create it or "
                                 "pass another one",
                                 directory));
  }

  std::string probe = (fs::path(directory) / "paybench-probe-XXXXXX").string();
  std::vector<char> name(probe.begin(), probe.end());
  name.push_back('\0');
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0) {
    throw UsageError(fmt::format("--data-dir '{}' is not writable: {}; pass a writable directory",
                                 directory, std::strerror(errno)));
  }
  ::close(descriptor);
  ::unlink(name.data());
}

// Connects once, so that an unreachable server fails the run before anything is measured.
void check_postgres_server(const std::string& dsn) {
  try {
    PostgresSink probe(dsn, PostgresWriteMode::kCopy);
  } catch (const SinkError& error) {
    throw UsageError(fmt::format("--pg-dsn '{}': {}", redact_connection_string(dsn),
                                 error.what()));
  }
}

}  // namespace

void apply_storage_options(const std::string& data_dir, const std::string& pg_dsn) {
  if (!data_dir.empty()) {
    check_writable_directory(data_dir);
    ::setenv(engine::kDataDirectoryVariable, data_dir.c_str(), 1);
  }
  if (!pg_dsn.empty()) {
    check_postgres_server(pg_dsn);
    ::setenv(engine::kPostgresDsnVariable, pg_dsn.c_str(), 1);
  }
}

}  // namespace paybench::cli
