// Reading scenarios from JSON or CSV text and files. The formats are described in
// docs/simulate.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>

#include "paybench/simulator/scenario.h"

namespace paybench::simulator {

enum class ScenarioFormat { kJson, kCsv };

// The largest scenario file read: 256 MiB, room for kMaxScenarioEvents events of about 250 bytes
// each, which even indented JSON events stay below. A larger file cannot be a valid scenario, so
// it is rejected before it is read.
inline constexpr std::size_t kMaxScenarioFileBytes = std::size_t{256} << 20;

// Returns the format that the file's extension names (.json or .csv, in any letter case), or
// std::nullopt for any other extension.
std::optional<ScenarioFormat> format_from_extension(const std::filesystem::path& path);

// Parses and validates a scenario. `source` names the input in error messages. Throws
// ScenarioError naming the location, the bad value and the expected form, and
// ScenarioError::wrong_kind when the text describes the other component.
BreakerScenario parse_breaker_scenario(std::string_view text, ScenarioFormat format,
                                       std::string_view source);
LimiterScenario parse_limiter_scenario(std::string_view text, ScenarioFormat format,
                                       std::string_view source);

// Reads and parses the file at `path`, in `format`, or in the format that its extension names
// when `format` is std::nullopt. Throws ScenarioError when the file is missing, unreadable or
// larger than kMaxScenarioFileBytes, or when its extension names no format and none is given.
BreakerScenario read_breaker_scenario(const std::filesystem::path& path,
                                      std::optional<ScenarioFormat> format);
LimiterScenario read_limiter_scenario(const std::filesystem::path& path,
                                      std::optional<ScenarioFormat> format);

}  // namespace paybench::simulator
