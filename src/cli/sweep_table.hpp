#pragma once
// The sweep's view of its output directory: which points are done, and OUT/sweep.csv, always rebuilt
// from the run directories on disk (README "Sweeps").
#include "sweep_plan.hpp"

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace gradflow::cli {

/// The fixed columns of sweep.csv after the axes and before one column per check id.
inline const std::vector<std::string> sweep_result_columns = {
    "run", "stop_reason", "t_final", "loss_final", "log10_loss_final", "steps", "wall_seconds"};

/// Whether OUT/<point.name> holds a complete run of exactly this point's config: its config.toml has
/// the SHA-256 of the point's resolved config, summary.json and manifest.json are there, and it
/// was not interrupted (stop_reason != "interrupted").
bool is_point_done(const std::filesystem::path& out, const sweep_point& point);

/// Whether OUT/<point.name> holds a run of this point's config at all (done or interrupted).
bool has_point_run(const std::filesystem::path& out, const sweep_point& point);

/// Throws invalid_input when OUT, or a run directory a point would write, is in the way: OUT is a
/// file, or OUT/<run> exists, is not empty and holds no manifest.json (not a gradflow output).
void check_out_dir(const std::filesystem::path& out, const sweep_plan& plan);

/// sweep.csv's text: the header, then one row per point in grid order, from the run directories on
/// disk whose config.toml is the point's; a point in `errors` (its run ended without writing) has
/// stop_reason "error"; any other point without its run directory has empty result fields. Check
/// columns: every check id of the rows, in order of first appearance.
std::string sweep_csv_text(const sweep_plan& plan, const std::filesystem::path& out,
                           const std::set<std::size_t>& errors);

/// Rebuilds OUT/sweep.csv (sweep_csv_text) under an exclusive lock on OUT/.sweep.lock, written to a
/// temporary file beside it and renamed into place: concurrent sweeps on one OUT (Slurm array tasks)
/// each write a complete table, and the last one to take the lock has seen every run committed
/// before it. Returns whether a row of this share (`share`: point indices) failed: a check verdict
/// "fail" or stop_reason "error".
bool write_sweep_csv(const sweep_plan& plan, const std::filesystem::path& out,
                     const std::set<std::size_t>& errors, const std::vector<std::size_t>& share);

/// The field as written in CSV (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace gradflow::cli
