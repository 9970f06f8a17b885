#pragma once
// Theorem checks for deep linear networks W_L⋯W_1 (THEOREMS.md §7; proofs/arora2018.balanced.md,
// proofs/saxe2014.closed_form.md). A Model provides X(), Y(), layers(θ) (W_1 … W_L) and product(θ)
// (the end-to-end n×m matrix W_1ᵀ⋯W_Lᵀ); linear2 is the case L = 2 with W_1 = Uᵀ, W_2 = V.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"

namespace gradflow {

/// arora2018.balanced: W_{j+1}ᵀW_{j+1} − W_jW_jᵀ stays at its t = 0 value for every j, at every sample.
template <class Scalar, class Model>
check_result check_arora2018_balanced(const Model& model, const run_trace<Scalar>& trace);

/// saxe2014.closed_form: with whitened inputs (XᵀX = I), a balanced start and W_e(0) diagonal in the
/// singular vectors of Σyx = YᵀX, every mode strength follows the closed form of checks/saxe_mode.hpp.
template <class Scalar, class Model>
check_result check_saxe2014_closed_form(const Model& model, const run_trace<Scalar>& trace);

extern template check_result check_arora2018_balanced(const linear2<double>&, const run_trace<double>&);
extern template check_result check_arora2018_balanced(const linear2<Real>&, const run_trace<Real>&);
extern template check_result check_saxe2014_closed_form(const linear2<double>&, const run_trace<double>&);
extern template check_result check_saxe2014_closed_form(const linear2<Real>&, const run_trace<Real>&);
extern template check_result check_arora2018_balanced(const linear_deep<double>&, const run_trace<double>&);
extern template check_result check_arora2018_balanced(const linear_deep<Real>&, const run_trace<Real>&);
extern template check_result check_saxe2014_closed_form(const linear_deep<double>&, const run_trace<double>&);
extern template check_result check_saxe2014_closed_form(const linear_deep<Real>&, const run_trace<Real>&);

}  // namespace gradflow
