#include "paybench/reports/input_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "paybench/reports/input_error.h"

namespace paybench::reports {
namespace {

// `size` completes "is ...", such as "2147483648 bytes" or "longer".
[[noreturn]] void fail_too_large(const std::string& source, const std::string& size,
                                 std::size_t max_bytes, std::string_view expected) {
  throw InputError(source, "",
                   "is " + size + " than the " + std::to_string(max_bytes) +
                       " bytes an input may have; expected " + std::string(expected));
}

}  // namespace

std::string read_input_file(const std::filesystem::path& path, std::string_view expected,
                            std::size_t max_bytes) {
  const std::string source = path.string();
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw InputError(source, "", "is a directory; expected " + std::string(expected));
  }

  // A regular file is rejected by its size before any of it is read.
  std::uintmax_t regular_file_bytes = 0;
  if (std::filesystem::is_regular_file(path, error)) {
    regular_file_bytes = std::filesystem::file_size(path, error);
    if (error) regular_file_bytes = 0;
    if (regular_file_bytes > max_bytes) {
      fail_too_large(source, std::to_string(regular_file_bytes) + " bytes, larger", max_bytes,
                     expected);
    }
  }

  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw InputError(source, "", std::string("cannot be opened: ") + std::strerror(errno));
  }

  // Devices and pipes have no size: read them in chunks and stop one byte past the limit.
  constexpr std::size_t kChunkBytes = 64 * 1024;
  std::string content;
  content.reserve(static_cast<std::size_t>(regular_file_bytes));
  char chunk[kChunkBytes];
  while (file) {
    const std::size_t room = max_bytes - content.size();
    const std::size_t request_bytes = room >= kChunkBytes ? kChunkBytes : room + 1;
    file.read(chunk, static_cast<std::streamsize>(request_bytes));
    content.append(chunk, static_cast<std::size_t>(file.gcount()));
    if (content.size() > max_bytes) {
      fail_too_large(source, "longer", max_bytes, expected);
    }
  }
  if (file.bad()) throw InputError(source, "", "reading the file failed");
  return content;
}

}  // namespace paybench::reports
