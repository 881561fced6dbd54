#include "paybench/reports/input_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "paybench/reports/input_error.h"

namespace paybench::reports {

std::string read_input_file(const std::filesystem::path& path, std::string_view expected) {
  const std::string source = path.string();
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw InputError(source, "", "is a directory; expected " + std::string(expected));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw InputError(source, "", std::string("cannot be opened: ") + std::strerror(errno));
  }
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) throw InputError(source, "", "reading the file failed");
  return std::move(content).str();
}

}  // namespace paybench::reports
