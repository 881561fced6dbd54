#include "paybench/reports/result_schema.h"

#include "embedded_files.h"

namespace paybench::reports {

std::string_view result_schema_json() { return embedded::result_schema_json; }

}  // namespace paybench::reports
