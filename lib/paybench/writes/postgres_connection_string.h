// PostgreSQL connection strings (DSNs) with their secrets hidden, so that an error message can
// quote the connection string a user passed without ever printing a password.
//
// Both forms that libpq accepts are handled: keyword/value ("host=db password=secret") and URI
// ("postgresql://user:secret@db/app?sslpassword=secret"). A value counts as secret unless its
// keyword is an option that PQconndefaults() lists and does not mark as secret with '*' (as it
// marks password and sslpassword). So the value of a misspelled keyword is hidden too, and a
// part that libpq could not parse is hidden up to the end of the string.

#pragma once

#include <string>
#include <string_view>

namespace paybench {

// Returns `dsn` with every secret value replaced by "***".
[[nodiscard]] std::string redact_connection_string(std::string_view dsn);

// Returns `message` with every secret value of `dsn` replaced by "***", both as written in `dsn`
// and as libpq decodes it (unquoted, unescaped, percent-decoded). libpq's messages about a
// malformed connection string may quote the part that failed to parse.
[[nodiscard]] std::string redact_connection_secrets(std::string_view message, std::string_view dsn);

}  // namespace paybench
