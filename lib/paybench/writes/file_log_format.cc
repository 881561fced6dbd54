#include "paybench/writes/file_log_format.h"

#include <zlib.h>

#include <cstring>
#include <string>
#include <tuple>

#include "paybench/writes/batch_sink.h"

namespace paybench::file_log {
namespace {

// Field offsets within a record, as file_log_format.h lists them.
constexpr std::size_t kIdOffset = 0;
constexpr std::size_t kAmountOffset = 8;
constexpr std::size_t kCreatedAtOffset = 16;
constexpr std::size_t kMerchantOffset = 24;
constexpr std::size_t kCurrencyOffset = 28;
constexpr std::size_t kReservedOffset = 31;
constexpr std::size_t kBatchSequenceOffset = 32;
constexpr std::size_t kRecordsLeftOffset = 40;
constexpr std::size_t kChecksumOffset = 44;
constexpr std::size_t kCurrencySize = std::tuple_size_v<decltype(PaymentRow::currency)>;
static_assert(kCurrencyOffset + kCurrencySize == kReservedOffset,
              "the currency must end where the reserved byte starts");
static_assert(kChecksumOffset + sizeof(std::uint32_t) == kRecordSize,
              "the checksum must be the last field of a record");

void store_little_endian(std::byte* out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
  }
}

std::uint64_t load_little_endian(const std::byte* in, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value |= std::to_integer<std::uint64_t>(in[i]) << (8 * i);
  }
  return value;
}

// Returns zlib's CRC-32 of the bytes before the checksum field. An all-zero record does not
// pass, because CRC-32 inverts its register before and after, so zero-filled space that a
// crash leaves at the end of a file is detected.
std::uint32_t record_checksum(const std::byte* record) {
  const uLong initial = crc32(0L, Z_NULL, 0);
  return static_cast<std::uint32_t>(
      crc32(initial, reinterpret_cast<const Bytef*>(record), kChecksumOffset));
}

}  // namespace

void encode_record(const PaymentRow& row, std::uint64_t batch_sequence, std::uint32_t records_left,
                   std::byte* out) {
  store_little_endian(out + kIdOffset, row.id, 8);
  store_little_endian(out + kAmountOffset, static_cast<std::uint64_t>(row.amount_minor), 8);
  store_little_endian(out + kCreatedAtOffset, static_cast<std::uint64_t>(row.created_at_us), 8);
  store_little_endian(out + kMerchantOffset, row.merchant_id, 4);
  std::memcpy(out + kCurrencyOffset, row.currency.data(), kCurrencySize);
  out[kReservedOffset] = std::byte{0};
  store_little_endian(out + kBatchSequenceOffset, batch_sequence, 8);
  store_little_endian(out + kRecordsLeftOffset, records_left, 4);
  store_little_endian(out + kChecksumOffset, record_checksum(out), 4);
}

std::optional<DecodedRecord> decode_record(const std::byte* in) {
  const auto stored_checksum =
      static_cast<std::uint32_t>(load_little_endian(in + kChecksumOffset, 4));
  if (stored_checksum != record_checksum(in)) {
    return std::nullopt;
  }

  DecodedRecord record;
  record.row.id = load_little_endian(in + kIdOffset, 8);
  record.row.amount_minor = static_cast<std::int64_t>(load_little_endian(in + kAmountOffset, 8));
  record.row.created_at_us =
      static_cast<std::int64_t>(load_little_endian(in + kCreatedAtOffset, 8));
  record.row.merchant_id = static_cast<std::uint32_t>(load_little_endian(in + kMerchantOffset, 4));
  std::memcpy(record.row.currency.data(), in + kCurrencyOffset, kCurrencySize);
  record.batch_sequence = load_little_endian(in + kBatchSequenceOffset, 8);
  record.records_left = static_cast<std::uint32_t>(load_little_endian(in + kRecordsLeftOffset, 4));
  return record;
}

void LogScanner::scan_record(std::uint64_t offset, const std::byte* record) {
  const std::optional<DecodedRecord> decoded = decode_record(record);

  // After a damaged record, the rest of the file must be the same incomplete batch. A valid
  // record of another batch means the damage is not a torn write at the end.
  if (first_damaged_offset_) {
    if (decoded && decoded->batch_sequence != batch_count_) {
      throw_corrupt("the record at offset " + std::to_string(*first_damaged_offset_) +
                    " fails its checksum, but the record at offset " + std::to_string(offset) +
                    " after it belongs to batch " + std::to_string(decoded->batch_sequence) +
                    ", not to the incomplete batch " + std::to_string(batch_count_));
    }
    return;
  }
  if (!decoded) {
    first_damaged_offset_ = offset;
    return;
  }

  check_framing(offset, *decoded);
  if (rows_ != nullptr) {
    batch_rows_.push_back(decoded->row);
  }
  if (decoded->records_left > 0) {
    in_batch_ = true;
    records_left_ = decoded->records_left;
    return;
  }

  if (rows_ != nullptr) {
    rows_->insert(rows_->end(), batch_rows_.begin(), batch_rows_.end());
    batch_rows_.clear();
  }
  in_batch_ = false;
  ++batch_count_;
  valid_size_ = offset + kRecordSize;
}

void LogScanner::check_framing(std::uint64_t offset, const DecodedRecord& record) const {
  if (record.batch_sequence != batch_count_) {
    throw_corrupt("the record at offset " + std::to_string(offset) + " belongs to batch " +
                  std::to_string(record.batch_sequence) + ", expected batch " +
                  std::to_string(batch_count_));
  }
  const bool continues_batch = !in_batch_ || record.records_left == records_left_ - 1;
  if (!continues_batch) {
    throw_corrupt("the record at offset " + std::to_string(offset) + " has " +
                  std::to_string(record.records_left) + " records left in its batch, expected " +
                  std::to_string(records_left_ - 1));
  }
}

void LogScanner::throw_corrupt(const std::string& detail) const {
  throw SinkError("file_log sink: '" + path_.string() + "' is corrupt: " + detail +
                  ". Move the file aside and start a new log.");
}

}  // namespace paybench::file_log
