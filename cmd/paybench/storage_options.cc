#include "storage_options.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
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
// `source` names where the value came from: the option or the environment variable.
void check_writable_directory(const std::string& directory, std::string_view source) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw UsageError(fmt::format("{} '{}' is not an existing directory: create it or "
                                 "pass another one",
                                 source, directory));
  }

  std::string probe = (fs::path(directory) / "paybench-probe-XXXXXX").string();
  std::vector<char> name(probe.begin(), probe.end());
  name.push_back('\0');
  const int descriptor = ::mkstemp(name.data());
  if (descriptor < 0) {
    throw UsageError(fmt::format("{} '{}' is not writable: {}; pass a writable directory",
                                 source, directory, std::strerror(errno)));
  }
  ::close(descriptor);
  ::unlink(name.data());
}

constexpr PostgresWriteMode kProbeMode = PostgresWriteMode::kCopy;

// Connects once, so that an unreachable server fails the run before anything is measured.
void check_postgres_server(const std::string& dsn) {
  try {
    PostgresSink probe(dsn, kProbeMode);
  } catch (const SinkError& error) {
    // The message quotes the redacted connection string already. It starts with the probe sink's
    // name, which means nothing to the user here.
    std::string message = error.what();
    const std::string probe_prefix = "postgres_" + std::string(to_string(kProbeMode)) + ": ";
    if (message.starts_with(probe_prefix)) message.erase(0, probe_prefix.size());
    throw UsageError(fmt::format("--pg-dsn: {}", message));
  }
}

}  // namespace

void apply_storage_options(const std::string& data_dir, const std::string& pg_dsn) {
  if (!data_dir.empty()) {
    check_writable_directory(data_dir, "--data-dir");
    ::setenv(engine::kDataDirectoryVariable, data_dir.c_str(), 1);
  } else if (const char* from_environment = std::getenv(engine::kDataDirectoryVariable);
             from_environment != nullptr && *from_environment != '\0') {
    check_writable_directory(from_environment, engine::kDataDirectoryVariable);
  }
  if (!pg_dsn.empty()) {
    check_postgres_server(pg_dsn);
    ::setenv(engine::kPostgresDsnVariable, pg_dsn.c_str(), 1);
  }
}

}  // namespace paybench::cli
