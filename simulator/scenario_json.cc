// Parsing of JSON scenario files into a ScenarioDocument.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "scenario_document.h"

namespace paybench::simulator::detail {
namespace {

using nlohmann::json;

// Tracks the JSON path of the value being parsed, so that a key that appears twice in one object
// is reported at its path. nlohmann::json keeps only the last of duplicate keys, which would
// silently drop a setting.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& source) : source_(source) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        containers_.push_back(Container{child_path(), event == json::parse_event_t::array_start});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        containers_.pop_back();
        break;
      case json::parse_event_t::key:
        record_key(parsed.get<std::string>());
        break;
      case json::parse_event_t::value:
        child_path();
        break;
    }
    return true;
  }

 private:
  struct Container {
    std::string path;
    bool is_array = false;
    std::size_t next_index = 0;  // arrays: the index of the next element
    std::string key;             // objects: the key whose value comes next
    std::set<std::string> keys;  // objects: the keys seen so far
  };

  // Returns the path of the value that starts now, and moves an array on to its next element.
  std::string child_path() {
    if (containers_.empty()) return "";
    Container& parent = containers_.back();
    if (parent.is_array) return fmt::format("{}[{}]", parent.path, parent.next_index++);
    return parent.path.empty() ? parent.key : fmt::format("{}.{}", parent.path, parent.key);
  }

  void record_key(const std::string& key) {
    Container& object = containers_.back();
    object.key = key;
    if (!object.keys.insert(key).second) {
      throw ScenarioError(source_, child_path(),
                          "duplicate key: expected each key at most once in an object");
    }
  }

  const std::string& source_;
  std::vector<Container> containers_;
};

// Converts nlohmann's byte position into a line and column, both 1-based. The position is that
// of the last character read, which is the end of the token that made the parse fail.
std::string line_and_column(std::string_view text, std::size_t byte) {
  const std::size_t position = std::min(byte == 0 ? 0 : byte - 1, text.size());
  const std::string_view before = text.substr(0, position);
  const std::size_t line =
      1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  const std::size_t column =
      line_start == std::string_view::npos ? position + 1 : position - line_start;
  return fmt::format("line {}, column {}", line, column);
}

// Strips nlohmann's prefix, such as "[json.exception.parse_error.101] parse error at line 1,
// column 2: ", whose position this reader reports itself.
std::string parse_problem(const json::exception& error) {
  std::string message = error.what();

  const std::size_t id_end = message.find("] ");
  if (message.starts_with("[json.exception.") && id_end != std::string::npos) {
    message.erase(0, id_end + 2);
  }
  const std::size_t position_end = message.find(": ");
  if (message.starts_with("parse error at ") && position_end != std::string::npos) {
    message.erase(0, position_end + 2);
  }
  return message;
}

}  // namespace

ScenarioDocument parse_json_document(std::string_view text, std::string_view source) {
  ScenarioDocument document;
  document.source = std::string(source);
  document.format = ScenarioFormat::kJson;

  try {
    document.root = json::parse(text, DuplicateKeyCheck(document.source));
  } catch (const json::parse_error& error) {
    document.fail(line_and_column(text, error.byte),
                  fmt::format("invalid JSON: {}", parse_problem(error)));
  } catch (const json::exception& error) {
    // A number too large for a double, such as 1e400, fails without a position.
    document.fail("", fmt::format("invalid JSON: {}", parse_problem(error)));
  }

  if (!document.root.is_object()) {
    document.fail("", fmt::format("expected a JSON object with \"config\" and \"events\", found {}",
                                  document.root.type_name()));
  }
  return document;
}

}  // namespace paybench::simulator::detail
