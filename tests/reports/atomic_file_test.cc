#include "paybench/reports/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    directory_ = fs::temp_directory_path() /
                 ("paybench_atomic_" + test_name + "_" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }

  void TearDown() override { fs::remove_all(directory_); }

  static std::string read(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path directory_;
};

TEST_F(AtomicFileTest, WritesNewFile) {
  const fs::path target = directory_ / "out.json";

  write_text_file_atomically(target, "{\"a\": 1}\n");

  EXPECT_EQ(read(target), "{\"a\": 1}\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, ReplacesExistingFile) {
  const fs::path target = directory_ / "out.json";
  write_text_file_atomically(target, "old content that is longer than the new one");

  write_text_file_atomically(target, "new");

  EXPECT_EQ(read(target), "new");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, MissingDirectoryThrowsWithPathAndReason) {
  const fs::path target = directory_ / "missing" / "out.json";

  try {
    write_text_file_atomically(target, "content");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(target.string()), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_TRUE(entries().empty());
}

// The rename fails when the target is a non-empty directory; the temporary must go away.
TEST_F(AtomicFileTest, FailedRenameLeavesNoTemporary) {
  const fs::path target = directory_ / "out.json";
  fs::create_directories(target / "inside");

  EXPECT_THROW(write_text_file_atomically(target, "content"), std::runtime_error);

  EXPECT_EQ(entries(), std::vector<std::string>{"out.json"});
  EXPECT_TRUE(fs::is_directory(target / "inside"));
}

// A file size limit makes write() fail half-way (EFBIG); the old file must stay intact.
TEST_F(AtomicFileTest, FailedWriteKeepsOldFile) {
  const fs::path target = directory_ / "out.json";
  write_text_file_atomically(target, "old");

  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &original), 0);
  const auto previous_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = original;
  limited.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);

  std::string error_message;
  try {
    write_text_file_atomically(target, std::string(100000, 'x'));
  } catch (const std::runtime_error& error) {
    error_message = error.what();
  }

  ::setrlimit(RLIMIT_FSIZE, &original);
  ::signal(SIGXFSZ, previous_handler);

  EXPECT_NE(error_message.find("File too large"), std::string::npos) << error_message;
  EXPECT_EQ(read(target), "old");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, UnwritableDirectoryKeepsOldFile) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root writes into read-only directories; FailedWriteKeepsOldFile and "
                    "FailedRenameLeavesNoTemporary cover failures as root";
  }
  const fs::path target = directory_ / "out.json";
  write_text_file_atomically(target, "old");
  fs::permissions(directory_, fs::perms::owner_read | fs::perms::owner_exec);

  EXPECT_THROW(write_text_file_atomically(target, "new"), std::runtime_error);

  fs::permissions(directory_, fs::perms::owner_all);
  EXPECT_EQ(read(target), "old");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.json"});
}

}  // namespace
}  // namespace paybench::reports
