// libFuzzer target for gradflow's input parsers (issue 16): decimal strings, CSV matrices and TOML
// configs. Any input must end in a value or in the documented exceptions (invalid_input,
// std::invalid_argument); a crash, a sanitizer report, a hang or another exception is a bug.
// Built by tests/fuzz/CMakeLists.txt with clang++ -fsanitize=fuzzer,address,undefined; scripts/fuzz
// runs it on the checked-in corpus (tests/fuzz/corpus/) for a bounded time.
//
// The first byte chooses the parser, the rest is its input: 'd' decimal, 'c' CSV file, 'k' the body of
// a checkpoint (after the header of a fixed linear2 config, so the fuzzer starts past the config
// fingerprint), anything else a config file (with a CSV beside it, "m.csv", holding the same bytes).
#include "gradflow/io/config.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/matrix_text.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/checkpoint.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("gradflow-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

void write(const fs::path& file, const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; }

// The config whose checkpoints mode 'k' reads: linear2 with 8 parameters and one invariant.
const gradflow::run_config& checkpoint_config() {
  static const gradflow::run_config c = [] {
    write(
        scratch() / "k.toml",
        "[model]\nkind = \"linear2\"\nX = [[\"1\", \"0\", \"0\"], [\"0\", \"2\", \"0\"]]\nY = [[\"1\"], [\"1\"]]\n"
        "U0 = [[\"1\", \"0.5\"], [\"0.2\", \"-0.3\"], [\"0\", \"0\"]]\nV0 = [[\"0.1\", \"0.2\"]]\n"
        "[precision]\ndigits = 40\n[stop]\nt_end = \"2\"\n");
    return gradflow::load_config(scratch() / "k.toml", {});
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gradflow::set_working_digits(40);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char mode = static_cast<char>(data[0]);
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (mode == 'd') {
      if (gradflow::is_decimal(text)) {
        (void)gradflow::parse_decimal<gradflow::Real>(text);
        (void)gradflow::parse_decimal<double>(text);
      }
    } else if (mode == 'k') {
      const auto& c = checkpoint_config();
      (void)gradflow::parse_checkpoint<gradflow::Real>(c, gradflow::checkpoint_header(c) + text, 8, 1);
    } else if (mode == 'c') {
      const fs::path csv = scratch() / "m.csv";
      write(csv, text);
      const gradflow::text_matrix M = gradflow::read_csv_matrix(csv, "model.X");
      (void)gradflow::to_matrix<double>(M);
    } else {
      write(scratch() / "m.csv", text);
      write(scratch() / "config.toml", text);
      (void)gradflow::load_config(scratch() / "config.toml", {});
    }
  } catch (const gradflow::invalid_input&) {
  } catch (const std::invalid_argument&) {}
  return 0;
}
