#include "paybench/reports/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
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

TEST_F(AtomicFileTest, CreatesMissingDirectories) {
  const fs::path target = directory_ / "missing" / "nested" / "out.json";

  write_text_file_atomically(target, "content");

  EXPECT_EQ(read(target), "content");
  EXPECT_EQ(entries(), std::vector<std::string>{"missing"});
}

TEST_F(AtomicFileTest, CopyCreatesMissingDirectories) {
  const fs::path source = directory_ / "source.txt";
  write_text_file_atomically(source, "profile");
  const fs::path target = directory_ / "copies" / "copy.txt";

  copy_file_atomically(source, target);

  EXPECT_EQ(read(target), "profile");
}

// A regular file where a directory should be: the error names that directory and the file.
TEST_F(AtomicFileTest, UncreatableDirectoryNamesDirectoryAndFile) {
  write_text_file_atomically(directory_ / "blocker", "a file");
  const fs::path directory = directory_ / "blocker" / "reports";
  const fs::path target = directory / "out.html";

  try {
    write_text_file_atomically(target, "content");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("writing " + target.string() + " failed"), std::string::npos)
        << message;
    EXPECT_NE(message.find("creating its directory " + directory.string()), std::string::npos)
        << message;
    EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"blocker"});
}

// A name of 250 bytes is valid, but its temporary name is longer than the 255 bytes that
// Linux file systems allow, so creating the temporary file fails even for root. The error
// names the directory and the file, not the temporary name that the caller never chose.
TEST_F(AtomicFileTest, UncreatableTemporaryNamesDirectoryAndFile) {
  const fs::path target = directory_ / std::string(250, 'r');

  try {
    write_text_file_atomically(target, "content");
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("writing " + target.string() + " failed"), std::string::npos)
        << message;
    EXPECT_NE(message.find("in directory " + directory_.string()), std::string::npos) << message;
    EXPECT_NE(message.find("File name too long"), std::string::npos) << message;
    EXPECT_EQ(message.find(".tmp-"), std::string::npos) << message;
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

// A writer killed with SIGKILL at many points of its writes leaves the old content or the
// new, never a part: the sizes are large enough that a write takes many system calls.
TEST_F(AtomicFileTest, KilledWriterLeavesOldOrNewContent) {
  const fs::path target = directory_ / "result.json";
  const std::string first(4 << 20, 'a');
  const std::string second(6 << 20, 'b');
  write_text_file_atomically(target, first);

  constexpr int kKills = 20;
  for (int kill = 0; kill < kKills; ++kill) {
    const pid_t writer = ::fork();
    ASSERT_GE(writer, 0);
    if (writer == 0) {
      for (int round = 0;; ++round) {
        write_text_file_atomically(target, round % 2 == 0 ? second : first);
      }
    }
    // From 1 ms to 20 ms into the writes, so the kills fall at different steps.
    timespec delay{0, (kill + 1) * 1'000'000L};
    ::nanosleep(&delay, nullptr);
    ::kill(writer, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(writer, &status, 0), writer);
    ASSERT_TRUE(WIFSIGNALED(status));

    const std::string content = read(target);
    EXPECT_TRUE(content == first || content == second)
        << "kill " << kill << " left " << content.size() << " bytes";
  }
  // A killed writer may leave its temporary file, never another name.
  for (const std::string& name : entries()) {
    EXPECT_TRUE(name == "result.json" || name.starts_with(".result.json.tmp-")) << name;
  }
}

TEST_F(AtomicFileTest, CopiesFile) {
  const fs::path source = directory_ / "dump.0002.heap";
  write_text_file_atomically(source, "heap profile: 1: 2 [3: 4] @ heapprofile\n");
  const fs::path target = directory_ / "1-name.heap";
  write_text_file_atomically(target, "old");

  copy_file_atomically(source, target);

  EXPECT_EQ(read(target), "heap profile: 1: 2 [3: 4] @ heapprofile\n");
  EXPECT_EQ(entries(), (std::vector<std::string>{"1-name.heap", "dump.0002.heap"}));
}

TEST_F(AtomicFileTest, CopiesEmptyFile) {
  const fs::path source = directory_ / "empty";
  write_text_file_atomically(source, "");

  copy_file_atomically(source, directory_ / "copy");

  EXPECT_EQ(read(directory_ / "copy"), "");
}

TEST_F(AtomicFileTest, CopyOfMissingFileThrowsWithPath) {
  const fs::path target = directory_ / "copy";
  write_text_file_atomically(target, "old");

  try {
    copy_file_atomically(directory_ / "missing", target);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("missing"), std::string::npos) << error.what();
  }
  EXPECT_EQ(read(target), "old");
}

TEST_F(AtomicFileTest, CommitsTemporaryFile) {
  const fs::path target = directory_ / "1-name.prof";
  write_text_file_atomically(target, "old");
  const fs::path temporary = temporary_path_next_to(target);
  EXPECT_EQ(temporary.parent_path(), directory_);
  EXPECT_TRUE(temporary.filename().string().starts_with(".1-name.prof.tmp-"));
  EXPECT_FALSE(fs::exists(temporary));
  {
    std::ofstream written(temporary);
    written << "profile";
  }
  EXPECT_EQ(read(target), "old");

  commit_temporary_file(temporary, target);

  EXPECT_EQ(read(target), "profile");
  EXPECT_EQ(entries(), std::vector<std::string>{"1-name.prof"});
}

TEST_F(AtomicFileTest, CommitOfMissingTemporaryThrows) {
  const fs::path target = directory_ / "1-name.prof";

  EXPECT_THROW(commit_temporary_file(temporary_path_next_to(target), target), std::runtime_error);
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicFileTest, RemovesTemporaryFilesOfOneProcess) {
  for (const char* name : {".result.json.tmp-41-0", ".report.html.tmp-41-12", ".a.tmp-42-0",
                           "result.json", ".result.json.tmp-41-x", "b.tmp-41-3"}) {
    std::ofstream(directory_ / name) << "x";
  }

  EXPECT_EQ(remove_temporary_files_of(directory_, 41), 2);

  EXPECT_EQ(entries(), (std::vector<std::string>{".a.tmp-42-0", ".result.json.tmp-41-x",
                                                 "b.tmp-41-3", "result.json"}));
}

}  // namespace
}  // namespace paybench::reports
