// Text of a GateReport's figures, shared by the gate's renderers.
#pragma once

#include <optional>
#include <string>

#include "paybench/reports/gate.h"

namespace paybench::reports {

// A median in ns as a time ("1.23 us"), or instructions per op ("154 instr").
std::string format_gate_value(const GateReport& report, double value);

// The change of a ratio as a signed percentage ("+7.1%", "-3.0%"), or "-" without a ratio.
std::string format_gate_change(const std::optional<double>& ratio);

// "[0.981, 1.152]", or "-" without an interval.
std::string format_gate_interval(const GateBenchmark& benchmark);

// A p-value with four significant digits, or "-".
std::string format_gate_p_value(const std::optional<double>& p_value);

// "5% (queues/*)": the threshold and the pattern that set it, if any.
// The floor is in ns, or in instructions with `exact_counts`.
std::string format_gate_threshold(const GateBenchmark& benchmark, bool exact_counts = false);

// "2 regressions, 1 inconclusive, 40 passed" for the verdict line.
std::string describe_gate_counts(const GateReport& report);

// One paragraph on when a benchmark regresses, passes or is inconclusive in `report`.
std::string describe_gate_rule(const GateReport& report);

// The family of a benchmark name: the part before its first '/'.
std::string gate_family(const std::string& name);

}  // namespace paybench::reports
