#include "paybench/writes/file_log_sink.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "paybench/writes/file_log_format.h"

namespace paybench {
namespace {

// Records read per pread(2) while scanning: 16,384 records are 768 KiB, few enough system calls
// per gigabyte and a buffer small enough to allocate for every scan.
constexpr std::size_t kScanChunkRecords = 16384;

constexpr std::string_view kPrefix = "file_log sink: ";

// File mode for a new log before the umask: read and write for the owner, read for others.
constexpr mode_t kNewFileMode = 0644;

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::string error_text(int error) { return std::system_category().message(error); }

// Returns what the user should do about a failed system call on the log file.
std::string_view advice_for(int error) {
  switch (error) {
    case ENOENT:
      return "Create the directory first or pass a path in an existing directory.";
    case EACCES:
    case EPERM:
    case EROFS:
      return "Pass a path in a directory that this user can write to.";
    case EISDIR:
      return "Pass the path of a file, not of a directory.";
    case ENOTDIR:
      return "A component of the path is not a directory: check the path.";
    case ENOSPC:
    case EDQUOT:
      return "Free space on that file system or pass a path on another one.";
    case EFBIG:
      return "The file reached the process's file size limit (ulimit -f) or the file system's "
             "maximum file size: raise the limit or start a new log.";
    case EIO:
      return "Check the storage device and the kernel log (dmesg).";
    default:
      return "Check the path and the file system.";
  }
}

// Throws SinkError for `operation` on `path` that failed with errno value `error`, such as
// "file_log sink: opening '/x/p.log' failed: No such file or directory. Create ...".
// `detail` follows the path, as in "truncating '/x/p.log' back to 56 bytes failed".
[[noreturn]] void throw_system_error(std::string_view operation, const std::filesystem::path& path,
                                     int error, std::string_view detail = {}) {
  throw SinkError(std::string(kPrefix) + std::string(operation) + " " + quoted(path) +
                  std::string(detail) + " failed: " + error_text(error) + ". " +
                  std::string(advice_for(error)));
}

// Runs `call` again while it fails with EINTR. Returns its last result.
template <class Call>
int retry_on_interrupt(Call call) {
  int result = 0;
  do {
    result = call();
  } while (result != 0 && errno == EINTR);
  return result;
}

std::uint64_t file_size_of(int fd, const std::filesystem::path& path) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    throw_system_error("reading the size of", path, errno);
  }
  return static_cast<std::uint64_t>(status.st_size);
}

// Reads exactly `size` bytes at `offset`. Throws SinkError on failure or when the file ends
// first, which means that something else truncated it.
void read_exactly(int fd, const std::filesystem::path& path, std::byte* out, std::size_t size,
                  std::uint64_t offset) {
  while (size > 0) {
    const ssize_t count = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      throw_system_error("reading", path, errno);
    }
    if (count == 0) {
      throw SinkError(std::string(kPrefix) + quoted(path) +
                      " became shorter while it was read at offset " + std::to_string(offset) +
                      ". Make sure that nothing else writes to the file while a sink has it open.");
    }
    out += count;
    size -= static_cast<std::size_t>(count);
    offset += static_cast<std::uint64_t>(count);
  }
}

// Writes all of `bytes` at `offset`, looping over short writes. Returns 0, or the errno of the
// failed pwrite.
int write_fully(int fd, std::span<const std::byte> bytes, std::uint64_t offset) {
  while (!bytes.empty()) {
    const ssize_t count = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      return errno;
    }
    // pwrite(2) on a regular file returns 0 only for an empty request, so 0 here means that
    // the write made no progress: report it instead of looping forever.
    if (count == 0) {
      return EIO;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(count));
    offset += static_cast<std::uint64_t>(count);
  }
  return 0;
}

// fsync(2) on the directory that contains `path`, so that a newly created file's directory
// entry survives a crash of the machine.
void sync_parent_directory(const std::filesystem::path& path) {
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
  const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) {
    throw_system_error("opening the directory", directory, errno);
  }
  const int sync_result = retry_on_interrupt([&] { return ::fsync(directory_fd); });
  const int sync_error = errno;
  ::close(directory_fd);
  if (sync_result != 0) {
    throw_system_error("fsync of the directory", directory, sync_error);
  }
}

// Reads the whole log behind `fd` and verifies every checksum. Appends the rows of complete
// batches to `rows` unless it is null. Throws SinkError when the file is not a log, cannot be
// read or is corrupt.
file_log::LogScan scan_log(int fd, const std::filesystem::path& path,
                           std::vector<PaymentRow>* rows) {
  const std::uint64_t file_size = file_size_of(fd, path);
  if (file_size == 0) {
    return file_log::LogScan{};
  }

  std::array<std::byte, file_log::kHeaderSize> header{};
  const auto header_bytes =
      static_cast<std::size_t>(std::min<std::uint64_t>(file_size, file_log::kHeaderSize));
  read_exactly(fd, path, header.data(), header_bytes, 0);
  if (std::memcmp(header.data(), file_log::kMagic.data(), header_bytes) != 0) {
    throw SinkError(std::string(kPrefix) + quoted(path) +
                    " is not a paybench file log, because it does not start with \"" +
                    std::string(file_log::kMagic) +
                    "\". Pass the path of a new file or of a log that FileLogSink wrote.");
  }
  const bool header_cut_short = file_size < file_log::kHeaderSize;
  if (header_cut_short) {
    return file_log::LogScan{};
  }

  file_log::LogScanner scanner(path, rows);
  std::vector<std::byte> chunk(kScanChunkRecords * file_log::kRecordSize);
  std::uint64_t offset = file_log::kHeaderSize;
  while (file_size - offset >= file_log::kRecordSize) {
    const std::uint64_t record_count =
        std::min<std::uint64_t>((file_size - offset) / file_log::kRecordSize, kScanChunkRecords);
    const auto chunk_bytes = static_cast<std::size_t>(record_count * file_log::kRecordSize);
    read_exactly(fd, path, chunk.data(), chunk_bytes, offset);

    for (std::size_t i = 0; i < record_count; ++i) {
      scanner.scan_record(offset + i * file_log::kRecordSize,
                          chunk.data() + i * file_log::kRecordSize);
    }
    offset += chunk_bytes;
  }
  // Fewer than kRecordSize bytes left: a record cut short, part of the incomplete batch.
  return scanner.result();
}

}  // namespace

FileLogSink::FileLogSink(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kNewFileMode);
  if (fd_ < 0) {
    throw_system_error("creating or opening", path_, errno);
  }

  try {
    struct stat status {};
    if (::fstat(fd_, &status) != 0) {
      throw_system_error("reading the status of", path_, errno);
    }
    if (!S_ISREG(status.st_mode)) {
      throw SinkError(std::string(kPrefix) + quoted(path_) +
                      " is not a regular file. Pass the path of a regular file.");
    }

    if (retry_on_interrupt([this] { return ::flock(fd_, LOCK_EX | LOCK_NB); }) != 0) {
      if (errno == EWOULDBLOCK) {
        throw SinkError(std::string(kPrefix) + quoted(path_) +
                        " is locked by another FileLogSink in this or another process. Close "
                        "that sink first or pass another path.");
      }
      throw_system_error("locking", path_, errno);
    }

    const std::uint64_t file_size = file_size_of(fd_, path_);
    const file_log::LogScan scan = scan_log(fd_, path_, nullptr);
    if (scan.valid_size < file_size) {
      committed_size_ = scan.valid_size;
      roll_back();
      truncated_bytes_at_open_ = file_size - scan.valid_size;
    }
    committed_size_ = scan.valid_size;
    next_batch_sequence_ = scan.batch_count;

    sync_parent_directory(path_);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

FileLogSink::~FileLogSink() {
  // A close error cannot lose data here: every confirmed batch was synced by fdatasync.
  ::close(fd_);
}

std::string_view FileLogSink::name() const { return "file_log"; }

void FileLogSink::write_batch(std::span<const PaymentRow> rows) {
  if (rows.empty()) {
    return;
  }
  if (rows.size() > kMaxBatchRows) {
    throw SinkError(std::string(kPrefix) + "a batch of " + std::to_string(rows.size()) +
                    " rows is above the maximum of " + std::to_string(kMaxBatchRows) +
                    " rows per batch. Use a smaller batch size.");
  }
  if (rollback_pending_) {
    roll_back();
  }

  encode_batch(rows);

  const int write_error = write_fully(fd_, buffer_, committed_size_);
  if (write_error != 0) {
    fail_batch("writing", rows.size(), write_error);
  }
  if (retry_on_interrupt([this] { return ::fdatasync(fd_); }) != 0) {
    fail_batch("fdatasync of", rows.size(), errno);
  }

  committed_size_ += buffer_.size();
  ++next_batch_sequence_;
}

void FileLogSink::encode_batch(std::span<const PaymentRow> rows) {
  const bool needs_header = committed_size_ == 0;
  const std::size_t header_bytes = needs_header ? kHeaderSize : 0;
  try {
    buffer_.resize(header_bytes + rows.size() * kRecordSize);
  } catch (const std::bad_alloc&) {
    throw SinkError(std::string(kPrefix) + "out of memory while encoding a batch of " +
                    std::to_string(rows.size()) + " rows. Use a smaller batch size.");
  }

  std::byte* out = buffer_.data();
  if (needs_header) {
    std::memcpy(out, kMagic.data(), kHeaderSize);
    out += kHeaderSize;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto records_left = static_cast<std::uint32_t>(rows.size() - 1 - i);
    file_log::encode_record(rows[i], next_batch_sequence_, records_left, out);
    out += kRecordSize;
  }
}

void FileLogSink::fail_batch(std::string_view operation, std::size_t row_count, int error) {
  std::string outcome;
  try {
    roll_back();
    outcome = "The file was truncated back to " + std::to_string(committed_size_) +
              " bytes, so no row of the batch is stored.";
  } catch (const SinkError& rollback_error) {
    outcome =
        "Truncating the file back failed too, so the batch may remain in it until the "
        "next write_batch(), stored_ids() or clear() retries: " +
        std::string(rollback_error.what());
  }
  throw SinkError(std::string(kPrefix) + std::string(operation) + " a batch of " +
                  std::to_string(row_count) + " rows (" + std::to_string(buffer_.size()) +
                  " bytes) to " + quoted(path_) + " failed: " + error_text(error) + ". " + outcome +
                  " " + std::string(advice_for(error)));
}

void FileLogSink::roll_back() {
  rollback_pending_ = true;
  const off_t length = static_cast<off_t>(committed_size_);
  if (retry_on_interrupt([&] { return ::ftruncate(fd_, length); }) != 0) {
    throw_system_error("truncating", path_, errno,
                       " back to " + std::to_string(committed_size_) + " bytes");
  }
  if (retry_on_interrupt([this] { return ::fdatasync(fd_); }) != 0) {
    throw_system_error("fdatasync of", path_, errno, " after truncating it back");
  }
  rollback_pending_ = false;
}

std::vector<std::uint64_t> FileLogSink::stored_ids() {
  const std::vector<PaymentRow> rows = stored_rows();
  std::vector<std::uint64_t> ids;
  ids.reserve(rows.size());
  for (const PaymentRow& row : rows) {
    ids.push_back(row.id);
  }
  return ids;
}

std::vector<PaymentRow> FileLogSink::stored_rows() {
  // A failed batch that is still in the file must not be read as stored.
  if (rollback_pending_) {
    roll_back();
  }
  std::vector<PaymentRow> rows;
  scan_log(fd_, path_, &rows);
  return rows;
}

void FileLogSink::clear() {
  if (retry_on_interrupt([this] { return ::ftruncate(fd_, 0); }) != 0) {
    throw_system_error("truncating", path_, errno);
  }
  committed_size_ = 0;
  next_batch_sequence_ = 0;
  rollback_pending_ = false;

  if (retry_on_interrupt([this] { return ::fdatasync(fd_); }) != 0) {
    throw_system_error("fdatasync of", path_, errno, " after truncating it");
  }
}

}  // namespace paybench
