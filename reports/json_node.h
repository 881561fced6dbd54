// A JSON value with its path, and readers of its fields that check type and range, for
// result_json_read.cc. Every error is an InputError that names the JSON path. Internal to
// reports/.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "json_special_numbers.h"
#include "paybench/reports/input_error.h"

namespace paybench::reports::json_input {

// Read as nlohmann::json, whose objects are std::maps: the ordered_json that the writer uses looks
// keys up linearly, which makes parsing an object with n keys take time in n squared.
using Json = nlohmann::json;

// Describes a value for an error: its type and, for strings, numbers and booleans, the value,
// long strings shortened: "string \"fast\"", "number -5", "array".
std::string describe(const Json& value);

// A JSON value together with its path, so that every error names where it occurred.
class Node {
 public:
  Node(const Json& value, std::string path, std::string_view source)
      : value_(value), path_(std::move(path)), source_(source) {}

  const Json& value() const { return value_; }
  const std::string& path() const { return path_; }
  std::string_view source() const { return source_; }

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(std::string(source_), path_, problem);
  }

  [[noreturn]] void fail_expected(const std::string& expected) const {
    fail("expected " + expected + ", found " + describe(value_));
  }

  void expect_object() const {
    if (!value_.is_object()) {
      fail_expected("an object");
    }
  }

  void expect_array() const {
    if (!value_.is_array()) {
      fail_expected("an array");
    }
  }

  std::optional<Node> find(const std::string& key) const {
    const auto it = value_.find(key);
    if (it == value_.end()) {
      return std::nullopt;
    }
    return Node(*it, path_.empty() ? key : path_ + "." + key, source_);
  }

  Node at(const std::string& key) const {
    std::optional<Node> child = find(key);
    if (!child) {
      fail("missing required key \"" + key + "\"");
    }
    return *child;
  }

  Node element(std::size_t index) const {
    return Node(value_[index], path_ + "[" + std::to_string(index) + "]", source_);
  }

  std::string as_string() const {
    if (!value_.is_string() || special_number_from_placeholder(value_.get<std::string>())) {
      fail_expected("a string");
    }
    return value_.get<std::string>();
  }

  bool as_bool() const {
    if (!value_.is_boolean()) {
      fail_expected("true or false");
    }
    return value_.get<bool>();
  }

  // Accepts 3 and 3.0 but not 3.5, so that hand-edited files with a float still read.
  std::int64_t as_integer() const {
    if (value_.is_number_integer()) {
      if (value_.is_number_unsigned() &&
          value_.get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail_expected("an integer within the 64-bit signed range");
      }
      return value_.get<std::int64_t>();
    }
    if (value_.is_number_float()) {
      const double number = value_.get<double>();
      const bool fits = number >= -9.2e18 && number <= 9.2e18;
      if (fits && std::trunc(number) == number) {
        return static_cast<std::int64_t>(number);
      }
    }
    fail_expected("an integer");
  }

  int as_int() const {
    const std::int64_t number = as_integer();
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
      fail_expected("an integer within the 32-bit signed range");
    }
    return static_cast<int>(number);
  }

  // Reads a number. With `allow_not_a_number`, null and Google Benchmark's NaN and Infinity
  // tokens are accepted too (null reads as NaN).
  double as_number(bool allow_not_a_number) const {
    if (value_.is_number()) {
      return value_.get<double>();
    }
    if (allow_not_a_number) {
      if (value_.is_null()) {
        return std::numeric_limits<double>::quiet_NaN();
      }
      if (value_.is_string()) {
        if (const auto special = special_number_from_placeholder(value_.get<std::string>())) {
          return *special;
        }
      }
      fail_expected("a number or null");
    }
    fail_expected("a number");
  }

  // Reads a number that cannot be negative, such as a time. NaN passes with
  // `allow_not_a_number`.
  double as_non_negative_number(bool allow_not_a_number) const {
    const double number = as_number(allow_not_a_number);
    if (number < 0) {
      fail("expected a number >= 0, found " + number_text());
    }
    return number;
  }

  // Reads a number above 0, such as a median time or a ratio of two.
  double as_positive_number() const {
    const double number = as_number(false);
    if (!(number > 0)) {
      fail("expected a number > 0, found " + number_text());
    }
    return number;
  }

  // Reads an integer that cannot be negative, such as a count or an index.
  std::int64_t as_count() const {
    const std::int64_t number = as_integer();
    if (number < 0) {
      fail("expected an integer >= 0, found " + std::to_string(number));
    }
    return number;
  }

  int as_int_count() const {
    const int number = as_int();
    if (number < 0) {
      fail("expected an integer >= 0, found " + std::to_string(number));
    }
    return number;
  }

  bool is_number_like() const {
    return value_.is_number() || value_.is_null() ||
           (value_.is_string() && special_number_from_placeholder(value_.get<std::string>()));
  }

 private:
  // A number as the file writes it ("-5", "-0.25"), or "-Infinity" for Google Benchmark's token.
  std::string number_text() const { return value_.is_number() ? value_.dump() : describe(value_); }

  const Json& value_;
  std::string path_;
  std::string_view source_;
};

// Field readers: a missing key is an error when `required`, otherwise the field keeps its value.
void read(const Node& object, const std::string& key, bool required, std::string& field);
void read(const Node& object, const std::string& key, bool required, std::int64_t& field);
void read(const Node& object, const std::string& key, bool required, int& field);
void read(const Node& object, const std::string& key, bool required, bool& field);

// Returns the child at `key`. A missing child is an error when `required`, else std::nullopt.
std::optional<Node> child_of(const Node& object, const std::string& key, bool required);

// Readers of fields that cannot be negative: counts, indices, times and sizes.
void read_count(const Node& object, const std::string& key, bool required, std::int64_t& field);
void read_count(const Node& object, const std::string& key, bool required, int& field);
void read_non_negative_number(const Node& object, const std::string& key, bool required,
                              bool allow_not_a_number, double& field);
// Reads a required number above 0.
void read_positive_number(const Node& object, const std::string& key, double& field);

// Fails at `node` unless `value` is one of `allowed`.
void require_one_of(const Node& node, const std::string& value,
                    std::initializer_list<std::string_view> allowed);

// Fails at `node` when `value` is below `minimum`.
void require_at_least(const Node& node, std::int64_t value, std::int64_t minimum);

}  // namespace paybench::reports::json_input
