#include "json_node.h"

#include "paybench/reports/input_text.h"

namespace paybench::reports::json_input {

std::string describe(const Json& value) {
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (const auto special = special_number_from_placeholder(text)) {
      return *special > 0 ? "Infinity" : "-Infinity";
    }
    return "string " + quote_input(text);
  }
  if (value.is_number() || value.is_boolean()) {
    return std::string(value.type_name()) + " " + value.dump();
  }
  return value.type_name();
}

void read(const Node& object, const std::string& key, bool required, std::string& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_string();
  }
}

void read(const Node& object, const std::string& key, bool required, std::int64_t& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_integer();
  }
}

void read(const Node& object, const std::string& key, bool required, int& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_int();
  }
}

void read(const Node& object, const std::string& key, bool required, bool& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_bool();
  }
}

std::optional<Node> child_of(const Node& object, const std::string& key, bool required) {
  return required ? std::optional<Node>(object.at(key)) : object.find(key);
}

void read_count(const Node& object, const std::string& key, bool required, std::int64_t& field) {
  if (const auto child = child_of(object, key, required)) {
    field = child->as_count();
  }
}

void read_count(const Node& object, const std::string& key, bool required, int& field) {
  if (const auto child = child_of(object, key, required)) {
    field = child->as_int_count();
  }
}

void read_non_negative_number(const Node& object, const std::string& key, bool required,
                              bool allow_not_a_number, double& field) {
  if (const auto child = child_of(object, key, required)) {
    field = child->as_non_negative_number(allow_not_a_number);
  }
}

void read_positive_number(const Node& object, const std::string& key, double& field) {
  field = object.at(key).as_positive_number();
}

void require_one_of(const Node& node, const std::string& value,
                    std::initializer_list<std::string_view> allowed) {
  for (std::string_view candidate : allowed) {
    if (value == candidate) {
      return;
    }
  }
  std::string list;
  for (std::string_view candidate : allowed) {
    list += (list.empty() ? "\"" : ", \"") + std::string(candidate) + "\"";
  }
  node.fail("expected one of " + list + ", found " + quote_input(value));
}

void require_at_least(const Node& node, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    node.fail("expected an integer >= " + std::to_string(minimum) + ", found " +
              std::to_string(value));
  }
}

}  // namespace paybench::reports::json_input
