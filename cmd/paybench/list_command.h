// paybench list: the families, workloads, variants and parameters compiled into paybench.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace paybench::cli {

struct ListOptions {
  std::vector<std::string> patterns;
  std::string format = "table";
};

void setup_list_command(CLI::App& app, ListOptions& options);
int run_list_command(const ListOptions& options);

}  // namespace paybench::cli
