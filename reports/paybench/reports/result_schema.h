// The JSON Schema of the result file, for `paybench schema` and for validating files.
#pragma once

#include <string_view>

namespace paybench::reports {

// Returns the text of reports/schema/result.schema.json (JSON Schema draft 2020-12), built into
// the binary. Its "$id" ends in "result-<kResultSchemaVersion>.json".
std::string_view result_schema_json();

}  // namespace paybench::reports
