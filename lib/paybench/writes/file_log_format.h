// The byte format of FileLogSink's log: encoding a record, decoding it, and checking a file's
// records in order for complete, incomplete and corrupt batches. This file does no I/O.
//
// Format, integers little-endian:
// - A header of the 8 ASCII bytes "PAYBLOG1" (format version 1), written with the first batch.
//   An empty file is an empty log.
// - One record of kRecordSize = 48 bytes per row, a batch's records contiguous:
//     offset  0  u64      id
//     offset  8  i64      amount_minor
//     offset 16  i64      created_at_us
//     offset 24  u32      merchant_id
//     offset 28  char[3]  currency
//     offset 31  u8       0, reserved
//     offset 32  u64      batch sequence: 0 for the first batch of the file, then +1 per batch
//     offset 40  u32      records left in the same batch after this one, 0 in its last record
//     offset 44  u32      CRC-32 of bytes 0 to 43, as zlib's crc32() computes it
//
// A batch is complete when all of its records pass the checksum and its last record is present.
// An incomplete batch is allowed only at the end of the file, where a crash during a write
// leaves it. A damaged record followed by a record of a later batch is corruption, and so is a
// record whose batch sequence or count of records left does not continue the record before it.

#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/writes/payment_row.h"

namespace paybench::file_log {

inline constexpr std::string_view kMagic = "PAYBLOG1";
inline constexpr std::size_t kHeaderSize = kMagic.size();
inline constexpr std::size_t kRecordSize = 48;

// Writes the kRecordSize bytes of `row`'s record, checksum included, to `out`.
void encode_record(const PaymentRow& row, std::uint64_t batch_sequence, std::uint32_t records_left,
                   std::byte* out);

struct DecodedRecord {
  PaymentRow row;
  std::uint64_t batch_sequence = 0;
  std::uint32_t records_left = 0;
};

// Returns the fields of the kRecordSize bytes at `in`, or std::nullopt when the checksum does not
// match.
[[nodiscard]] std::optional<DecodedRecord> decode_record(const std::byte* in);

// Result of reading a log from its start.
struct LogScan {
  // Length of the header and the complete batches. Anything after it is an incomplete batch.
  // 0 for an empty log or one whose first write stopped inside the header.
  std::uint64_t valid_size = 0;
  std::uint64_t batch_count = 0;
};

// Checks records one after the other, from the first after the header, and collects the rows of
// complete batches.
class LogScanner {
 public:
  // Appends the rows of complete batches to `rows` unless it is null. `path` is only named in
  // error messages, and must outlive the scanner.
  LogScanner(const std::filesystem::path& path, std::vector<PaymentRow>* rows)
      : path_(path), rows_(rows) {}

  // Checks the record at file offset `offset`, whose kRecordSize bytes start at `record`. Throws
  // SinkError naming the path and the offset when the log is corrupt.
  void scan_record(std::uint64_t offset, const std::byte* record);

  [[nodiscard]] LogScan result() const { return LogScan{valid_size_, batch_count_}; }

 private:
  void check_framing(std::uint64_t offset, const DecodedRecord& record) const;

  [[noreturn]] void throw_corrupt(const std::string& detail) const;

  const std::filesystem::path& path_;
  std::vector<PaymentRow>* rows_;
  // Rows of the batch being read, appended to rows_ once its last record is read.
  std::vector<PaymentRow> batch_rows_;
  std::uint64_t valid_size_ = kHeaderSize;
  std::uint64_t batch_count_ = 0;
  bool in_batch_ = false;
  std::uint32_t records_left_ = 0;
  std::optional<std::uint64_t> first_damaged_offset_;
};

}  // namespace paybench::file_log
