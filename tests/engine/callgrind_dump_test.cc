// Reading callgrind's dumps: the trigger name and the instruction total, and files that are not
// dumps of a client request.
#include "paybench/engine/callgrind_dump.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "cpu_profile_capture.h"

namespace paybench::engine {
namespace {

// The header of a dump as valgrind 3.19's callgrind writes it, shortened.
constexpr const char* kDump =
    "# callgrind format\n"
    "version: 1\n"
    "creator: callgrind-3.19.0\n"
    "pid: 4242\n"
    "cmd:  ./paybench run\n"
    "part: 2\n"
    "desc: I1 cache: \n"
    "desc: Trigger: Client Request: memory/object_pool/pool/size:64/threads:1\n"
    "positions: line\n"
    "events: Ir\n"
    "summary: 0\n"
    "totals: 38637\n"
    "fl=(1) ???\n";

// Returns kDump with its first `from` replaced by `to`.
std::string dump_with(const std::string& from, const std::string& to) {
  std::string text = kDump;
  text.replace(text.find(from), from.size(), to);
  return text;
}

std::string error_of(std::string_view text) {
  try {
    parse_callgrind_dump(text, "callgrind.out.1");
  } catch (const reports::InputError& error) {
    return error.what();
  }
  return "";
}

TEST(CallgrindDumpTest, ReadsTriggerAndTotal) {
  const CallgrindDump dump = parse_callgrind_dump(kDump, "callgrind.out.1");
  EXPECT_EQ(dump.trigger, "memory/object_pool/pool/size:64/threads:1");
  EXPECT_EQ(dump.instructions, 38637u);
}

TEST(CallgrindDumpTest, ReadsTheFirstOfSeveralEvents) {
  const std::string text = dump_with("totals: 38637", "totals: 500 20 7");
  EXPECT_EQ(parse_callgrind_dump(text, "callgrind.out.1").instructions, 500u);
}

TEST(CallgrindDumpTest, RejectsADumpAtProgramExit) {
  const std::string text =
      dump_with("Client Request: memory/object_pool/pool/size:64/threads:1", "Program termination");
  EXPECT_NE(error_of(text).find("no 'desc: Trigger: Client Request: ' line"), std::string::npos)
      << error_of(text);
}

TEST(CallgrindDumpTest, RejectsAMalformedTotal) {
  const std::string text = dump_with("totals: 38637", "totals: many");
  EXPECT_EQ(error_of(text),
            "callgrind.out.1: line 12: found 'totals: many'; expected 'totals: <instructions>'");
}

TEST(CallgrindDumpTest, RejectsAnEmptyFile) {
  EXPECT_NE(error_of("").find("expected a callgrind dump"), std::string::npos);
}

TEST(CallgrindDumpTest, SumsDumpsOfOneBenchmark) {
  testing::TemporaryDirectory directory;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(directory.path() / name) << text;
  };
  write("callgrind.out.1", kDump);
  write("callgrind.out.2", dump_with("totals: 38637", "totals: 1363"));
  write("callgrind.out", "the dump at program exit, which is not read");

  const auto instructions = read_callgrind_dumps(directory.path(), "callgrind.out");
  ASSERT_EQ(instructions.size(), 1u);
  EXPECT_EQ(instructions.at("memory/object_pool/pool/size:64/threads:1"), 40000u);
}

}  // namespace
}  // namespace paybench::engine
