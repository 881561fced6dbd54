"""Reads the profiles that a paybench result references, as the report should show them."""

import os


def folded_total(path):
    """Sums the counts of a folded-stack file, independently of paybench's parser."""
    with open(path, encoding="utf-8", errors="replace") as file:
        return sum(int(line.rsplit(" ", 1)[1]) for line in file if line.strip())


def embedded_flame_graph_count(result, result_directory):
    """Counts the flame graphs that the report of `result` embeds: one per CPU or heap profile
    whose folded file has samples, and one per comparison of two CPU-profiled benchmarks."""
    cpu_folded = {}
    heap_folded = {}
    for run in result["benchmarks"]:
        if "cpu_profile" in run:
            cpu_folded[(run["run_name"], run.get("allocator", ""))] = run["cpu_profile"]["folded"]
        if "heap_profile" in run:
            heap_folded[(run["run_name"], run.get("allocator", ""))] = run["heap_profile"]["folded"]

    graphs = 0
    for folded in list(cpu_folded.values()) + list(heap_folded.values()):
        graphs += folded_total(os.path.join(result_directory, folded)) > 0
    for comparison in result["comparisons"]:
        baseline = (comparison["baseline_run_name"], comparison.get("baseline_allocator", ""))
        candidate = (comparison["candidate_run_name"], comparison.get("candidate_allocator", ""))
        graphs += baseline in cpu_folded and candidate in cpu_folded
    return graphs
