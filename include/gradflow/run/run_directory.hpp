#pragma once
// A run directory's files (summary.json, trajectory.csv, final/*.csv, config.toml, manifest.json)
// from a finished run: the library's result (run/run.hpp) and what only its caller knows (the command,
// the clock). Shared by `gradflow run` and the Python module.
#include "gradflow/io/config.hpp"
#include "gradflow/io/output_dir.hpp"
#include "gradflow/run/run.hpp"

#include <string>
#include <vector>

namespace gradflow {

/// A finished (or interrupted) run as its caller saw it.
struct run_record {
  const run_config* config = nullptr;
  const run_result* result = nullptr;
  std::vector<std::string> command_line;
  std::string start_time, end_time;
};

/// Writes summary.json, trajectory.csv, final/*.csv, config.toml and manifest.json into the staging directory.
void write_outputs(output_dir& out, const run_record& record);

/// Current UTC time as ISO 8601 ("2026-11-23T20:19:00Z").
std::string utc_now();

}  // namespace gradflow
