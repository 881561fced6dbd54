// writes/postgres: batched writes into PostgreSQL through libpq, on the server that --pg-dsn or
// PAYBENCH_PG_DSN names. Without one the workload is unavailable, and list and run print
// the reason.
//
// - row_per_transaction: every row its own INSERT and commit, the naive baseline.
// - multi_row_insert_batch_N: one INSERT .. VALUES (..), (..) of N rows, one commit.
// - copy_batch_N: one COPY .. FROM STDIN of N rows, one commit.
// Each run empties the table first (TRUNCATE) and checks its contents afterwards.
#include <memory>
#include <string>
#include <vector>

#include "batched_writes.h"
#include "paybench/engine/storage.h"
#include "paybench/writes/postgres_sink.h"

namespace {

using paybench::PostgresWriteMode;
using paybench::workloads::SinkFactory;
using paybench::workloads::SinkUnderTest;

SinkFactory postgres_sink(PostgresWriteMode mode) {
  return [mode] {
    const std::optional<std::string> dsn = paybench::engine::postgres_dsn();
    if (!dsn) {
      throw std::runtime_error(std::string("no PostgreSQL server: pass --pg-dsn or set ") +
                               paybench::engine::kPostgresDsnVariable);
    }
    SinkUnderTest under_test;
    under_test.sink = std::make_unique<paybench::PostgresSink>(*dsn, mode);
    return under_test;
  };
}

std::optional<std::string> missing_server() {
  if (paybench::engine::postgres_dsn()) return std::nullopt;
  return std::string("no PostgreSQL server: pass --pg-dsn DSN or set ") +
         paybench::engine::kPostgresDsnVariable;
}

std::vector<paybench::engine::Variant> postgres_variants() {
  using paybench::workloads::batch_size_variants;
  std::vector<paybench::engine::Variant> variants = batch_size_variants(
      "one INSERT and commit a row", postgres_sink(PostgresWriteMode::kRowPerTransaction), {1});
  variants.front().name = "row_per_transaction";

  for (const auto& [prefix, description, mode] :
       {std::tuple{"multi_row_insert_", "multi-row INSERT", PostgresWriteMode::kMultiRowInsert},
        std::tuple{"copy_", "COPY FROM STDIN", PostgresWriteMode::kCopy}}) {
    for (paybench::engine::Variant& variant :
         batch_size_variants(description, postgres_sink(mode), {10, 100, 1000})) {
      variant.name = prefix + variant.name;
      variants.push_back(std::move(variant));
    }
  }
  return variants;
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "writes",
    .name = "postgres",
    .description = "rows into PostgreSQL (needs --pg-dsn): per-row commits, multi-row INSERT, "
                   "COPY; time per row",
    .variants = postgres_variants(),
    .baseline = "row_per_transaction",
    .unavailable_reason = &missing_server,
}};

}  // namespace
