// The result file: JSON that is a superset of Google Benchmark's JSON output.
//
// Layout: top-level "context", "benchmarks" and "comparisons". Context and benchmark entries
// carry Google Benchmark's keys in Google Benchmark's order, so its tools/compare.py reads the
// file, followed by paybench's keys. Each user counter is a key of its benchmark entry, as Google
// Benchmark writes it. reports/schema/result.schema.json describes the layout.
//
// Non-finite numbers: JSON has no NaN or infinity, so the writer stores a NaN or infinite number
// as null, and the reader reads null in a number field as NaN (infinity comes back as NaN). Only
// counters, real_time and cpu_time may be null. When reading, the bare NaN, Infinity and
// -Infinity tokens that Google Benchmark writes are accepted as well.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "paybench/reports/input_error.h"
#include "paybench/reports/result.h"

namespace paybench::reports {

// Converts a result to its JSON form, keys in a fixed order.
// Throws std::invalid_argument when a counter's name is one of the reserved keys of a benchmark
// entry (such as "name" or "real_time"), because the file could not tell them apart, or when a
// comparison contains a non-finite number.
nlohmann::ordered_json to_json(const Result& result);

// Serializes to_json(result) with two-space indentation and a final newline. Invalid UTF-8 in
// a string is replaced by U+FFFD.
std::string to_json_text(const Result& result);

// Writes to_json_text(result) to `path` with write_text_file_atomically.
// Throws std::runtime_error when the file cannot be written.
void write_result_file(const std::filesystem::path& path, const Result& result);

// Builds a Result from a paybench result file's JSON or from plain Google Benchmark JSON.
//
// A paybench file (its context has "paybench_schema_version") must contain every key that
// to_json writes. A plain Google Benchmark file needs only "benchmarks" with a "name" per
// entry. Its missing keys keep the defaults of result.h, except that run_name defaults to name.
// paybench's keys stay empty and context.paybench_schema_version is 0. Unknown numeric keys of
// a benchmark entry are user counters. Google Benchmark's "big_o" string is skipped, and a
// "big_o" of another type is rejected. Unknown context keys (Google Benchmark's custom context)
// are skipped.
//
// Throws InputError naming `source`, the JSON path (such as "benchmarks[3].real_time") and what
// was expected.
Result result_from_json(const nlohmann::ordered_json& json, std::string_view source);
Result result_from_json(const nlohmann::json& json, std::string_view source);

// Parses `text` (accepting Google Benchmark's bare NaN and Infinity tokens) and reads it with
// result_from_json. Throws InputError when the text is not JSON or has the wrong shape.
Result result_from_json_text(std::string_view text, std::string_view source);

// Reads a result file or a Google Benchmark JSON file. Throws InputError naming the file when
// it cannot be opened, is not JSON or has the wrong shape.
Result read_result_file(const std::filesystem::path& path);

}  // namespace paybench::reports
