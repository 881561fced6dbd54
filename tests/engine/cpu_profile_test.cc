// Reading gperftools CPU profiles: hand-made files with known content, a profile recorded by
// this test, every cut of it, and bad headers and records.
#include "paybench/engine/cpu_profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cpu_profile_capture.h"

namespace paybench::engine {
namespace {

namespace fs = std::filesystem;

// The profile needs enough samples to have several records and a binary part of some length.
constexpr int kMinSamples = 20;

// Builds profile bytes word by word, as gperftools lays them out on a 64-bit machine.
class ProfileBytes {
 public:
  ProfileBytes& word(std::uint64_t value) {
    char bytes[sizeof(value)];
    std::memcpy(bytes, &value, sizeof(value));
    bytes_.append(bytes, sizeof(bytes));
    return *this;
  }

  ProfileBytes& header(std::uint64_t period_us = 10'000) {
    return word(0).word(3).word(0).word(period_us).word(0);
  }

  // `leaf_first` is in file order: the sampled address first.
  ProfileBytes& record(std::uint64_t count, const std::vector<std::uint64_t>& leaf_first) {
    word(count).word(leaf_first.size());
    for (const std::uint64_t address : leaf_first) word(address);
    return *this;
  }

  ProfileBytes& end_marker() { return word(0).word(1).word(0); }

  ProfileBytes& text(const std::string& text) {
    bytes_ += text;
    return *this;
  }

  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Returns the CpuProfileError that parsing `bytes` raises. Fails the test if none is raised.
CpuProfileError parse_error_of(std::string_view bytes) {
  try {
    parse_cpu_profile(bytes, "bad.prof");
  } catch (const CpuProfileError& error) {
    return error;
  }
  ADD_FAILURE() << "expected a CpuProfileError for " << bytes.size() << " bytes";
  return CpuProfileError("bad.prof", 0, "none raised");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// Returns the size of the binary part of a well-formed profile (header, records, end marker),
// found by walking the words without parse_cpu_profile().
std::size_t binary_part_size(const std::string& bytes) {
  const auto word_at = [&](std::size_t index) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes.data() + index * 8, 8);
    return value;
  };
  std::size_t index = 2 + word_at(1);
  while (true) {
    const std::uint64_t count = word_at(index);
    const std::uint64_t depth = word_at(index + 1);
    index += 2 + depth;
    if (count == 0) return index * 8;
  }
}

const std::string kMapsText =
    "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
    "00651000-00652000 rw-p 00051000 08:02 173521      /usr/bin/dbus-daemon\n"
    "this line is not a mapping and is skipped\n"
    "build=/some/where\n"
    "7f2c6b800000-7f2c6b9a6000 r-xp 00026000 00:00 332999      /opt/my libs/libpay.so (deleted)\n"
    "7ffd9b678000-7ffd9b699000 rw-p 00000000 00:00 0           [stack]\n"
    "7f72d9dde000-7f72da7e0000 rw-p 00000000 00:00 0           \n"
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0   [vsyscall]";

TEST(CpuProfile, ParsesHandMadeProfile) {
  const std::string bytes = ProfileBytes()
                                .header(2'500)
                                .record(5, {0xa0000, 0xc0000, 0xe0000})
                                .record(1, {0x401000})
                                .end_marker()
                                .text(kMapsText)
                                .bytes();

  const CpuProfile profile = parse_cpu_profile(bytes, "hand.prof");

  EXPECT_EQ(profile.sampling_period, std::chrono::microseconds(2'500));
  ASSERT_EQ(profile.samples.size(), 2u);
  EXPECT_EQ(profile.samples[0].count, 5u);
  EXPECT_EQ(profile.samples[0].program_counters,
            (std::vector<std::uint64_t>{0xe0000, 0xc0000, 0xa0000}));
  EXPECT_EQ(profile.samples[1].count, 1u);
  EXPECT_EQ(profile.samples[1].program_counters, (std::vector<std::uint64_t>{0x401000}));
  EXPECT_EQ(profile.total_samples(), 6u);
  EXPECT_EQ(profile.mappings.size(), 6u);
}

TEST(CpuProfile, ParsesMapsLines) {
  const std::vector<MappedObject> mappings = parse_maps(kMapsText);

  ASSERT_EQ(mappings.size(), 6u);
  EXPECT_EQ(mappings[0].start, 0x400000u);
  EXPECT_EQ(mappings[0].end, 0x452000u);
  EXPECT_EQ(mappings[0].file_offset, 0u);
  EXPECT_EQ(mappings[0].permissions, "r-xp");
  EXPECT_EQ(mappings[0].path, "/usr/bin/dbus-daemon");
  EXPECT_TRUE(mappings[0].is_executable());
  EXPECT_FALSE(mappings[1].is_executable());
  EXPECT_EQ(mappings[1].file_offset, 0x51000u);

  EXPECT_EQ(mappings[2].start, 0x7f2c6b800000u);
  EXPECT_EQ(mappings[2].file_offset, 0x26000u);
  EXPECT_EQ(mappings[2].path, "/opt/my libs/libpay.so (deleted)");
  EXPECT_EQ(mappings[3].path, "[stack]");
  EXPECT_EQ(mappings[4].path, "");
  EXPECT_EQ(mappings[5].start, 0xffffffffff600000u);
  EXPECT_EQ(mappings[5].path, "[vsyscall]");

  EXPECT_TRUE(mappings[0].contains(0x400000));
  EXPECT_TRUE(mappings[0].contains(0x451fff));
  EXPECT_FALSE(mappings[0].contains(0x452000));
}

TEST(CpuProfile, SkipsMalformedMapsLines) {
  const std::vector<MappedObject> mappings = parse_maps(
      "00452000-00400000 r-xp 00000000 08:02 1 /backwards\n"
      "zz400000-00452000 r-xp 00000000 08:02 1 /bad-start\n"
      "00400000-00452000 r-xp 00000000 0802 1 /no-device-colon\n"
      "00400000-00452000 r-xp 00000000 08:02 x1 /bad-inode\n"
      "00400000-00452000 r-x 00000000 08:02 1 /short-permissions\n"
      "00400000-00452000\n"
      "\n"
      "00400000-00452000 r-xp 00000000 08:02 1 /good\r\n");

  ASSERT_EQ(mappings.size(), 1u);
  EXPECT_EQ(mappings[0].path, "/good");
}

TEST(CpuProfile, AcceptsExtraHeaderWords) {
  const std::string bytes = ProfileBytes()
                                .word(0).word(5).word(0).word(1'000).word(0).word(77).word(88)
                                .record(3, {0x1000, 0x2000})
                                .end_marker()
                                .bytes();

  const CpuProfile profile = parse_cpu_profile(bytes, "extra.prof");

  EXPECT_EQ(profile.sampling_period, std::chrono::microseconds(1'000));
  ASSERT_EQ(profile.samples.size(), 1u);
  EXPECT_EQ(profile.samples[0].program_counters, (std::vector<std::uint64_t>{0x2000, 0x1000}));
  EXPECT_TRUE(profile.mappings.empty());
}

TEST(CpuProfile, NoRecordsIsEmptyProfile) {
  const CpuProfile profile =
      parse_cpu_profile(ProfileBytes().header().end_marker().bytes(), "idle.prof");
  EXPECT_TRUE(profile.samples.empty());
  EXPECT_EQ(profile.total_samples(), 0u);
}

TEST(CpuProfileErrors, EmptyFile) {
  const CpuProfileError error = parse_error_of("");

  EXPECT_EQ(error.byte_offset(), 0u);
  EXPECT_EQ(std::string(error.what()),
            "bad.prof: at byte 0: the file is empty; expected a CPU profile written by "
            "gperftools' ProfilerStart/ProfilerStop");
}

TEST(CpuProfileErrors, TextFile) {
  const CpuProfileError error = parse_error_of("hello, this is a text file\n");

  EXPECT_TRUE(contains(error.what(), "bad.prof: at byte 0: the first header word is not 0, so "
                                     "this is not a gperftools CPU profile"))
      << error.what();
}

TEST(CpuProfileErrors, ThirtyTwoBitProfile) {
  std::string bytes;
  for (const std::uint32_t value : {0u, 3u, 0u, 10'000u, 0u}) {
    bytes.append(reinterpret_cast<const char*>(&value), sizeof(value));
  }

  const CpuProfileError error = parse_error_of(bytes);

  EXPECT_TRUE(contains(error.what(), "written by a 32-bit program, which is not supported"))
      << error.what();
  EXPECT_TRUE(contains(error.what(), "record it with a 64-bit build")) << error.what();
}

TEST(CpuProfileErrors, OtherByteOrder) {
  const std::string big_endian_64 = ProfileBytes()
                                        .word(0)
                                        .word(__builtin_bswap64(3))
                                        .word(0)
                                        .word(__builtin_bswap64(10'000))
                                        .word(0)
                                        .bytes();
  std::string big_endian_32;
  for (const std::uint32_t value : {0u, 3u, 0u, 10'000u, 0u}) {
    const std::uint32_t swapped = __builtin_bswap32(value);
    big_endian_32.append(reinterpret_cast<const char*>(&swapped), sizeof(swapped));
  }

  const CpuProfileError error_64 = parse_error_of(big_endian_64);
  const CpuProfileError error_32 = parse_error_of(big_endian_32);

  EXPECT_EQ(error_64.byte_offset(), 8u);
  EXPECT_TRUE(contains(error_64.what(), "the other byte order")) << error_64.what();
  EXPECT_TRUE(contains(error_32.what(), "32-bit program in the other byte order"))
      << error_32.what();
}

TEST(CpuProfileErrors, InvalidHeaderWords) {
  const CpuProfileError too_few =
      parse_error_of(ProfileBytes().word(0).word(2).word(0).word(10'000).bytes());
  const CpuProfileError version =
      parse_error_of(ProfileBytes().word(0).word(3).word(1).word(10'000).word(0).bytes());
  const CpuProfileError period = parse_error_of(ProfileBytes().header(0).end_marker().bytes());

  EXPECT_EQ(too_few.byte_offset(), 8u);
  EXPECT_TRUE(contains(too_few.what(), "the header says 2 words follow; expected at least 3"))
      << too_few.what();
  EXPECT_EQ(version.byte_offset(), 16u);
  EXPECT_TRUE(contains(version.what(), "format version 1 is unknown; expected version 0"))
      << version.what();
  EXPECT_EQ(period.byte_offset(), 24u);
  EXPECT_TRUE(contains(period.what(), "sampling period 0 us is invalid")) << period.what();
}

TEST(CpuProfileErrors, HeaderCutShort) {
  const std::string header = ProfileBytes().header().bytes();

  const CpuProfileError three_bytes = parse_error_of(std::string_view(header).substr(0, 3));
  const CpuProfileError two_words = parse_error_of(std::string_view(header).substr(0, 16));

  EXPECT_TRUE(contains(three_bytes.what(), "at byte 0: the file ends after 3 bytes"))
      << three_bytes.what();
  EXPECT_TRUE(contains(two_words.what(), "at byte 8: the header is cut short: it declares 3 more "
                                         "words but only 0 bytes follow"))
      << two_words.what();
}

TEST(CpuProfileErrors, DepthZero) {
  const CpuProfileError error =
      parse_error_of(ProfileBytes().header().record(4, {}).end_marker().bytes());

  EXPECT_EQ(error.byte_offset(), 40u);
  EXPECT_TRUE(contains(error.what(), "at byte 40: a record has depth 0")) << error.what();
}

TEST(CpuProfileErrors, DepthBeyondData) {
  const CpuProfileError error = parse_error_of(
      ProfileBytes().header().word(1).word(1'000).word(0x1000).word(0x2000).end_marker().bytes());
  const CpuProfileError huge = parse_error_of(
      ProfileBytes().header().word(1).word(std::uint64_t{1} << 63).word(0x1000).bytes());

  EXPECT_EQ(error.byte_offset(), 40u);
  EXPECT_TRUE(contains(error.what(),
                       "a record declares depth 1000 but only 40 bytes of addresses follow"))
      << error.what();
  EXPECT_TRUE(contains(huge.what(), "declares depth 9223372036854775808")) << huge.what();
}

TEST(CpuProfileErrors, ZeroCountRecord) {
  const CpuProfileError error = parse_error_of(
      ProfileBytes().header().record(1, {0x10}).record(0, {0x1000, 0x2000}).end_marker().bytes());

  EXPECT_EQ(error.byte_offset(), 64u);
  EXPECT_TRUE(contains(error.what(), "a record has sample count 0 and depth 2")) << error.what();
}

TEST(CpuProfileErrors, MissingEndMarker) {
  const CpuProfileError error =
      parse_error_of(ProfileBytes().header().record(2, {0x1000}).bytes());

  EXPECT_EQ(error.byte_offset(), 64u);
  EXPECT_TRUE(contains(error.what(), "the file ends without the end marker that ProfilerStop "
                                     "writes"))
      << error.what();
  EXPECT_TRUE(contains(error.what(), "expected the end marker (0, 1, 0)")) << error.what();
}

TEST(CpuProfileErrors, SampleCountOverflow) {
  const CpuProfileError error = parse_error_of(ProfileBytes()
                                                   .header()
                                                   .record(UINT64_MAX, {0x1000})
                                                   .record(1, {0x2000})
                                                   .end_marker()
                                                   .bytes());

  EXPECT_EQ(error.byte_offset(), 64u);
  EXPECT_TRUE(contains(error.what(), "exceed 2^64 - 1")) << error.what();
}

TEST(CpuProfileErrors, RandomRecords) {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 random(seed);
    ProfileBytes bytes;
    bytes.header();
    for (int i = 0; i < 64; ++i) bytes.word(random());

    EXPECT_THROW(parse_cpu_profile(bytes.bytes(), "random.prof"), CpuProfileError);
  }
}

TEST(CpuProfileErrors, UnreadableFile) {
  testing::TemporaryDirectory directory;

  EXPECT_THROW(read_cpu_profile(directory.path() / "missing.prof"), reports::InputError);
  try {
    read_cpu_profile(directory.path());
    ADD_FAILURE() << "expected an InputError";
  } catch (const reports::InputError& error) {
    EXPECT_TRUE(contains(error.what(), "is a directory")) << error.what();
  }
}

class RecordedCpuProfile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = directory_.path() / "spin.prof";
    const std::string problem = testing::record_cpu_profile(path_, kMinSamples);
    ASSERT_EQ(problem, "");
    bytes_ = read_bytes(path_);
  }

  testing::TemporaryDirectory directory_;
  fs::path path_;
  std::string bytes_;
};

TEST_F(RecordedCpuProfile, HasSamplesInThisBinary) {
  const CpuProfile profile = read_cpu_profile(path_);

  EXPECT_GT(profile.sampling_period.count(), 0);
  EXPECT_GE(profile.total_samples(), static_cast<std::uint64_t>(kMinSamples));
  ASSERT_FALSE(profile.samples.empty());

  const std::string executable = fs::canonical("/proc/self/exe").string();
  const auto in_this_binary = [&](std::uint64_t address) {
    return std::any_of(profile.mappings.begin(), profile.mappings.end(),
                       [&](const MappedObject& mapping) {
                         return mapping.path == executable && mapping.is_executable() &&
                                mapping.contains(address);
                       });
  };
  std::uint64_t samples_in_this_binary = 0;
  for (const CpuSample& sample : profile.samples) {
    EXPECT_GE(sample.count, 1u);
    ASSERT_FALSE(sample.program_counters.empty());
    if (in_this_binary(sample.program_counters.back())) samples_in_this_binary += sample.count;
  }
  EXPECT_GT(samples_in_this_binary, 0u);
}

TEST_F(RecordedCpuProfile, EveryCutOfBinaryPartFails) {
  const std::size_t binary_size = binary_part_size(bytes_);
  ASSERT_GT(bytes_.size(), binary_size) << "the profile has no maps text";
  const std::string_view bytes(bytes_);

  for (std::size_t cut = 0; cut < binary_size; ++cut) {
    try {
      parse_cpu_profile(bytes.substr(0, cut), "cut.prof");
      ADD_FAILURE() << "a profile cut after " << cut << " of " << binary_size
                    << " bytes was accepted";
    } catch (const CpuProfileError& error) {
      EXPECT_LE(error.byte_offset(), cut);
      EXPECT_TRUE(std::string_view(error.what()).starts_with("cut.prof: at byte "))
          << error.what();
    }
  }

  const CpuProfile without_maps = parse_cpu_profile(bytes.substr(0, binary_size), "cut.prof");
  const CpuProfile whole = parse_cpu_profile(bytes, "whole.prof");
  EXPECT_TRUE(without_maps.mappings.empty());
  EXPECT_EQ(without_maps.total_samples(), whole.total_samples());
  EXPECT_FALSE(whole.mappings.empty());
}

TEST_F(RecordedCpuProfile, CutMessagesNameWhatIsMissing) {
  const std::string_view bytes(bytes_);

  EXPECT_TRUE(contains(parse_error_of(bytes.substr(0, 20)).what(),
                       "at byte 8: the header is cut short"));
  EXPECT_TRUE(contains(parse_error_of(bytes.substr(0, 40)).what(),
                       "at byte 40: the file ends without the end marker"));
  EXPECT_TRUE(contains(parse_error_of(bytes.substr(0, 44)).what(),
                       "at byte 40: a record is cut short: only 4 bytes follow"));
  EXPECT_TRUE(contains(parse_error_of(bytes.substr(0, 60)).what(),
                       "at byte 40: a record declares depth"));
}

}  // namespace
}  // namespace paybench::engine
