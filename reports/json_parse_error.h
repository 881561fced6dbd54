// The message of a parse error of nlohmann::json, made fit for an InputError. Internal to
// reports/.
#pragma once

#include <string>
#include <string_view>

namespace paybench::reports {

// Returns nlohmann::json's exception message without its "[json.exception.parse_error.101] "
// prefix, and with the input that it quotes after "last read: " shortened by quote_input:
// an unterminated 5 MB string reads "last read: '\"9999...' (5000002 characters)".
std::string describe_json_parse_error(std::string_view exception_message);

}  // namespace paybench::reports
