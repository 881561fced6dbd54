#include "paybench/reports/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
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

fs::path directory_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

std::string temporary_marker(int pid) { return ".tmp-" + std::to_string(pid) + "-"; }

// Returns a new name ".<target name>.tmp-<pid>-<n>" in the directory of `target`.
fs::path next_temporary_name(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  const std::string name = "." + target.filename().string() + temporary_marker(::getpid()) +
                           std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  return directory_of(target) / name;
}

// Creates the directory of `target` and its missing parents, as `mkdir -p` does.
void create_directory_of(const fs::path& target) {
  const fs::path directory = directory_of(target);
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    throw std::runtime_error("writing " + target.string() + " failed: creating its directory " +
                             directory.string() + ": " + error.message());
  }
}

TemporaryFile create_temporary_next_to(const fs::path& target) {
  const fs::path directory = directory_of(target);
  create_directory_of(target);

  for (int attempt = 0; attempt < kMaxTemporaryNameAttempts; ++attempt) {
    fs::path candidate = next_temporary_name(target);

    // 0666 minus the umask, as for any new file, rather than mkstemp's 0600.
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      return TemporaryFile(fd, std::move(candidate));
    }
    // The temporary name means nothing to the caller, who chose the directory and the file.
    if (errno != EEXIST) {
      throw_failure(target, "creating a file in directory " + directory.string(), errno);
    }
  }
  throw_failure(target, "creating a temporary file in directory " + directory.string(), EEXIST);
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
  const fs::path directory = directory_of(target);
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

void copy_file_atomically(const fs::path& source, const fs::path& path) {
  std::ifstream input(source, std::ios::binary);
  std::string content;
  if (input)
    content.assign(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
  if (!input.is_open() || input.bad()) {
    const int error = errno;
    throw std::runtime_error("copying " + source.string() + " to " + path.string() +
                             " failed: cannot read " + source.string() + ": " +
                             std::strerror(error));
  }
  write_text_file_atomically(path, content);
}

fs::path temporary_path_next_to(const fs::path& path) { return next_temporary_name(path); }

void commit_temporary_file(const fs::path& temporary, const fs::path& path) {
  TemporaryFile file(::open(temporary.c_str(), O_RDONLY | O_CLOEXEC), temporary);
  if (file.fd() < 0) {
    const int error = errno;
    throw_failure(path, "opening temporary file " + temporary.string(), error);
  }
  if (::fsync(file.fd()) != 0) {
    const int error = errno;
    throw_failure(path, "fsync of temporary file " + temporary.string(), error);
  }
  if (const int error = file.close(); error != 0) {
    throw_failure(path, "closing temporary file " + temporary.string(), error);
  }

  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    throw_failure(path, "renaming " + temporary.string() + " over it", error);
  }
  file.release();
  sync_directory_of(path);
}

int remove_temporary_files_of(const fs::path& directory, int pid) {
  const std::string marker = temporary_marker(pid);
  int removed = 0;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    const std::size_t at = name.rfind(marker);
    if (!name.starts_with('.') || at == std::string::npos) continue;
    const std::string counter = name.substr(at + marker.size());
    const bool is_counter =
        !counter.empty() && counter.find_first_not_of("0123456789") == std::string::npos;
    if (!is_counter) continue;
    std::error_code ignored;
    if (fs::remove(entry.path(), ignored)) ++removed;
  }
  return removed;
}

}  // namespace paybench::reports
