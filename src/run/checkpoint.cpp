// The header of a checkpoint (run/checkpoint.hpp): which config and which scalar it belongs to.
#include "gradflow/run/checkpoint.hpp"

#include "gradflow/io/output_dir.hpp"
#include "gradflow/io/sha256.hpp"
#include "gradflow/numeric/precision.hpp"

namespace gradflow {

namespace {

// The keys a resumed part may change: where to stop early and how often to checkpoint. Everything
// else (the model, the data, t_end, the samples, the precision, the method) fixes the path.
std::string fingerprint(const run_config& c) {
  run_config k = c;
  k.resolved["stop"].erase("max_steps");
  k.resolved["stop"].erase("wall_seconds");
  if (k.resolved.contains("output")) {
    k.resolved["output"].erase("checkpoint_seconds");
    k.resolved["output"].erase("npz");  // which files are written, not the path
  }
  return sha256_text(resolved_toml(k));
}

std::string scalar_name(const run_config& c) {
  return c.is_float64 ? std::string("float64") : "mpfr " + std::to_string(working_bits_for(c.digits));
}

}  // namespace

std::string checkpoint_header(const run_config& c) {
  return std::string(checkpoint_magic) + "config " + fingerprint(c) + "\nscalar " + scalar_name(c) + "\n";
}

std::string_view checkpoint_body(const run_config& c, std::string_view text) {
  if (!text.starts_with(checkpoint_magic))
    throw invalid_checkpoint(
        "the file is not a gradflow checkpoint (it does not start with \"gradflow checkpoint 1\")");
  const std::string header = checkpoint_header(c);
  if (!text.starts_with(header))
    throw invalid_checkpoint(
        "the checkpoint was written for another config (only stop.max_steps, stop.wall_seconds, "
        "output.checkpoint_seconds and output.npz may change between the parts of a run)");
  return text.substr(header.size());
}

}  // namespace gradflow
