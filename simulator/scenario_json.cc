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

// The deepest nesting of arrays and objects accepted. A scenario needs three levels (the file,
// "config" or "events", and ready_to_trip or one event); deeper input is a mistake or hostile.
constexpr std::size_t kMaxNestingDepth = 32;

// A first pass over the text that builds nothing: it rejects a key that appears twice in one
// object, at its JSON path, because nlohmann::json keeps only the last of duplicate keys and would
// silently drop a setting. It also rejects nesting deeper than kMaxNestingDepth.
//
// NOTE: nlohmann's parse() with a callback would do this in one pass, but each object that ends
// makes that parser scan its parent for discarded values, so an events array of n objects takes
// time in n squared (nlohmann 3.11).
class ScenarioJsonCheck : public nlohmann::json_sax<json> {
 public:
  explicit ScenarioJsonCheck(const std::string& source) : source_(source) {}

  bool null() override { return value(); }
  bool boolean(bool /*value*/) override { return value(); }
  bool number_integer(number_integer_t /*value*/) override { return value(); }
  bool number_unsigned(number_unsigned_t /*value*/) override { return value(); }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return value(); }
  bool string(string_t& /*value*/) override { return value(); }
  bool binary(binary_t& /*value*/) override { return value(); }

  bool start_object(std::size_t /*elements*/) override { return start_container(false); }
  bool start_array(std::size_t /*elements*/) override { return start_container(true); }
  bool end_object() override { return end_container(); }
  bool end_array() override { return end_container(); }

  bool key(string_t& name) override {
    Container& object = containers_.back();
    object.key = name;
    if (!object.keys.insert(name).second) {
      throw ScenarioError(source_, path_of(Segment{.key = name, .is_key = true}),
                          "duplicate key: expected each key at most once in an object");
    }
    return true;
  }

  // Stops the check at a syntax error or a number beyond a double.
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

 private:
  // One step of a path: an object's key or an array's index. The root has neither.
  struct Segment {
    std::string key;
    std::size_t index = 0;
    bool is_key = false;
    bool is_index = false;
  };

  // Each container keeps only its own segment, so that memory grows linearly with the depth.
  struct Container {
    Segment segment;  // how the parent names this container; neither key nor index for the root
    bool is_array = false;
    std::size_t next_index = 0;  // arrays: the index of the next element
    std::string key;             // objects: the key whose value comes next
    std::set<std::string> keys;  // objects: the keys seen so far
  };

  bool value() {
    next_segment();
    return true;
  }

  bool start_container(bool is_array) {
    if (containers_.size() >= kMaxNestingDepth) {
      throw ScenarioError(source_, path_of(next_segment()),
                          fmt::format("arrays and objects nested more than {} levels deep: "
                                      "expected a scenario, which nests 3 levels (the file, "
                                      "events, one event)",
                                      kMaxNestingDepth));
    }
    containers_.push_back(Container{.segment = next_segment(), .is_array = is_array});
    return true;
  }

  bool end_container() {
    containers_.pop_back();
    return true;
  }

  // Returns the segment of the value that starts now, and moves an array on to its next element.
  Segment next_segment() {
    if (containers_.empty()) return {};
    Container& parent = containers_.back();
    if (parent.is_array) return Segment{.index = parent.next_index++, .is_index = true};
    return Segment{.key = parent.key, .is_key = true};
  }

  // Returns the path of the containers being parsed followed by `last`: "events[1].at_ms".
  std::string path_of(const Segment& last) const {
    std::string path;
    const auto append = [&path](const Segment& segment) {
      if (segment.is_index) {
        path += fmt::format("[{}]", segment.index);
      } else if (segment.is_key) {
        path += path.empty() ? segment.key : "." + segment.key;
      }
    };
    for (const Container& container : containers_) append(container.segment);
    append(last);
    return path;
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
    // The check stops at a syntax error, which the parse after it reports with its position.
    ScenarioJsonCheck check(document.source);
    static_cast<void>(json::sax_parse(text, &check));
    document.root = json::parse(text);
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
