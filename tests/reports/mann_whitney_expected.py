"""Print the expected U statistics and p-values of mann_whitney_test.cc, computed by SciPy.

Run it with Debian's Python, whose python3-scipy is SciPy 1.10, the version whose defaults
paybench's Mann-Whitney U test follows:

    /usr/bin/python3 tests/reports/mann_whitney_expected.py

It prints one C++ initializer per case; the test keeps them as they were printed. Run it again
only to add a case, and copy the new lines into the test.
"""

import math

import scipy
from scipy.stats import mannwhitneyu

# name, x, y, method ("auto" is what compare.py uses)
CASES = [
    ("exact_no_overlap", [1, 2, 3], [4, 5, 6], "auto"),
    ("exact_interleaved", [1.5, 3.25, 7, 8.5], [2, 4, 6, 9, 10], "auto"),
    ("exact_one_value_each", [3], [1], "auto"),
    ("exact_eight_against_twenty",
     [10.1, 10.4, 9.8, 10.9, 10.2, 11.3, 9.6, 10.7],
     [10.5, 11.1, 11.8, 12.0, 10.8, 11.6, 12.4, 11.9, 12.2, 11.4,
      10.35, 12.7, 11.25, 12.9, 13.1, 11.7, 12.15, 10.95, 13.4, 12.55], "auto"),
    ("exact_forced_nine_each",
     [5.1, 4.8, 5.6, 5.3, 4.9, 5.0, 5.4, 5.2, 4.7],
     [5.5, 5.9, 5.05, 6.1, 5.7, 5.35, 6.3, 5.8, 6.0], "exact"),
    ("asymptotic_nine_each",
     [5.1, 4.8, 5.6, 5.3, 4.9, 5.0, 5.4, 5.2, 4.7],
     [5.5, 5.9, 5.05, 6.1, 5.7, 5.35, 6.3, 5.8, 6.0], "auto"),
    ("asymptotic_ties_small", [8, 8], [7, 4.54, 800], "auto"),
    ("asymptotic_ties_across", [1, 2, 2, 3, 3, 3], [3, 4, 4, 5, 2], "auto"),
    ("asymptotic_forced_no_ties", [1, 2, 3], [4, 5, 6], "asymptotic"),
    ("all_values_equal", [7, 7, 7], [7, 7], "auto"),
    ("infinity_is_largest", [1, 2, math.inf], [3, 4, 5], "auto"),
    ("report_py_time", [9, 8], [10, 7], "auto"),
    ("report_py_cpu", [90, 86], [89, 72], "auto"),
    ("report_py_short_time", [8, 8], [7, 4.54, 800], "auto"),
    ("report_py_short_cpu", [80, 77], [75, 66.6, 1], "auto"),
    ("separated_thousand_each", [1] * 1000, [1000] * 1000, "auto"),
]


def main():
    print(f"// SciPy {scipy.__version__}")
    for name, x, y, method in CASES:
        result = mannwhitneyu(x, y, alternative="two-sided", method=method)
        print(f"{{\"{name}\", {float(result.statistic)!r}, {float(result.pvalue)!r}}},")


if __name__ == "__main__":
    main()
