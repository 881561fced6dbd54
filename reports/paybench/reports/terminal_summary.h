// The summary that `paybench run` prints when it finishes.
#pragma once

#include <string>

#include "paybench/reports/result.h"

namespace paybench::reports {

// Renders one aligned table per family, a row per benchmark instance: median real time per
// operation, coefficient of variation, allocs/op, bytes/op and, for a comparison's candidate,
// the ratio against the baseline with its interval and verdict ("0.31x [0.30, 0.33] faster").
// Baseline rows read "baseline"; instances whose runs failed show the error message. An
// allocator column appears when the runs name an allocator. An interrupted run
// (context.interrupted) has a note under the heading.
//
// With `use_color`, verdicts, errors and headings get ANSI colours; without it the text has no
// escape sequence at all. The caller decides (a terminal on stdout and NO_COLOR unset). Control
// characters from the input are escaped by escape_control_characters (input_text.h).
std::string render_terminal_summary(const Result& result, bool use_color);

}  // namespace paybench::reports
