#include "paybench/reports/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;

// How many temporary names to try before giving up. A name only collides with a leftover from
// a crashed writer that had the same process id.
constexpr int kMaxTemporaryNameAttempts = 100;

[[noreturn]] void throw_failure(const fs::path& target, const std::string& step, int error) {
  throw std::runtime_error("writing " + target.string() + " failed: " + step + ": " +
                           std::strerror(error));
}

// Closes the descriptor and removes the temporary file unless release() was called.
class TemporaryFile {
 public:
  TemporaryFile(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  ~TemporaryFile() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    if (!released_) {
      ::unlink(path_.c_str());
    }
  }

  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }

  // Closes the descriptor and reports close's errno (0 on success); NFS reports write errors
  // only at close.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

  void release() { released_ = true; }

 private:
  int fd_;
  fs::path path_;
  bool released_ = false;
};

TemporaryFile create_temporary_next_to(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");

  for (int attempt = 0; attempt < kMaxTemporaryNameAttempts; ++attempt) {
    const std::string name = "." + target.filename().string() + ".tmp-" +
                             std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
    fs::path candidate = directory / name;

    // 0666 minus the umask, as for any new file, rather than mkstemp's 0600.
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      return TemporaryFile(fd, std::move(candidate));
    }
    if (errno != EEXIST) {
      throw_failure(target, "creating temporary file " + candidate.string(), errno);
    }
  }
  throw_failure(target, "creating a temporary file in " + directory.string(), EEXIST);
}

void write_all(const TemporaryFile& file, const fs::path& target, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(file.fd(), content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_failure(target, "writing temporary file " + file.path().string(), errno);
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Makes the rename itself durable. Best effort: the new file is already complete and in place
// when this runs, so a failure here is not reported.
void sync_directory_of(const fs::path& target) {
  const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void write_text_file_atomically(const fs::path& path, std::string_view content) {
  TemporaryFile temporary = create_temporary_next_to(path);

  write_all(temporary, path, content);
  if (::fsync(temporary.fd()) != 0) {
    throw_failure(path, "fsync of temporary file " + temporary.path().string(), errno);
  }
  if (const int error = temporary.close(); error != 0) {
    throw_failure(path, "closing temporary file " + temporary.path().string(), error);
  }

  if (::rename(temporary.path().c_str(), path.c_str()) != 0) {
    throw_failure(path, "renaming " + temporary.path().string() + " over it", errno);
  }
  temporary.release();

  sync_directory_of(path);
}

}  // namespace paybench::reports
