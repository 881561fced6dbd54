// The storage options of `paybench run`: where write workloads keep files (--data-dir) and which
// PostgreSQL server they use (--pg-dsn).
#pragma once

#include <string>

namespace paybench::cli {

// Checks --data-dir and --pg-dsn and passes them on to the workloads, and to child paybench
// processes, in the environment variables of engine/storage.h. Empty values change nothing, so
// variables the user set stay. Throws UsageError naming the value and the fix when the directory
// is not a writable directory or the server cannot be reached.
void apply_storage_options(const std::string& data_dir, const std::string& pg_dsn);

}  // namespace paybench::cli
