// gradflow._gradflow: the library run API (run/run.hpp) for Python, as the transport of gradflow.run
// (python/gradflow/_transport.py): run(config_path, out, overrides, quiet, resume) reads the config,
// integrates it in this process and writes the same run directory `gradflow run` writes
// (run/run_directory.hpp), with its progress lines, memory refusal and checkpoints (the front-end parts
// of src/cli it shares). The GIL is released while the run integrates; Ctrl-C (Python's SIGINT handler)
// is polled ten times a second and stops the run after its current step, with complete files, then
// raises KeyboardInterrupt.
#include "checkpoint_notes.hpp"
#include "progress.hpp"
#include "gradflow/integrate/options.hpp"
#include "gradflow/io/config.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/output_dir.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/memory_estimate.hpp"
#include "gradflow/run/run.hpp"
#include "gradflow/run/run_directory.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace py = pybind11;

namespace {

using namespace gradflow;

// True at the first accepted step after Python saw a signal (polled ten times a second).
class python_signals {
 public:
  bool operator()() {
    const auto now = std::chrono::steady_clock::now();
    if (m_interrupted || now < m_next) return m_interrupted;
    m_next = now + std::chrono::milliseconds(100);
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Clear();  // raised again once the files are written
      m_interrupted = true;
    }
    return m_interrupted;
  }
  bool interrupted() const { return m_interrupted; }

 private:
  std::chrono::steady_clock::time_point m_next = std::chrono::steady_clock::now();
  bool m_interrupted = false;
};

// As `gradflow run CONFIG --out OUT [--set …] [--quiet] [--resume]`, minus the result line: memory
// refused up front, progress on stderr unless quiet, checkpoints, the run directory.
void run_into(const std::string& config_path, const std::string& out,
              const std::vector<std::string>& overrides, bool quiet, bool resume) {
  const run_config c = load_config(config_path, overrides);
  require_memory(c, c.is_float64 ? 53 : working_bits_for(c.digits));
  output_dir directory(out, c.input_files);
  run_record record;
  record.config = &c;
  record.command_line = {"python3", "gradflow.run", config_path};
  for (const auto& o : overrides) record.command_line.insert(record.command_line.end(), {"--set", o});
  if (resume) record.command_line.emplace_back("--resume");
  record.start_time = utc_now();
  const std::string checkpoint = resume ? cli::checkpoint_to_resume(c, quiet, directory) : std::string();
  python_signals signals;
  cli::cli_observer observer(quiet, c.checkpoint_seconds, cli::checkpoint_saver(c, directory),
                             std::ref(signals));
  run_result result;
  {
    py::gil_scoped_release release;
    result = run(c, observer, checkpoint);
  }
  record.result = &result;
  record.end_time = utc_now();
  write_outputs(directory, record);
  const commit_result written = directory.commit();
  if (!written.refused.empty()) throw invalid_input(written.refused);
  cli::settle_checkpoint(c, result, observer, directory);
  if (signals.interrupted()) {
    PyErr_SetString(PyExc_KeyboardInterrupt, ("gradflow run interrupted: complete files in " + out).c_str());
    throw py::error_already_set();
  }
}

}  // namespace

PYBIND11_MODULE(_gradflow, m) {
  m.doc() = "gradflow's library run API (the transport of gradflow.run)";
  const py::module_ errors = py::module_::import("gradflow._errors");
  // Kept for the life of the process (released: no destructor runs after the interpreter is gone).
  static const py::handle invalid = py::object(errors.attr("InvalidInput")).release();
  static const py::handle failed = py::object(errors.attr("IntegrationError")).release();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const invalid_input& e) {
      PyErr_SetString(invalid.ptr(), (std::string("gradflow: ") + e.what()).c_str());  // as on stderr
    } catch (const integration_error& e) {
      PyErr_SetString(failed.ptr(), (std::string("gradflow: integration failed: ") + e.what()).c_str());
    } catch (const std::system_error& e) {  // e.g. "No space left on device": nothing written
      PyErr_SetString(failed.ptr(), (std::string("gradflow: ") + e.what()).c_str());
    }
  });
  m.def("run", &run_into, py::arg("config_path"), py::arg("out"), py::arg("overrides"),
        py::arg("quiet") = true, py::arg("resume") = false,
        "Integrates CONFIG with the overrides (\"section.key=value\") and writes the run directory OUT "
        "(resume: go on from OUT's checkpoint, as gradflow run --resume).");
}
