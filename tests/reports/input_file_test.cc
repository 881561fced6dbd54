// Reading whole input files: the bytes of a file, and errors that name the path for a missing
// file, a directory, and a file or device longer than the limit.
#include "paybench/reports/input_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "paybench/reports/input_error.h"

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;

class InputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    directory_ = fs::temp_directory_path() /
                 ("paybench_input_file_" + test_name + "_" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }

  void TearDown() override { fs::remove_all(directory_); }

  fs::path write(const std::string& name, const std::string& bytes) {
    const fs::path path = directory_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Returns the message of the InputError that reading `path` raises, or "" when none is raised.
  static std::string error_of(const fs::path& path, std::size_t max_bytes) {
    try {
      read_input_file(path, "a test file", max_bytes);
    } catch (const InputError& error) {
      return error.what();
    }
    return "";
  }

  fs::path directory_;
};

TEST_F(InputFileTest, ReturnsEveryByte) {
  const std::string bytes("line\n\0binary\xff", 13);
  EXPECT_EQ(read_input_file(write("data", bytes), "a test file"), bytes);
}

TEST_F(InputFileTest, ReadsAFileOfExactlyTheLimit) {
  EXPECT_EQ(read_input_file(write("ten", "0123456789"), "a test file", 10), "0123456789");
}

TEST_F(InputFileTest, RejectsAFileOverTheLimitBySize) {
  const fs::path path = write("eleven", "0123456789A");

  EXPECT_EQ(error_of(path, 10), path.string() +
                                    ": is 11 bytes, larger than the 10 bytes an input may have; "
                                    "expected a test file");
}

TEST_F(InputFileTest, StopsReadingADeviceAtTheLimit) {
  // /dev/zero never ends: without the limit the read would exhaust memory.
  EXPECT_EQ(error_of("/dev/zero", 100'000),
            "/dev/zero: is longer than the 100000 bytes an input may have; expected a test file");
}

TEST_F(InputFileTest, ReadsAShortDeviceWhole) {
  EXPECT_EQ(read_input_file("/dev/null", "a test file", 10), "");
}

TEST_F(InputFileTest, NamesAMissingFile) {
  const fs::path path = directory_ / "missing.json";

  EXPECT_EQ(error_of(path, kMaxInputFileBytes),
            path.string() + ": cannot be opened: No such file or directory");
}

TEST_F(InputFileTest, NamesADirectory) {
  EXPECT_EQ(error_of(directory_, kMaxInputFileBytes),
            directory_.string() + ": is a directory; expected a test file");
}

}  // namespace
}  // namespace paybench::reports
