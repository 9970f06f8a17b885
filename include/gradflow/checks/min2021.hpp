#pragma once
// Theorem checks for the two-layer linear network (Min, Tarmoun, Vidal, Mallada 2021; THEOREMS.md §1;
// one proof file per id in proofs/). Each takes the model and the sampled path of a finished run and
// returns a check_result; none prints or asserts.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/linear2.hpp"

#include <vector>

namespace gradflow {

/// min2021.imbalance: UᵀU − VᵀV and Φ2ᵀU stay at their t = 0 values at every sample.
template <class Scalar>
check_result check_min2021_imbalance(const linear2<Scalar>& model, const run_trace<Scalar>& trace);

/// min2021.rate (Prop. 1): −L̃'/L̃ ≥ λ_r(Σx)·[Δ₊, Δ₋, Δ, σ(U1Vᵀ) terms] at every sample, L̃ = L − L*.
template <class Scalar>
check_result check_min2021_rate(const linear2<Scalar>& model, const run_trace<Scalar>& trace);

/// min2021.exp_bound (Thm 3): L̃(t) ≤ exp(−λ_r(Σx) c(0) t) L̃(0) at every sample; not_applicable when c(0) ≤ 0.
template <class Scalar>
check_result check_min2021_exp_bound(const linear2<Scalar>& model, const run_trace<Scalar>& trace);

/// min2021.minnorm (Prop. 10): from VU2ᵀ = 0, U1U2ᵀ = 0 at t = 0, the converged UVᵀ is Θ̂.
template <class Scalar>
check_result check_min2021_minnorm(const linear2<Scalar>& model, const run_trace<Scalar>& trace);

/// min2021.kernel_identity (Prop. 9): the converged UVᵀ is Θ̂ + Φ2U2(0)Vᵀ.
template <class Scalar>
check_result check_min2021_kernel_identity(const linear2<Scalar>& model, const run_trace<Scalar>& trace);

/// Every min2021 check a single run can decide, in catalogue order (min2021.width needs a sweep over
/// widths and is reported not_applicable here; `gradflow verify` runs it).
template <class Scalar>
std::vector<check_result> min2021_checks(const linear2<Scalar>& model, const run_trace<Scalar>& trace);

extern template check_result check_min2021_imbalance(const linear2<double>&, const run_trace<double>&);
extern template check_result check_min2021_rate(const linear2<double>&, const run_trace<double>&);
extern template check_result check_min2021_exp_bound(const linear2<double>&, const run_trace<double>&);
extern template check_result check_min2021_minnorm(const linear2<double>&, const run_trace<double>&);
extern template check_result check_min2021_kernel_identity(const linear2<double>&, const run_trace<double>&);
extern template std::vector<check_result> min2021_checks(const linear2<double>&, const run_trace<double>&);
extern template check_result check_min2021_imbalance(const linear2<Real>&, const run_trace<Real>&);
extern template check_result check_min2021_rate(const linear2<Real>&, const run_trace<Real>&);
extern template check_result check_min2021_exp_bound(const linear2<Real>&, const run_trace<Real>&);
extern template check_result check_min2021_minnorm(const linear2<Real>&, const run_trace<Real>&);
extern template check_result check_min2021_kernel_identity(const linear2<Real>&, const run_trace<Real>&);
extern template std::vector<check_result> min2021_checks(const linear2<Real>&, const run_trace<Real>&);

}  // namespace gradflow
