#pragma once
// The run configuration (TOML, ARCHITECTURE.md §6): parsed, overridden by --set, validated, with
// every number still a decimal string (the working precision is set only after validation).
#include "gradflow/integrate/method.hpp"
#include "gradflow/io/matrix_text.hpp"
#include "gradflow/io/model_values.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gradflow {

/// output.grid: `points` evenly spaced inputs from `from` to `to` (decimal strings).
struct grid_spec {
  std::string from, to;
  std::int64_t points = 0;
};

/// A validated run configuration. Every rule is checked by load_config(); see README "Config".
/// The common sections are fields; the model's own keys are `model`, read by its entry.
struct run_config {
  std::string kind;               ///< model.kind: the name of a model entry (run/model_entry.hpp)
  std::string loss;               ///< model.loss: "square", or a loss the model's entry lists
  model_values model;             ///< the model's own [model] keys, read and validated by its entry
  std::optional<grid_spec> grid;  ///< output.grid (models whose entry offers it): final/f_grid.csv
  bool time_change = false;       ///< integrator.time_change = "loss": integrate in s with dt/ds = 1/L
  bool is_float64 = false;        ///< precision.type = "float64" (else "mpfr")
  unsigned digits = 0;            ///< precision.digits (mpfr only)
  gradflow::method method = gradflow::method::rk78;
  std::string tolerance;                  ///< integrator.tolerance, decimal
  std::string t_end;                      ///< stop.t_end, decimal (empty with time_change)
  std::optional<std::string> loss_below;  ///< stop.loss_below, decimal (method taylor only)
  std::int64_t max_steps = 0;             ///< stop.max_steps
  std::optional<double>
      wall_seconds;  ///< stop.wall_seconds: stop (resumably) after this much wall time of one process
  std::int64_t checkpoint_seconds =
      60;                    ///< output.checkpoint_seconds: a checkpoint this often (0: at stops only)
  std::int64_t samples = 0;  ///< output.samples
  std::string spacing;       ///< output.spacing: "t" or "loss"
  bool state = false;        ///< output.state: trajectory.csv carries θ, one column per entry
  nlohmann::json resolved;   ///< the whole config after --set and defaults (for manifest.json)
  std::vector<std::filesystem::path> input_files;  ///< the config and every CSV it reads
  std::vector<std::string> input_sha256;  ///< SHA-256 of each input_files entry, taken as it was read
};

/// What a model entry's `read` sees: the common sections already read and validated, and the
/// [model] keys, each read once with its rule (messages name model.<key>, the value and the rule).
/// Every value read is recorded in run_config::model; a default is also recorded in the resolved config.
class model_reader {
 public:
  virtual ~model_reader() = default;
  /// The config as read so far: kind, loss and every common section.
  virtual const run_config& config() const = 0;
  /// Whether model.<key> is given.
  virtual bool has(const std::string& key) const = 0;
  /// model.<key>'s value when it is a TOML string (e.g. a name or a CSV path), without reading it.
  virtual std::optional<std::string> peek_text(const std::string& key) const = 0;
  /// A string; `fallback` is the default (none: required).
  virtual std::string text(const std::string& key, const std::optional<std::string>& fallback = {}) = 0;
  /// A decimal string (or TOML integer); absent without a fallback: nullopt.
  virtual std::optional<std::string> decimal(const std::string& key,
                                             const std::optional<std::string>& fallback = {}) = 0;
  /// An integer in [lo, hi].
  virtual std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi,
                               std::optional<std::int64_t> fallback = {}) = 0;
  virtual bool boolean(const std::string& key, std::optional<bool> fallback = {}) = 0;
  /// A matrix: inline rows or a CSV path (required).
  virtual text_matrix matrix(const std::string& key) = 0;
  /// A list of matrices, at least `min_size` (`rule` says why), one per `unit` (`first` first, e.g. "W_1").
  virtual std::vector<text_matrix> matrix_list(const std::string& key, std::size_t min_size,
                                               const std::string& rule, const std::string& unit,
                                               const std::string& first) = 0;
};

/// Data shapes every supervised model shares: model.Y has one row per row of model.X.
void check_data_shapes(const text_matrix& X, const text_matrix& Y);

/// Labels of the classification losses: every entry of the column model.Y is 1 or −1.
void check_labels(const text_matrix& Y, const std::string& loss);

/// Sign of a decimal string (compared at 64 bits, whatever its exponent): −1, 0 or 1.
int decimal_sign(const std::string& text);

/// Whether decimals `a` and `b` have exactly the same value ("0.5" and "5e-1" do), at any length.
bool decimal_equal(const std::string& a, const std::string& b);

/// Whether decimal `a` < decimal `b` (compared at 64 bits).
bool decimal_less(const std::string& a, const std::string& b);

/// Reads, overrides (`key=value` strings from --set) and validates a config file.
/// Throws invalid_input with one message naming the field, the value and the rule.
run_config load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides);

/// The resolved config as TOML text (config.toml of a run directory): every key after --set and
/// defaults, every matrix written inline as rows of its decimal strings (CSV inputs included), so
/// that `gradflow run DIR/config.toml` reruns the same flow and `gradflow check DIR` needs no other file.
std::string resolved_toml(const run_config& c);

/// Default integrator.tolerance: with mpfr, 1e-(digits − 10) for taylor (at least 1e-(digits/2)) and
/// 1e-(digits/2) for the odeint methods (measured: about digits/2 correct digits with rk78); 1e-13
/// with float64.
std::string default_tolerance(method m, bool is_float64, unsigned digits);

}  // namespace gradflow
