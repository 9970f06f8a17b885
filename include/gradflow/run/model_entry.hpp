#pragma once
// One record per model (STYLE.md rule 13): its kind, summary, [model] keys and their rules, losses,
// capabilities, how to build it from a config, and its checks. Defined next to the model
// (src/models/<kind>.cpp) and listed once (src/models/entries.cpp); config reading, `gradflow list`,
// --help, the catalogue's model column, `gradflow run`'s outputs and verify's cases all come from here,
// so the infrastructure names no model.
#include "gradflow/io/config.hpp"
#include "gradflow/numeric/real.hpp"
#include "gradflow/verify/cases.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {

template <class Scalar>
class configured_model;  // run/configured_model.hpp

/// One [model] key of a model (beyond kind and loss).
struct model_key {
  std::string_view name;
  key_kind kind;
};

/// What a run of the config holds in memory beyond its samples' common columns (cli's estimate).
struct memory_profile {
  double parameters = 0;  ///< entries of θ
  double quantities = 0;  ///< trajectory columns the model adds per sample (an upper estimate)
  double extra_reals =
      0;  ///< numbers the model's integrator keeps beyond 100 per parameter (e.g. jets per unit)
  std::string extra_key;    ///< the key that sets extra_reals ("model.width"), named when it does not fit
  std::string extra_value;  ///< its value as written
};

/// A model kind.
struct model_entry {
  std::string_view kind;
  std::string_view summary;              ///< `gradflow list`: f(x), L, source (one or two lines)
  std::vector<model_key> keys;           ///< the model's [model] keys, in the order --help lists them
  std::string_view initial_weights;      ///< how the start is given ("model.U0 and model.V0")
  std::vector<std::string_view> losses;  ///< model.loss values it takes, "square" first
  bool time_change = false;              ///< integrator.time_change = "loss" is available
  bool grid = false;                     ///< output.grid is available (final/f_grid.csv)
  std::vector<std::string_view> checks;  ///< check ids `gradflow run` reports after flow.path_defect
  /// Reads and validates the model's keys (throws invalid_input naming the key, value and rule).
  void (*read)(model_reader&) = nullptr;
  memory_profile (*memory)(const run_config&) = nullptr;
  /// The model and θ(0) of a validated config, at the current working precision.
  std::unique_ptr<configured_model<double>> (*build_double)(const run_config&) = nullptr;
  std::unique_ptr<configured_model<Real>> (*build_real)(const run_config&) = nullptr;
  /// Built-in instances of the model's checks (gradflow verify), or none.
  std::vector<verify_case> (*verify_cases)() = nullptr;
};

/// Every model, in the order `gradflow list` shows them.
const std::vector<const model_entry*>& model_entries();

/// The entry of `kind`, or nullptr.
const model_entry* find_model_entry(std::string_view kind);

/// The entry of a validated config (its kind is known).
const model_entry& entry_of(const run_config& c);

/// The models that report check `id` (`gradflow list`'s model column): "all" for flow.path_defect.
std::string models_reporting(std::string_view id);

}  // namespace gradflow
