// The change charts of the compare and gate pages: which benchmark got faster or slower, and
// how sure each page is of it. Internal to reports/.
#pragma once

#include "change_chart.h"
#include "paybench/reports/gate.h"
#include "paybench/reports/run_comparison.h"

namespace paybench::reports {

// One row per benchmark of `comparison` whose values are repetitions (aggregates, such as
// _median, are left out because they repeat the same runs): the change of the median real
// time, candidate against baseline. The bar is green (faster) or red (slower) when the U test
// finds a significant difference in real time at the comparison's alpha, grey when it finds
// none, and light grey when a side has too few repetitions to test. The text gives the change
// and the p-value, and marks a test on fewer than the recommended repetitions as unreliable.
ChangeChartSpec comparison_change_spec(const RunComparison& comparison);

// One row per judged benchmark of `report`: the change of the median (ratio - 1), its 95%
// interval as a whisker and its threshold as a tick, coloured by the verdict (regression,
// inconclusive, pass or ignored), which the text names.
ChangeChartSpec gate_change_spec(const GateReport& report);

}  // namespace paybench::reports
