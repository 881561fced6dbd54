#include "paybench/engine/storage.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace paybench::engine {
namespace {

std::optional<std::string> non_empty_variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

}  // namespace

std::filesystem::path data_directory() {
  if (const std::optional<std::string> directory = non_empty_variable(kDataDirectoryVariable)) {
    return *directory;
  }
  return std::filesystem::temp_directory_path();
}

std::optional<std::string> postgres_dsn() { return non_empty_variable(kPostgresDsnVariable); }

ScratchDirectory::ScratchDirectory(const std::string& name) {
  static std::atomic<unsigned> next_number{0};
  const unsigned number = next_number.fetch_add(1, std::memory_order_relaxed);
  path_ = data_directory() /
          ("paybench-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(number));

  std::error_code error;
  std::filesystem::create_directories(path_, error);
  if (error) {
    throw std::runtime_error("cannot create the scratch directory '" + path_.string() +
                             "': " + error.message() + "; pass a writable directory with " +
                             "--data-dir or " + kDataDirectoryVariable);
  }
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace paybench::engine
