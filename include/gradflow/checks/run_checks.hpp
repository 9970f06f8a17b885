#pragma once
// The checks `gradflow run` evaluates for each model kind, in catalogue order (checks/catalogue.hpp).
// A check that needs a sweep (min2021.width) is reported not_applicable with the reason.
#include "gradflow/checks/deep_linear.hpp"
#include "gradflow/checks/du2018.hpp"
#include "gradflow/checks/min2021.hpp"
#include "gradflow/checks/moroshko2020.hpp"
#include "gradflow/checks/soudry2018.hpp"
#include "gradflow/checks/woodworth2020.hpp"
#include "gradflow/checks/yun2021.hpp"

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

/// diagonal: woodworth2020.q_alpha, woodworth2020.depth_d, moroshko2020.transition.
template <class Scalar>
std::vector<check_result> run_checks(const diagonal<Scalar>& model, const run_trace<Scalar>& trace) {
  return {check_woodworth2020_q_alpha(model, trace), check_woodworth2020_depth_d(model, trace),
          check_moroshko2020_transition(model, trace)};
}

/// tensor: yun2021.regression, yun2021.classification, soudry2018.direction.
template <class Scalar>
std::vector<check_result> run_checks(const tensor<Scalar>& model, const run_trace<Scalar>& trace) {
  return {check_yun2021_regression(model, trace), check_yun2021_classification(model, trace),
          check_soudry2018_direction(model, trace)};
}

/// relu_shallow: du2018.relu_balance, and jin2023.spline_limit and jin2023.zeta as not_applicable (a
/// width sweep, and a statement about the initialiser's law: gradflow verify runs them).
template <class Scalar>
std::vector<check_result> run_checks(const relu_shallow<Scalar>& model, const run_trace<Scalar>& trace) {
  return {check_du2018_relu_balance(model, trace),
          not_applicable("jin2023.spline_limit", "a width sweep over seeds, not one run: gradflow verify jin2023.spline_limit"),
          not_applicable("jin2023.zeta", "a statement about the initialiser's law, not one run: gradflow verify jin2023.zeta")};
}

}  // namespace gradflow
