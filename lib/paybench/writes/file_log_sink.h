// FileLogSink: a PaymentSink that appends rows to a binary log file, with one pwrite(2) and one
// fdatasync(2) per batch (group commit). It measures what durable storage costs without a
// database.
//
// File format: an 8-byte header, then one record of 48 bytes per row. Besides the row's fields,
// a record contains its batch's sequence number, the number of records left in its batch and a
// CRC-32 of the record. file_log_format.h has the byte layout.
//
// Durability: write_batch() returns after fdatasync, so a returned batch survives a crash of
// the process or the machine. When the write or the fdatasync fails, the file is truncated back
// to its previous length (ftruncate) and SinkError is thrown, so no row of the batch is stored.
// If that truncation fails too, the failed batch may stay in the file: the next write_batch(),
// stored_ids() or clear() retries the truncation first, but a crash before then leaves the
// batch in the log for the next reader.
//
// Crash during a write: the file may end with a batch that is cut short, zero-filled, or has
// damaged records in any position, because the kernel writes pages in no set order. A reader
// accepts a batch only when all of its records pass the checksum and its last record is
// present. An incomplete batch at the end of the file is ignored by stored_ids(), and the
// constructor truncates it before appending. A damaged record followed by a later batch is
// corruption and raises SinkError. A batch that was written completely but whose fdatasync
// never returned may survive the crash, so the log can contain a batch that write_batch() did
// not confirm.
//
// NOTE: damage to the last batch after its fdatasync (a bad sector, say) looks the same as a
// torn write, so that batch is ignored and truncated instead of reported as corruption.
//
// Locking: the constructor takes an exclusive flock(2) on the file, so a second FileLogSink on
// the same file, in this or another process, fails with SinkError instead of corrupting it.
// Thread safety: as PaymentSink requires, write_batch(), stored_ids() and clear() must not run
// concurrently with each other.

#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "paybench/writes/file_log_format.h"
#include "paybench/writes/payment_row.h"
#include "paybench/writes/payment_sink.h"

namespace paybench {

class FileLogSink final : public PaymentSink {
 public:
  static constexpr std::string_view kMagic = file_log::kMagic;
  static constexpr std::size_t kHeaderSize = file_log::kHeaderSize;
  static constexpr std::size_t kRecordSize = file_log::kRecordSize;
  // The field that counts the records left in a batch is a u32, so a batch has at most 2^32
  // rows.
  static constexpr std::uint64_t kMaxBatchRows = std::uint64_t{1} << 32;

  // Opens the log at `path`, creating it if missing, and locks it. An existing log is verified
  // and appended to, after an incomplete last batch is truncated (see the header comment), so
  // opening reads the whole file once. The directory must exist.
  // Throws SinkError when the file cannot be created or opened (a missing or read-only
  // directory, a directory at `path`, a full disk), and then names the path, the system error
  // and what to do. Also throws SinkError when another FileLogSink has the file locked, or when
  // the file is not a log or is corrupt.
  explicit FileLogSink(std::filesystem::path path);

  FileLogSink(const FileLogSink&) = delete;
  FileLogSink& operator=(const FileLogSink&) = delete;

  // Closes the file, which releases the lock. Every confirmed batch is already on disk.
  ~FileLogSink() override;

  // Returns "file_log".
  [[nodiscard]] std::string_view name() const override;

  // Appends the rows with one write and one fdatasync. An empty batch writes nothing. Throws
  // SinkError, after truncating the file back, when writing or syncing fails or when the batch
  // has more than kMaxBatchRows rows.
  void write_batch(std::span<const PaymentRow> rows) override;

  // Reads the whole file and returns the id of every row in a complete batch. Throws SinkError
  // when the file cannot be read or is corrupt.
  [[nodiscard]] std::vector<std::uint64_t> stored_ids() override;

  // Reads the whole file and returns every row of the complete batches, in file order. Throws
  // as stored_ids() does.
  [[nodiscard]] std::vector<PaymentRow> stored_rows();

  // Truncates the file to 0 bytes and syncs it. Throws SinkError on failure.
  void clear() override;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  // Size in bytes of the incomplete last batch that the constructor truncated, 0 if none.
  [[nodiscard]] std::uint64_t truncated_bytes_at_open() const noexcept {
    return truncated_bytes_at_open_;
  }

 private:
  // Truncates the file to committed_size_ and syncs it. Throws SinkError and leaves
  // rollback_pending_ set on failure.
  void roll_back();

  // Fills buffer_ with the header, if the file has none yet, and the batch's records.
  void encode_batch(std::span<const PaymentRow> rows);

  // Truncates the file back and throws SinkError for a batch whose `operation` failed with
  // errno value `error`.
  [[noreturn]] void fail_batch(std::string_view operation, std::size_t row_count, int error);

  const std::filesystem::path path_;
  int fd_ = -1;
  // Length of the file up to the end of the last confirmed batch, header included.
  std::uint64_t committed_size_ = 0;
  // Sequence number that the next batch writes into its records.
  std::uint64_t next_batch_sequence_ = 0;
  // Set when a failed write could not be truncated back, so the file may be longer than
  // committed_size_. The next write_batch() retries the truncation first.
  bool rollback_pending_ = false;
  std::uint64_t truncated_bytes_at_open_ = 0;
  // The encoded batch, kept between calls to reuse its capacity.
  std::vector<std::byte> buffer_;
};

}  // namespace paybench
