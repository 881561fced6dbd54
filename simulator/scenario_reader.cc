#include "paybench/simulator/scenario_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "scenario_document.h"

namespace paybench::simulator {
namespace {

namespace fs = std::filesystem;

detail::ScenarioDocument parse_document(std::string_view text, ScenarioFormat format,
                                        std::string_view source) {
  return format == ScenarioFormat::kJson ? detail::parse_json_document(text, source)
                                         : detail::parse_csv_document(text, source);
}

[[noreturn]] void fail_too_large(const fs::path& path, std::string_view size) {
  throw ScenarioError(path.string(), "",
                      fmt::format("is {} than the {} bytes a scenario file may have: expected a "
                                  "scenario of at most {} events",
                                  size, kMaxScenarioFileBytes, kMaxScenarioEvents));
}

std::string read_file_text(const fs::path& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    throw ScenarioError(path.string(), "",
                        "is a directory: expected the path of a scenario file, such as a .json or "
                        ".csv file in it");
  }

  // A regular file is rejected by its size before any of it is read.
  std::uintmax_t regular_file_bytes = 0;
  if (fs::is_regular_file(path, error)) {
    regular_file_bytes = fs::file_size(path, error);
    if (error) regular_file_bytes = 0;
    if (regular_file_bytes > kMaxScenarioFileBytes) {
      fail_too_large(path, fmt::format("{} bytes, larger", regular_file_bytes));
    }
  }

  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ScenarioError(path.string(), "",
                        fmt::format("cannot open the file: {}", std::strerror(errno)));
  }

  // Devices and pipes have no size: read them in chunks and stop one byte past the limit.
  constexpr std::size_t kChunkBytes = 64 * 1024;
  std::string content;
  content.reserve(static_cast<std::size_t>(regular_file_bytes));
  std::vector<char> chunk(kChunkBytes);
  while (file) {
    const std::size_t room = kMaxScenarioFileBytes - content.size();
    const std::size_t request_bytes = room >= kChunkBytes ? kChunkBytes : room + 1;
    file.read(chunk.data(), static_cast<std::streamsize>(request_bytes));
    content.append(chunk.data(), static_cast<std::size_t>(file.gcount()));
    if (content.size() > kMaxScenarioFileBytes) fail_too_large(path, "longer");
  }
  if (file.bad()) throw ScenarioError(path.string(), "", "reading the file failed");
  return content;
}

ScenarioFormat resolve_format(const fs::path& path, std::optional<ScenarioFormat> format) {
  if (format) return *format;
  if (const std::optional<ScenarioFormat> by_extension = format_from_extension(path)) {
    return *by_extension;
  }
  throw ScenarioError(path.string(), "",
                      fmt::format("cannot tell the format from the extension '{}': expected "
                                  ".json or .csv, or a format given explicitly",
                                  path.extension().string()));
}

}  // namespace

std::optional<ScenarioFormat> format_from_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".json") return ScenarioFormat::kJson;
  if (extension == ".csv") return ScenarioFormat::kCsv;
  return std::nullopt;
}

BreakerScenario parse_breaker_scenario(std::string_view text, ScenarioFormat format,
                                       std::string_view source) {
  return detail::breaker_scenario_from(parse_document(text, format, source));
}

LimiterScenario parse_limiter_scenario(std::string_view text, ScenarioFormat format,
                                       std::string_view source) {
  return detail::limiter_scenario_from(parse_document(text, format, source));
}

BreakerScenario read_breaker_scenario(const fs::path& path, std::optional<ScenarioFormat> format) {
  const std::string text = read_file_text(path);
  return parse_breaker_scenario(text, resolve_format(path, format), path.string());
}

LimiterScenario read_limiter_scenario(const fs::path& path, std::optional<ScenarioFormat> format) {
  const std::string text = read_file_text(path);
  return parse_limiter_scenario(text, resolve_format(path, format), path.string());
}

}  // namespace paybench::simulator
