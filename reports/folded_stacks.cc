#include "paybench/reports/folded_stacks.h"

#include <charconv>
#include <limits>
#include <map>
#include <stdexcept>
#include <system_error>

#include "paybench/reports/input_error.h"
#include "paybench/reports/input_file.h"
#include "paybench/reports/input_text.h"

namespace paybench::reports {
namespace {

constexpr std::string_view kExpectedForm = "expected `frame;frame;...;frame COUNT`";

bool is_trailing_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim_trailing_whitespace(std::string_view line) {
  while (!line.empty() && is_trailing_whitespace(line.back())) {
    line.remove_suffix(1);
  }
  return line;
}

std::vector<std::string> split_frames(std::string_view frames_text) {
  std::vector<std::string> frames;
  std::size_t start = 0;
  while (true) {
    const std::size_t separator = frames_text.find(';', start);
    if (separator == std::string_view::npos) {
      frames.emplace_back(frames_text.substr(start));
      return frames;
    }
    frames.emplace_back(frames_text.substr(start, separator - start));
    start = separator + 1;
  }
}

// Reads one folded line into a stack. `line` has no line end and no trailing whitespace.
class LineParser {
 public:
  LineParser(std::string_view source_name, std::size_t line_number, std::string_view line)
      : source_name_(source_name), line_number_(line_number), line_(line) {}

  FoldedStack parse() const {
    const std::size_t last_space = line_.rfind(' ');
    if (last_space == std::string_view::npos) {
      fail("missing count: no space before a sample count");
    }

    const std::string_view frames_text = line_.substr(0, last_space);
    const std::string_view count_text = line_.substr(last_space + 1);
    if (frames_text.empty()) {
      fail("empty frame list before the count");
    }

    return FoldedStack{.frames = split_frames(frames_text), .count = parse_count(count_text)};
  }

  [[noreturn]] void fail(std::string_view problem) const {
    throw InputError(std::string(source_name_), "",
                     "line " + std::to_string(line_number_) + ": " + std::string(problem) +
                         " in " + quote_input(line_) + "; " + std::string(kExpectedForm));
  }

 private:
  std::uint64_t parse_count(std::string_view count_text) const {
    std::uint64_t count = 0;
    const char* const end = count_text.data() + count_text.size();
    const auto [stop, error] = std::from_chars(count_text.data(), end, count);

    const bool is_digits_only = error != std::errc::invalid_argument && stop == end;
    if (error == std::errc::result_out_of_range) {
      fail("count " + quote_input(count_text) + " exceeds the maximum 2^64 - 1");
    }
    if (!is_digits_only) {
      fail("count " + quote_input(count_text) + " is not a non-negative integer");
    }
    return count;
  }

  std::string_view source_name_;
  std::size_t line_number_;
  std::string_view line_;
};

std::uint64_t add_checked(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    throw std::overflow_error("folded stack counts add up to more than 2^64 - 1");
  }
  return sum;
}

}  // namespace

std::uint64_t FoldedProfile::total() const {
  std::uint64_t sum = 0;
  for (const FoldedStack& stack : stacks) {
    sum = add_checked(sum, stack.count);
  }
  return sum;
}

FoldedProfile parse_folded(std::string_view text, std::string_view source_name) {
  FoldedProfile profile;
  std::uint64_t total = 0;
  std::size_t line_number = 0;
  std::size_t line_start = 0;

  while (line_start < text.size()) {
    const std::size_t newline = text.find('\n', line_start);
    const std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line =
        trim_trailing_whitespace(text.substr(line_start, line_end - line_start));
    line_start = line_end + 1;
    ++line_number;

    const bool is_blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (is_blank) {
      continue;
    }

    const LineParser parser(source_name, line_number, line);
    FoldedStack stack = parser.parse();

    // Checked here so that total() cannot fail on a parsed profile.
    if (__builtin_add_overflow(total, stack.count, &total)) {
      parser.fail("counts up to this line add up to more than the maximum 2^64 - 1");
    }
    profile.stacks.push_back(std::move(stack));
  }
  return profile;
}

std::string to_folded_text(const FoldedProfile& profile) {
  std::string text;
  for (std::size_t index = 0; index < profile.stacks.size(); ++index) {
    const FoldedStack& stack = profile.stacks[index];
    const std::string stack_name = "stack " + std::to_string(index);

    const bool is_empty =
        stack.frames.empty() || (stack.frames.size() == 1 && stack.frames.front().empty());
    if (is_empty) {
      throw std::invalid_argument(stack_name +
                                  " has no frames; a folded line needs at least one frame name");
    }

    for (std::size_t frame = 0; frame < stack.frames.size(); ++frame) {
      const std::string& name = stack.frames[frame];
      if (name.find_first_of(";\n") != std::string::npos) {
        throw std::invalid_argument(stack_name + ", frame " + std::to_string(frame) + " \"" +
                                    name +
                                    "\" contains ';' or a line break, which folded text uses "
                                    "as separators; replace them before writing");
      }
      if (frame > 0) {
        text += ';';
      }
      text += name;
    }
    text += ' ';
    text += std::to_string(stack.count);
    text += '\n';
  }
  return text;
}

FoldedProfile merge_identical_stacks(const FoldedProfile& profile) {
  FoldedProfile merged;
  std::map<std::vector<std::string>, std::size_t> index_of_frames;

  for (const FoldedStack& stack : profile.stacks) {
    const auto [entry, inserted] = index_of_frames.try_emplace(stack.frames, merged.stacks.size());
    if (inserted) {
      merged.stacks.push_back(stack);
      continue;
    }
    FoldedStack& first = merged.stacks[entry->second];
    first.count = add_checked(first.count, stack.count);
  }
  return merged;
}

FoldedProfile read_folded_file(const std::filesystem::path& path) {
  return parse_folded(read_input_file(path, "folded stacks"), path.string());
}

}  // namespace paybench::reports
