#pragma once
// A model built from a config at the working precision, seen through what a run needs; one
// implementation (run/model_adapter.hpp) serves every model, through the model's traits.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/checks/path_defect.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/run/run.hpp"

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {

/// The outputs of one integration at the run's scalar, before they become text (run/run.hpp).
template <class Scalar>
struct model_run;  // run/model_run.hpp

template <class Scalar>
class configured_model {
 public:
  virtual ~configured_model() = default;
  virtual std::size_t dimension() const = 0;
  /// θ(0) as configured.
  virtual const std::vector<Scalar>& start() const = 0;
  /// <matrix>_<row>_<col> per entry of θ, in state order.
  virtual std::vector<std::string> state_names() const = 0;
  /// Integrates the config from start(), or from `checkpoint` (non-empty: run/checkpoint.hpp), and
  /// collects every output and the model's checks; `started` is when the run began (its wall time).
  virtual model_run<Scalar> integrate(const run_config& c, run_observer& observer,
                                      std::string_view checkpoint,
                                      std::chrono::steady_clock::time_point started) const = 0;
  /// The model's checks (its entry's list, in order) on a path.
  virtual std::vector<check_result> checks(const run_trace<Scalar>& trace) const = 0;
  /// The trace sample at (t, θ): θ̇ from the model's field.
  virtual trace_sample<Scalar> sample(const Scalar& t, std::span<const Scalar> theta) const = 0;
  /// flow.path_defect of a path at this precision (the scalar Real only).
  virtual check_result path_defect(const run_trace<Scalar>& path, const path_claim<Scalar>& claim) const = 0;
};

}  // namespace gradflow

namespace gradflow {

/// The model of a validated config and its θ(0), built at the current working precision by its entry.
template <class Scalar>
std::unique_ptr<configured_model<Scalar>> build_model(const run_config& c);

template <>
std::unique_ptr<configured_model<double>> build_model<double>(const run_config& c);
template <>
std::unique_ptr<configured_model<Real>> build_model<Real>(const run_config& c);

}  // namespace gradflow
