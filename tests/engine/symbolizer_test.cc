// Naming the addresses of CPU profiles: this binary's own functions, a shared library,
// addresses outside every mapping, unreadable and stripped files, and folded stacks.
#include "paybench/engine/symbolizer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cpu_profile_capture.h"

namespace paybench::engine {
namespace {

namespace fs = std::filesystem;

constexpr int kMinSamples = 20;

std::vector<MappedObject> this_process_mappings() {
  std::ifstream file("/proc/self/maps");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_maps(text.str());
}

std::uint64_t address_of_spin_cpu() { return reinterpret_cast<std::uint64_t>(&testing::spin_cpu); }

const MappedObject* mapping_containing(const std::vector<MappedObject>& mappings,
                                       std::uint64_t address) {
  const auto found = std::find_if(mappings.begin(), mappings.end(), [&](const MappedObject& m) {
    return m.contains(address);
  });
  return found == mappings.end() ? nullptr : &*found;
}

TEST(Symbolizer, NamesFunctionOfThisBinary) {
  const Symbolizer symbolizer(this_process_mappings());
  const std::uint64_t spin_cpu = address_of_spin_cpu();

  EXPECT_EQ(symbolizer.function_name(spin_cpu, AddressKind::kSampled), testing::kSpinCpuName);
  EXPECT_EQ(symbolizer.function_name(spin_cpu + 4, AddressKind::kSampled), testing::kSpinCpuName);
  // A return address is looked up one byte earlier: spin_cpu + 1 names spin_cpu, while
  // spin_cpu itself names whatever lies just before the function.
  EXPECT_EQ(symbolizer.function_name(spin_cpu + 1, AddressKind::kReturnAddress),
            testing::kSpinCpuName);
  EXPECT_NE(symbolizer.function_name(spin_cpu, AddressKind::kReturnAddress),
            testing::kSpinCpuName);
}

TEST(Symbolizer, NamesFunctionOfSharedLibrary) {
  const Symbolizer symbolizer(this_process_mappings());
  const auto getpid_address = reinterpret_cast<std::uint64_t>(&::getpid);

  const std::string name = symbolizer.function_name(getpid_address, AddressKind::kSampled);

  EXPECT_NE(name.find("getpid"), std::string::npos) << name;
  EXPECT_EQ(name.find('@'), std::string::npos) << name;
}

TEST(Symbolizer, DemanglesLibraryFunctions) {
  const Symbolizer symbolizer(this_process_mappings());
  // A function of libstdc++.so, whose dynamic symbols carry versions like @@GLIBCXX_3.4.
  const auto terminate_address = reinterpret_cast<std::uint64_t>(&std::terminate);

  EXPECT_EQ(symbolizer.function_name(terminate_address, AddressKind::kSampled),
            "std::terminate()");
}

TEST(Symbolizer, AddressInNoMapping) {
  const Symbolizer symbolizer(this_process_mappings());

  EXPECT_EQ(symbolizer.function_name(0x10, AddressKind::kSampled), "[unknown+0x10]");
  EXPECT_EQ(symbolizer.function_name(0x11, AddressKind::kReturnAddress), "[unknown+0x10]");
  EXPECT_EQ(symbolizer.function_name(0, AddressKind::kReturnAddress), "[unknown+0x0]");
}

TEST(Symbolizer, MarksUnreadableAndPseudoFiles) {
  const Symbolizer symbolizer({
      {.start = 0x10000000, .end = 0x10002000, .file_offset = 0x3000, .permissions = "r-xp",
       .path = "/nonexistent/dir/libfoo.so"},
      {.start = 0x20000000, .end = 0x20002000, .permissions = "r-xp", .path = "[vdso]"},
      {.start = 0x30000000, .end = 0x30002000, .permissions = "rwxp", .path = ""},
  });

  EXPECT_EQ(symbolizer.function_name(0x10000a2b, AddressKind::kSampled), "[libfoo.so+0x3a2b]");
  EXPECT_EQ(symbolizer.function_name(0x10000a2c, AddressKind::kReturnAddress),
            "[libfoo.so+0x3a2b]");
  EXPECT_EQ(symbolizer.function_name(0x20000010, AddressKind::kSampled), "[vdso+0x10]");
  EXPECT_EQ(symbolizer.function_name(0x30000020, AddressKind::kSampled), "[anonymous+0x20]");
  EXPECT_EQ(symbolizer.function_name(0x10002000, AddressKind::kSampled), "[unknown+0x10002000]");
}

TEST(Symbolizer, StrippedCopyGivesMarkers) {
  const std::string objcopy = PAYBENCH_OBJCOPY;
  if (objcopy.empty()) {
    GTEST_SKIP() << "CMake found no objcopy (binutils), so no stripped copy can be made";
  }
  testing::TemporaryDirectory directory;
  const fs::path executable = fs::canonical("/proc/self/exe");
  const fs::path stripped = directory.path() / "stripped_copy";
  const std::string command = fmt::format("'{}' --strip-all '{}' '{}'", objcopy,
                                          executable.string(), stripped.string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  std::vector<MappedObject> original = this_process_mappings();
  std::vector<MappedObject> redirected = original;
  for (MappedObject& mapping : redirected) {
    if (mapping.path == executable.string()) mapping.path = stripped.string();
  }
  const std::uint64_t spin_cpu = address_of_spin_cpu();
  const MappedObject* const text = mapping_containing(original, spin_cpu);
  ASSERT_NE(text, nullptr);
  const std::string expected_marker =
      fmt::format("[stripped_copy+{:#x}]", spin_cpu - text->start + text->file_offset);

  // The unstripped file names the function, so a marker below comes from the stripping.
  EXPECT_EQ(Symbolizer(original).function_name(spin_cpu, AddressKind::kSampled),
            testing::kSpinCpuName);
  EXPECT_EQ(Symbolizer(redirected).function_name(spin_cpu, AddressKind::kSampled),
            expected_marker);
}

TEST(Symbolizer, FoldedStacksMergeAndReplaceSemicolons) {
  CpuProfile profile;
  profile.mappings = {{.start = 0x10000000, .end = 0x10010000, .permissions = "r-xp",
                       .path = "/nonexistent/lib;x.so"}};
  profile.samples = {
      {.count = 2, .program_counters = {0x10000101, 0x10000201, 0x10000300}},
      {.count = 1, .program_counters = {0x10000101, 0x10000300}},
      {.count = 3, .program_counters = {0x10000101, 0x10000201, 0x10000300}},
  };

  const reports::FoldedProfile folded = folded_from_cpu_profile(profile, Symbolizer(profile.mappings));

  EXPECT_EQ(reports::to_folded_text(folded),
            "[lib:x.so+0x100];[lib:x.so+0x200];[lib:x.so+0x300] 5\n"
            "[lib:x.so+0x100];[lib:x.so+0x300] 1\n");
}

TEST(Symbolizer, RecordedProfileNamesSpinCpu) {
  testing::TemporaryDirectory directory;
  const fs::path path = directory.path() / "spin.prof";
  ASSERT_EQ(testing::record_cpu_profile(path, kMinSamples), "");
  const CpuProfile profile = read_cpu_profile(path);

  const reports::FoldedProfile folded =
      folded_from_cpu_profile(profile, Symbolizer(profile.mappings));

  EXPECT_EQ(folded.total(), profile.total_samples());
  std::uint64_t spin_samples = 0;
  for (const reports::FoldedStack& stack : folded.stacks) {
    ASSERT_FALSE(stack.frames.empty());
    if (stack.frames.back() != testing::kSpinCpuName) continue;
    spin_samples += stack.count;
    ASSERT_GE(stack.frames.size(), 2u);
    EXPECT_TRUE(stack.frames[stack.frames.size() - 2].starts_with(
        "paybench::engine::testing::record_cpu_profile("))
        << reports::to_folded_text({.stacks = {stack}});
  }
  EXPECT_GT(spin_samples, 0u) << reports::to_folded_text(folded);
}

}  // namespace
}  // namespace paybench::engine
