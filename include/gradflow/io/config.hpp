#pragma once
// The run configuration (TOML, ARCHITECTURE.md §6): parsed, overridden by --set, validated, with
// every number still a decimal string (the working precision is set only after validation).
#include "gradflow/integrate/method.hpp"
#include "gradflow/io/matrix_text.hpp"

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
struct run_config {
  std::string kind;                 ///< model.kind: "linear2", "linear_deep", "diagonal", "tensor" or "relu_shallow"
  std::string loss;                 ///< model.loss: "square" (all), "exponential" or "logistic" (diagonal, tensor)
  text_matrix X, Y;                 ///< model data
  text_matrix U0, V0;               ///< linear2: initial weights (empty for linear_deep)
  std::vector<text_matrix> W0;      ///< linear_deep: initial layers W_1 … W_L, L >= 2 (empty for linear2)
  int depth = 0;                    ///< diagonal: D >= 2 in β = w₊^D − w₋^D; tensor: L >= 1 layers
  std::optional<std::string> alpha; ///< diagonal/tensor: start w₊ = w₋ = alpha·1 (v_l = alpha·1), decimal > 0 ...
  text_matrix W_plus0, W_minus0;    ///< ... or these explicit d×1 columns (empty when alpha is given)
  std::vector<text_matrix> v0;      ///< ... tensor: or one d×1 column per layer
  std::string transform;            ///< tensor: model.S = "identity", "hadamard" or "dct" (empty when S is a matrix)
  text_matrix S;                    ///< tensor: explicit orthogonal d×d transform
  std::int64_t width = 0;           ///< relu_shallow: units drawn (2·width with asi)
  std::string init, init_w, init_b; ///< relu_shallow: "uniform" | "gaussian", its W and B scales (decimals)
  bool asi = true, skip = false;    ///< relu_shallow: anti-symmetrical initialisation; skip connection u·x + v
  std::string train;                ///< relu_shallow: "all" | "output"
  std::int64_t seed = 0;            ///< relu_shallow: std::mt19937_64 seed (models/relu_init.hpp)
  std::optional<grid_spec> grid;    ///< output.grid (relu_shallow, one input column): final/f_grid.csv
  bool time_change = false;         ///< integrator.time_change = "loss": integrate in s with dt/ds = 1/L
  bool is_float64 = false;          ///< precision.type = "float64" (else "mpfr")
  unsigned digits = 0;              ///< precision.digits (mpfr only)
  gradflow::method method = gradflow::method::rk78;
  std::string tolerance;            ///< integrator.tolerance, decimal
  std::string t_end;                ///< stop.t_end, decimal (empty with time_change)
  std::optional<std::string> loss_below;  ///< stop.loss_below, decimal (method taylor only)
  std::int64_t max_steps = 0;       ///< stop.max_steps
  std::int64_t samples = 0;         ///< output.samples
  std::string spacing;              ///< output.spacing: "t"
  bool state = false;               ///< output.state: trajectory.csv carries θ, one column per entry
  nlohmann::json resolved;          ///< the whole config after --set and defaults (for manifest.json)
  std::vector<std::filesystem::path> input_files;  ///< the config and every CSV it reads
  std::vector<std::string> input_sha256;           ///< SHA-256 of each input_files entry, taken as it was read
};

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
