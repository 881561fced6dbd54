// FileLogEventStore: an EventStore in one append-only file, in the format of event_log_format.h.
//
// Durability: each append writes one checksummed record and, by default, calls fdatasync before
// it returns, so an append that returned survives a crash of the process or of the machine.
// fdatasync also writes the new file size, because reading the record back needs it (see
// fdatasync(2)). Appends hold the store's mutex across the write and the fdatasync, so they run
// one at a time (no group commit).
//
// Opening scans the whole file, checks every record and rebuilds the index in memory: for each
// stream its version and its records, and for each record its offset and first position.
// A record is damaged when it is incomplete, its header checksum or event count is invalid, or
// its payload checksum fails. A damaged record after which no intact record starts, at any
// offset, is a torn tail: the remains of an append that had not returned when the process or the
// machine crashed. Opening truncates a torn tail and reports its size in truncated_tail_bytes().
// A damaged record followed by an intact one is corruption, and opening throws EventStoreError
// with its offset.
//
// One file may be open in one FileLogEventStore at a time, because the constructor takes an
// exclusive flock() on it and throws if another open file description holds one.
//
// After an I/O error in append() the store throws EventStoreError from every later append,
// because the state of the file is unknown until it is scanned again. Reads keep working.
// Reopen the store to continue.

#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "paybench/eventsourcing/event_store.h"

namespace paybench {

struct FileLogEventStoreOptions {
  // Calls fdatasync after each append. Without it an append that returned can be lost or torn
  // when the machine crashes, but not when only the process does.
  // NOTE: without it, a machine crash can also damage a record that other records follow, and
  // opening then reports corruption instead of a torn tail.
  bool sync_each_append = true;
};

class FileLogEventStore final : public EventStore {
 public:
  // Opens the log at `path`, creating it (and syncing its directory) if it does not exist.
  // Throws EventStoreError naming the path when it cannot be opened, locked, read or repaired,
  // when it is not an event log, or when it is corrupt.
  explicit FileLogEventStore(std::filesystem::path path, FileLogEventStoreOptions options = {});
  ~FileLogEventStore() override;

  FileLogEventStore(const FileLogEventStore&) = delete;
  FileLogEventStore& operator=(const FileLogEventStore&) = delete;

  [[nodiscard]] std::string_view name() const override { return "file_log"; }

  // Throws std::invalid_argument for more than event_log::kMaxEventsPerRecord events, on top of
  // the checks of EventStore::append.
  AppendResult append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                      std::span<const PaymentEvent> events) override;

  [[nodiscard]] std::vector<PaymentEvent> load(std::uint64_t aggregate_id) const override;

  [[nodiscard]] std::uint64_t version(std::uint64_t aggregate_id) const override;

  [[nodiscard]] std::uint64_t end_position() const override;

  using EventStore::read_all;
  std::uint64_t read_all(std::uint64_t from_position,
                         const RecordedEventConsumer& consume) const override;

  // Bytes of torn tail that opening removed, 0 when the file ended with a complete record.
  [[nodiscard]] std::uint64_t truncated_tail_bytes() const noexcept {
    return truncated_tail_bytes_;
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  static constexpr std::uint64_t kNoRecord = std::numeric_limits<std::uint64_t>::max();

  // One record of the file, which is one append.
  struct RecordRef {
    std::uint64_t offset = 0;          // File offset of the record header.
    std::uint64_t first_position = 0;  // Position of the record's first event.
    std::uint32_t event_count = 0;
    // Index in records_ of the same stream's previous record, or kNoRecord.
    std::uint64_t previous_in_stream = kNoRecord;
  };

  struct Stream {
    std::uint64_t version = 0;
    std::uint64_t last_record = kNoRecord;  // Index in records_.
  };

  class Scanner;

  void open_and_lock();
  void scan();
  void check_record_continues_stream_locked(std::uint64_t offset,
                                            std::span<const PaymentEvent> events) const;
  void truncate_to(std::uint64_t size);
  void add_record_locked(std::uint64_t offset, std::span<const PaymentEvent> events);

  std::vector<unsigned char> read_bytes(std::uint64_t offset, std::size_t size) const;
  // Checks both checksums of the record in `record`, which must be exactly the record's bytes,
  // and decodes its events. Throws EventStoreError for a damaged record.
  std::vector<PaymentEvent> decode_verified_record(std::uint64_t offset,
                                                   std::span<const unsigned char> record) const;
  std::vector<PaymentEvent> decode_events(std::uint64_t offset,
                                          std::span<const unsigned char> payload) const;
  [[noreturn]] void throw_damaged_record(std::uint64_t offset) const;
  [[noreturn]] void throw_io_error(std::string_view action, int error) const;

  const std::filesystem::path path_;
  const FileLogEventStoreOptions options_;
  int fd_ = -1;
  std::uint64_t truncated_tail_bytes_ = 0;  // Set by the constructor only.

  mutable std::mutex mutex_;
  // Guarded by mutex_. Bytes of the file that belong to complete records. Bytes below it never
  // change, so readers read them with pread() after releasing the mutex.
  std::uint64_t end_offset_ = 0;
  std::uint64_t end_position_ = 0;                     // Guarded by mutex_.
  std::vector<RecordRef> records_;                     // Guarded by mutex_. In file order.
  std::unordered_map<std::uint64_t, Stream> streams_;  // Guarded by mutex_.
  // Guarded by mutex_. The error that stopped appends, empty while appends work.
  std::string failure_;
  std::vector<unsigned char> write_buffer_;  // Guarded by mutex_. Reused by append().
};

}  // namespace paybench
