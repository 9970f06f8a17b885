#include "checkpoint_notes.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/run/checkpoint.hpp"

#include <cstdio>

namespace gradflow::cli {

std::string checkpoint_to_resume(const run_config& c, bool quiet, const output_dir& out) {
  std::string text = out.read_checkpoint();
  const std::string path = out.checkpoint_path().string();
  if (text.empty()) {
    std::string why;
    if (!quiet)
      std::fprintf(stderr,
                   "gradflow: note: --resume: no checkpoint for this --out (%s%s): starting at t = 0\n",
                   path.c_str(), resumable_method(c, why) ? "" : ("; " + why).c_str());
    return text;
  }
  try {
    checkpoint_body(c, text);
  } catch (const invalid_checkpoint& e) {
    throw invalid_input("--resume: " + path + ": " + e.what());
  }
  return text;
}

std::function<void(const std::string&)> checkpoint_saver(const run_config& c, output_dir& out) {
  std::string why;
  if (!resumable_method(c, why)) return nullptr;
  return [&out](const std::string& text) { out.write_checkpoint(text); };
}

void settle_checkpoint(const run_config& c, const run_result& result, const cli_observer& observer,
                       output_dir& out) {
  if (result.reason == stop_reason::t_end || result.reason == stop_reason::loss_below)
    return out.remove_checkpoint();
  if (observer.checkpoints() > 0) {
    if (observer.last_save_failed())
      std::fprintf(stderr,
                   "gradflow: an earlier checkpoint is in %s: run again with --resume to go on from it\n",
                   out.checkpoint_path().c_str());
    else
      std::fprintf(stderr, "gradflow: checkpoint at t = %s in %s: run again with --resume to go on\n",
                   result.t_final.c_str(), out.checkpoint_path().c_str());
    return;
  }
  if (observer.last_save_failed()) return;  // said when it failed
  out.remove_checkpoint();
  std::string why;
  if (resumable_method(c, why)) why = "method taylor on a field with kinks cannot resume (rk78 can)";
  std::fprintf(stderr, "gradflow: note: no checkpoint: %s\n", why.c_str());
}

}  // namespace gradflow::cli
