#pragma once
// min2021.width (Min et al., Lemma 11 + Thm 12 of v2; THEOREMS.md §1.6, E3 of §1.7;
// proofs/min2021.width.md): with U(0), V(0) i.i.d. N(0, 1/h) (α = ½), ‖U(∞)V(∞)ᵀ − Θ̂‖ = O(h^{-1/2}).
// A sweep over widths and seeds, so it is run by `gradflow verify`, not by `gradflow run`.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <cstdint>
#include <vector>

namespace gradflow {

/// The E3-style instance (THEOREMS.md §1.7): N samples, n inputs, m = 1 output, X_ij ~ N(0, 1/n),
/// Θ* ~ N(0, I/n), Y = XΘ* + N(0, noise²), swept over widths with `seeds` initialisations each.
struct width_sweep_options {
  Eigen::Index N = 10, n = 40;
  std::vector<Eigen::Index> widths{64, 128, 256, 512, 1024};
  int seeds = 3;
  std::uint64_t seed = 2021;
  const char* noise = "0.01";
  const char* loss_below = "1e-24";      ///< the limit is taken where L − L* falls below this
  const char* delta = "0.1";             ///< Thm 12's failure probability δ in its right-hand side
  const char* slope_tolerance = "0.15";  ///< pass needs |slope + ½| ≤ this
  /// Entries of U(0), V(0) have variance 1/h (the theorem's α = ½); false gives variance 1 at every
  /// width, outside the hypothesis (tests use it to show the check fails on the wrong scaling law).
  bool init_variance_one_over_h = true;
};

/// One converged run of the sweep.
template <class Scalar>
struct width_run {
  Eigen::Index h = 0;
  int seed = 0;
  Scalar distance;         ///< ‖U(∞)V(∞)ᵀ − Θ̂‖_F
  Scalar rhs;              ///< Thm 12's right-hand side for this h
  Scalar imbalance_level;  ///< Δ(0) = [λ_r(D)]₊ + [λ_m(−D)]₊ (Lemma 11 part 1 expects > 1)
  Scalar kernel_bound;     ///< the per-run bound from t = 0 data (reduced_flow_report::kernel_bound)
  std::int64_t steps = 0;
};

/// Runs the sweep and judges it: pass iff the least-squares slope of the seed-mean log distance
/// against log h is within slope_tolerance of −½ and every distance is below Thm 12's right-hand side.
/// `runs`, when given, receives every run.
template <class Scalar>
check_result check_min2021_width(const width_sweep_options& options,
                                 std::vector<width_run<Scalar>>* runs = nullptr);

/// What reduced_limit_product saw on the way: Taylor steps (−1 when the loss target was not reached)
/// and Δ(0) = [λ_r(D)]₊ + [λ_m(−D)]₊ of the start.
template <class Scalar>
struct reduced_flow_report {
  std::int64_t steps = 0;
  Scalar imbalance_level;
  /// ‖Φ2ᵀU(0)Q‖₂·√(m·μ) + √(2·loss_below/λ_r(Σx)) ≥ ‖U(t_f)V(t_f)ᵀ − Θ̂‖_F, from t = 0 data and the loss
  /// target only: Q spans the invariant row space S, μ = [λ₋ + √(λ₋² + 4p²)]/2 bounds ‖V‖₂² through
  /// the conserved D (λ₋ = [λ_1(−D)]₊, p ≥ ‖U1Vᵀ‖₂); proofs/min2021.width.md.
  Scalar kernel_bound;
};

/// The limit U(∞)V(∞)ᵀ of a two-layer linear flow, integrated in the exact reduced coordinates of
/// proofs/min2021.width.md (width r + m instead of h) until L − L* < loss_below.
template <class Scalar>
matrix<Scalar> reduced_limit_product(const matrix<Scalar>& X, const matrix<Scalar>& Y,
                                     const matrix<Scalar>& U0, const matrix<Scalar>& V0,
                                     const Scalar& loss_below, reduced_flow_report<Scalar>* report = nullptr);

extern template check_result check_min2021_width(const width_sweep_options&, std::vector<width_run<Real>>*);
extern template matrix<Real> reduced_limit_product(const matrix<Real>&, const matrix<Real>&,
                                                   const matrix<Real>&, const matrix<Real>&, const Real&,
                                                   reduced_flow_report<Real>*);

}  // namespace gradflow
