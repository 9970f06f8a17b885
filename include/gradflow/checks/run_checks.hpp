#pragma once
// The checks `gradflow run` evaluates for each model kind, in catalogue order (checks/catalogue.hpp).
// A check that needs a sweep (min2021.width) is reported not_applicable with the reason.
#include "gradflow/checks/deep_linear.hpp"
#include "gradflow/checks/min2021.hpp"

#include <vector>

namespace gradflow {

/// linear2: the five min2021 run-time checks, min2021.width (not_applicable) and saxe2014.closed_form.
template <class Scalar>
std::vector<check_result> run_checks(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  auto results = min2021_checks(model, trace);
  results.push_back(check_saxe2014_closed_form(model, trace));
  return results;
}

/// linear_deep: arora2018.balanced and saxe2014.closed_form.
template <class Scalar>
std::vector<check_result> run_checks(const linear_deep<Scalar>& model, const run_trace<Scalar>& trace) {
  return {check_arora2018_balanced(model, trace), check_saxe2014_closed_form(model, trace)};
}

/// diagonal: no theorem check yet (woodworth2020.q_alpha and .depth_d come with issue 6's solvers).
template <class Scalar>
std::vector<check_result> run_checks(const diagonal<Scalar>&, const run_trace<Scalar>&) {
  return {};
}

/// tensor: no theorem check yet.
template <class Scalar>
std::vector<check_result> run_checks(const tensor<Scalar>&, const run_trace<Scalar>&) {
  return {};
}

}  // namespace gradflow
