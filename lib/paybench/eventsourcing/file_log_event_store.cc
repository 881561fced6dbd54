#include "paybench/eventsourcing/file_log_event_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "paybench/eventsourcing/event_log_format.h"

namespace paybench {
namespace {

using event_log::kFileHeaderBytes;
using event_log::kFileMagic;
using event_log::kRecordHeaderBytes;
using event_log::record_bytes;
using event_log::RecordHeader;

// Bytes that the scan and read_all() read per pread() call.
constexpr std::size_t kReadWindowBytes = std::size_t{1} << 20;

// Events passed to the consumer of read_all() per call.
constexpr std::size_t kReadBatchSize = 1024;

std::string error_text(int error) { return std::generic_category().message(error); }

// Writes every byte of `bytes` at `offset`. Returns 0, or the errno of the failed write.
int write_fully(int fd, std::span<const unsigned char> bytes, std::uint64_t offset) {
  while (!bytes.empty()) {
    const ssize_t written = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
    offset += static_cast<std::uint64_t>(written);
  }
  return 0;
}

// Calls fsync on the directory that contains `path`, so that the directory entry of a new file
// survives a crash. Returns 0, or the errno of the failed call.
int sync_parent_directory(const std::filesystem::path& path) {
  const std::filesystem::path parent =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  const int error = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

}  // namespace

// Reads a range of the file through a window of kReadWindowBytes, so that walking the records
// one by one costs one pread() per window instead of two per record.
class FileLogEventStore::Scanner {
 public:
  Scanner(const FileLogEventStore& store, std::uint64_t end_offset)
      : store_(store), end_offset_(end_offset) {}

  // Returns `size` bytes at `offset`, valid until the next call. The range must end at or before
  // the end offset.
  std::span<const unsigned char> bytes(std::uint64_t offset, std::size_t size) {
    const bool is_in_window =
        offset >= window_offset_ && offset + size <= window_offset_ + window_.size();
    if (!is_in_window) {
      const std::uint64_t available = end_offset_ - offset;
      const std::size_t window_size = std::max<std::size_t>(
          size, static_cast<std::size_t>(std::min<std::uint64_t>(kReadWindowBytes, available)));
      window_ = store_.read_bytes(offset, window_size);
      window_offset_ = offset;
    }
    return std::span<const unsigned char>(window_).subspan(offset - window_offset_, size);
  }

  // Returns the header of the record at `offset` if a complete record with valid checksums
  // starts there, or nothing.
  std::optional<RecordHeader> intact_record_at(std::uint64_t offset) {
    if (end_offset_ - offset < kRecordHeaderBytes) {
      return std::nullopt;
    }
    const RecordHeader header = event_log::decode_record_header(bytes(offset, kRecordHeaderBytes));
    if (!event_log::is_valid_header(header)) {
      return std::nullopt;
    }
    const std::size_t size = record_bytes(header.event_count);
    if (end_offset_ - offset < size) {
      return std::nullopt;
    }
    const auto payload = bytes(offset + kRecordHeaderBytes, size - kRecordHeaderBytes);
    if (!event_log::is_valid_payload(header, payload)) {
      return std::nullopt;
    }
    return header;
  }

 private:
  const FileLogEventStore& store_;
  const std::uint64_t end_offset_;
  std::vector<unsigned char> window_;
  std::uint64_t window_offset_ = 0;
};

FileLogEventStore::FileLogEventStore(std::filesystem::path path, FileLogEventStoreOptions options)
    : path_(std::move(path)), options_(options) {
  open_and_lock();
  try {
    scan();
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

FileLogEventStore::~FileLogEventStore() { ::close(fd_); }

void FileLogEventStore::open_and_lock() {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw_io_error("open", errno);
  }

  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    if (error == EWOULDBLOCK) {
      throw EventStoreError("file_log event store: " + path_.string() +
                            " is already open in another FileLogEventStore; close that store "
                            "first, because two writers would corrupt the log");
    }
    throw_io_error("flock", error);
  }
}

void FileLogEventStore::scan() {
  struct stat status {};
  if (::fstat(fd_, &status) != 0) {
    throw_io_error("fstat", errno);
  }
  const auto file_size = static_cast<std::uint64_t>(status.st_size);

  // A file shorter than the header is new, or was torn while it was being created.
  if (file_size < kFileHeaderBytes) {
    const std::vector<unsigned char> start = read_bytes(0, file_size);
    const bool is_torn_header = std::equal(start.begin(), start.end(), kFileMagic.begin());
    if (!is_torn_header) {
      throw EventStoreError("file_log event store: " + path_.string() +
                            " is not an event log: it is shorter than the 8-byte header and "
                            "does not start with PBEVLOG1");
    }
    truncated_tail_bytes_ = file_size;
    const int error = write_fully(fd_, kFileMagic, 0);
    if (error != 0) {
      throw_io_error("write the header of", error);
    }
    if (::fdatasync(fd_) != 0) {
      throw_io_error("fdatasync", errno);
    }
    const int directory_error = sync_parent_directory(path_);
    if (directory_error != 0) {
      throw_io_error("fsync the directory of", directory_error);
    }
    end_offset_ = kFileHeaderBytes;
    return;
  }

  Scanner scanner(*this, file_size);
  const auto magic = scanner.bytes(0, kFileHeaderBytes);
  if (!std::equal(magic.begin(), magic.end(), kFileMagic.begin())) {
    throw EventStoreError("file_log event store: " + path_.string() +
                          " is not an event log: it does not start with PBEVLOG1");
  }

  // The constructor runs alone, but add_record_locked() expects the lock.
  std::lock_guard lock(mutex_);
  std::uint64_t offset = kFileHeaderBytes;
  end_offset_ = offset;
  while (offset < file_size) {
    const std::optional<RecordHeader> header = scanner.intact_record_at(offset);
    if (!header) {
      // Only the last append can be torn, so any intact record after the damage means that
      // bytes of appends that had returned were damaged later.
      for (std::uint64_t later = offset + 1; later < file_size; ++later) {
        if (scanner.intact_record_at(later)) {
          throw EventStoreError("file_log event store: " + path_.string() +
                                " is corrupt: the record at offset " + std::to_string(offset) +
                                " is damaged, and an intact record follows at offset " +
                                std::to_string(later) + "; restore the file from a backup");
        }
      }
      truncated_tail_bytes_ = file_size - offset;
      truncate_to(offset);
      break;
    }

    const std::size_t size = record_bytes(header->event_count);
    const auto payload = scanner.bytes(offset + kRecordHeaderBytes, size - kRecordHeaderBytes);
    const std::vector<PaymentEvent> events = decode_events(offset, payload);
    check_record_continues_stream_locked(offset, events);
    add_record_locked(offset, events);
    offset += size;
  }
}

void FileLogEventStore::check_record_continues_stream_locked(
    std::uint64_t offset, std::span<const PaymentEvent> events) const {
  const std::uint64_t aggregate_id = events.front().aggregate_id;
  const auto stream = streams_.find(aggregate_id);
  const std::uint64_t version = stream == streams_.end() ? 0 : stream->second.version;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const bool continues =
        events[i].aggregate_id == aggregate_id && events[i].version == version + 1 + i;
    if (!continues) {
      throw EventStoreError(
          "file_log event store: " + path_.string() + " is corrupt: event " + std::to_string(i) +
          " of the record at offset " + std::to_string(offset) + " is version " +
          std::to_string(events[i].version) + " of stream " +
          std::to_string(events[i].aggregate_id) + ", expected version " +
          std::to_string(version + 1 + i) + " of stream " + std::to_string(aggregate_id));
    }
  }
}

void FileLogEventStore::truncate_to(std::uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    throw_io_error("truncate the torn tail of", errno);
  }
  if (::fdatasync(fd_) != 0) {
    throw_io_error("fdatasync", errno);
  }
}

void FileLogEventStore::add_record_locked(std::uint64_t offset,
                                          std::span<const PaymentEvent> events) {
  Stream& stream = streams_[events.front().aggregate_id];
  const auto event_count = static_cast<std::uint32_t>(events.size());
  records_.push_back({offset, end_position_, event_count, stream.last_record});
  stream.last_record = records_.size() - 1;
  stream.version += event_count;
  end_position_ += event_count;
  end_offset_ = offset + record_bytes(event_count);
}

AppendResult FileLogEventStore::append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                                       std::span<const PaymentEvent> events) {
  validate_append(name(), aggregate_id, expected_version, events);
  if (events.size() > event_log::kMaxEventsPerRecord) {
    throw std::invalid_argument(
        "file_log event store: invalid append to stream " + std::to_string(aggregate_id) + ": " +
        std::to_string(events.size()) +
        " events, but one append takes "
        "at most " +
        std::to_string(event_log::kMaxEventsPerRecord) + "; split it into several appends");
  }

  std::lock_guard lock(mutex_);
  if (!failure_.empty()) {
    throw EventStoreError("file_log event store: appends to " + path_.string() +
                          " stopped after an earlier error (" + failure_ +
                          "); reopen the store to scan the file again");
  }
  const auto stream = streams_.find(aggregate_id);
  const std::uint64_t actual_version = stream == streams_.end() ? 0 : stream->second.version;
  if (actual_version != expected_version) {
    return AppendResult::rejected({aggregate_id, expected_version, actual_version});
  }

  // Allocate before writing, so that recording a written append in the index cannot throw.
  write_buffer_.clear();
  event_log::encode_record(events, write_buffer_);
  if (records_.size() == records_.capacity()) {
    records_.reserve(2 * records_.capacity() + 1);  // Geometric, as push_back would grow it.
  }
  streams_.try_emplace(aggregate_id);

  const int write_error = write_fully(fd_, write_buffer_, end_offset_);
  const bool needs_sync = write_error == 0 && options_.sync_each_append;
  const int sync_error = needs_sync && ::fdatasync(fd_) != 0 ? errno : 0;
  if (write_error != 0 || sync_error != 0) {
    // Cut the record so that the running store and a later scan agree that it is absent. After a
    // failed fdatasync the record may still have reached the disk, so its outcome is unknown.
    const bool is_cut = ::ftruncate(fd_, static_cast<off_t>(end_offset_)) == 0;
    failure_ = (write_error != 0 ? "write failed: " + error_text(write_error)
                                 : "fdatasync failed: " + error_text(sync_error)) +
               (is_cut ? "" : ", and truncating the partial record failed");
    throw EventStoreError("file_log event store: append to stream " + std::to_string(aggregate_id) +
                          " in " + path_.string() + ": " + failure_ +
                          "; the append may or may not survive a crash");
  }

  const std::uint64_t first_position = end_position_;
  add_record_locked(end_offset_, events);
  return AppendResult::appended(expected_version + events.size(), first_position);
}

std::vector<PaymentEvent> FileLogEventStore::load(std::uint64_t aggregate_id) const {
  std::vector<RecordRef> stream_records;
  {
    std::lock_guard lock(mutex_);
    const auto stream = streams_.find(aggregate_id);
    if (stream == streams_.end()) {
      return {};
    }
    for (std::uint64_t index = stream->second.last_record; index != kNoRecord;
         index = records_[index].previous_in_stream) {
      stream_records.push_back(records_[index]);
    }
  }
  std::reverse(stream_records.begin(), stream_records.end());

  std::vector<PaymentEvent> events;
  for (const RecordRef& record : stream_records) {
    const std::vector<unsigned char> bytes =
        read_bytes(record.offset, record_bytes(record.event_count));
    const std::vector<PaymentEvent> record_events = decode_verified_record(record.offset, bytes);
    events.insert(events.end(), record_events.begin(), record_events.end());
  }
  return events;
}

std::uint64_t FileLogEventStore::version(std::uint64_t aggregate_id) const {
  std::lock_guard lock(mutex_);
  const auto stream = streams_.find(aggregate_id);
  return stream == streams_.end() ? 0 : stream->second.version;
}

std::uint64_t FileLogEventStore::end_position() const {
  std::lock_guard lock(mutex_);
  return end_position_;
}

std::uint64_t FileLogEventStore::read_all(std::uint64_t from_position,
                                          const RecordedEventConsumer& consume) const {
  std::uint64_t end_position = 0;
  std::uint64_t end_offset = 0;
  RecordRef first_record;
  {
    std::lock_guard lock(mutex_);
    end_position = end_position_;
    end_offset = end_offset_;
    if (from_position > end_position) {
      throw std::invalid_argument("file_log event store: read_all from position " +
                                  std::to_string(from_position) + " is past the end position " +
                                  std::to_string(end_position) +
                                  "; start at most at the end position");
    }
    if (from_position == end_position) {
      return end_position;
    }
    // The last record whose first position is at or before from_position contains it.
    const auto after = std::upper_bound(records_.begin(), records_.end(), from_position,
                                        [](std::uint64_t position, const RecordRef& record) {
                                          return position < record.first_position;
                                        });
    first_record = *std::prev(after);
  }

  // Records lie in the file in position order, so the range is read front to back.
  Scanner scanner(*this, end_offset);
  std::vector<RecordedEvent> batch;
  batch.reserve(kReadBatchSize);
  std::uint64_t offset = first_record.offset;
  std::uint64_t position = first_record.first_position;
  while (offset < end_offset) {
    const RecordHeader header =
        event_log::decode_record_header(scanner.bytes(offset, kRecordHeaderBytes));
    const bool fits = event_log::is_valid_header(header) &&
                      record_bytes(header.event_count) <= end_offset - offset;
    if (!fits) {
      throw_damaged_record(offset);
    }
    const std::size_t size = record_bytes(header.event_count);

    for (const PaymentEvent& event : decode_verified_record(offset, scanner.bytes(offset, size))) {
      if (position >= from_position) {
        batch.push_back({position, event});
      }
      ++position;
    }
    if (batch.size() >= kReadBatchSize) {
      consume(batch);
      batch.clear();
    }
    offset += size;
  }
  if (!batch.empty()) {
    consume(batch);
  }
  return end_position;
}

std::vector<PaymentEvent> FileLogEventStore::decode_verified_record(
    std::uint64_t offset, std::span<const unsigned char> record) const {
  const RecordHeader header = event_log::decode_record_header(record);
  const bool is_intact = event_log::is_valid_header(header) &&
                         record_bytes(header.event_count) == record.size() &&
                         event_log::is_valid_payload(header, record.subspan(kRecordHeaderBytes));
  if (!is_intact) {
    throw_damaged_record(offset);
  }
  return decode_events(offset, record.subspan(kRecordHeaderBytes));
}

void FileLogEventStore::throw_damaged_record(std::uint64_t offset) const {
  throw EventStoreError("file_log event store: " + path_.string() +
                        " is corrupt: the record at offset " + std::to_string(offset) +
                        ", which the scan on open found intact, now fails its checksum");
}

std::vector<PaymentEvent> FileLogEventStore::decode_events(
    std::uint64_t offset, std::span<const unsigned char> payload) const {
  std::vector<PaymentEvent> events;
  events.reserve(payload.size() / event_log::kEventBytes);
  for (std::size_t start = 0; start < payload.size(); start += event_log::kEventBytes) {
    const std::optional<PaymentEvent> event =
        event_log::decode_event(payload.subspan(start, event_log::kEventBytes));
    if (!event) {
      throw EventStoreError("file_log event store: " + path_.string() + " is corrupt: event " +
                            std::to_string(start / event_log::kEventBytes) +
                            " of the record at offset " + std::to_string(offset) +
                            " has an invalid type byte");
    }
    events.push_back(*event);
  }
  return events;
}

std::vector<unsigned char> FileLogEventStore::read_bytes(std::uint64_t offset,
                                                         std::size_t size) const {
  std::vector<unsigned char> bytes(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t count =
        ::pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      throw_io_error("read", errno);
    }
    if (count == 0) {
      throw EventStoreError("file_log event store: " + path_.string() + " ended at offset " +
                            std::to_string(offset + done) + ", expected " +
                            std::to_string(offset + size) +
                            " bytes; was it truncated by "
                            "another program?");
    }
    done += static_cast<std::size_t>(count);
  }
  return bytes;
}

void FileLogEventStore::throw_io_error(std::string_view action, int error) const {
  throw EventStoreError("file_log event store: " + std::string(action) + " " + path_.string() +
                        " failed: " + error_text(error));
}

}  // namespace paybench
