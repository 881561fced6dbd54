// The command line that a result records, so that a reader can run it again.
#pragma once

#include <string>

namespace paybench::cli {

// Returns argv joined with spaces, each argument quoted for a POSIX shell where it needs it, and
// the value of --pg-dsn with every secret (password, sslpassword) replaced by "***", because
// results and reports are shared.
std::string recorded_command_line(int argc, char** argv);

}  // namespace paybench::cli
