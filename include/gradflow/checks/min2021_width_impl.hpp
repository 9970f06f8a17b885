#pragma once
// Definitions of min2021.width; included only by src/instantiate/checks_real.cpp.
//
// Notation (THEOREMS.md §1.1, §1.6): X = W Σx^{1/2} Φ1ᵀ, U1 = Φ1ᵀU, U2 = Φ2ᵀU, Θ̂ = Φ1Σx^{-1/2}WᵀY.
// Exact width reduction (proofs/min2021.width.md): U̇1 = Σx^{1/2}EV and V̇ = EᵀΣx^{1/2}U1, so the rows of
// U1 and V stay in S = rowspace U1(0) + rowspace V(0) (dimension ≤ r + m). With Q an orthonormal basis
// of S, U1 = ŨQᵀ and V = ṼQᵀ, and (Ũ, Ṽ) follow the two-layer flow with data X' = XΦ1 (N×r); U2 never moves.
#include "gradflow/checks/min2021_width.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/gaussian.hpp"
#include "gradflow/numeric/rank_split.hpp"
#include "gradflow/numeric/symmetric_eigenvalues.hpp"

#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <string>

namespace gradflow {

namespace detail {

// Orthonormal basis of the column space of M: modified Gram–Schmidt applied twice per column
// ("twice is enough", Giraud et al. 2005); columns that vanish relative to their norm are dropped.
template <class Scalar>
matrix<Scalar> orthonormal_basis(const matrix<Scalar>& M) {
  using std::sqrt;
  matrix<Scalar> Q(M.rows(), 0);
  for (Eigen::Index j = 0; j < M.cols(); ++j) {
    matrix<Scalar> q = M.col(j);
    const Scalar original = q.norm();
    for (int pass = 0; pass < 2; ++pass)
      for (Eigen::Index i = 0; i < Q.cols(); ++i) q -= Q.col(i) * Scalar(Q.col(i).dot(q.col(0)));
    const Scalar norm = q.norm();
    if (!(norm > sqrt(eps<Scalar>()) * original)) continue;
    Q.conservativeResize(Eigen::NoChange, Q.cols() + 1);
    Q.col(Q.cols() - 1) = q / norm;
  }
  return Q;
}

// Δ = [λ_r(D)]₊ + [λ_m(−D)]₊ for D = Q D̃ Qᵀ (h×h): D's spectrum is D̃'s plus h − k zeros.
template <class Scalar>
Scalar imbalance_level(const matrix<Scalar>& D_reduced, Eigen::Index h, Eigen::Index r, Eigen::Index m) {
  const auto reduced = symmetric_eigenvalues(D_reduced);
  std::vector<Scalar> spectrum(reduced.data(), reduced.data() + reduced.size());
  spectrum.resize(static_cast<std::size_t>(h), Scalar(0));
  std::sort(spectrum.begin(), spectrum.end(), [](const Scalar& a, const Scalar& b) { return a > b; });
  const Scalar lambda_r = spectrum[static_cast<std::size_t>(r - 1)];
  const Scalar lambda_m_neg = -spectrum[static_cast<std::size_t>(h - m)];
  return std::max<Scalar>(lambda_r, Scalar(0)) + std::max<Scalar>(lambda_m_neg, Scalar(0));
}

}  // namespace detail

template <class Scalar>
matrix<Scalar> reduced_limit_product(const matrix<Scalar>& X, const matrix<Scalar>& Y,
                                     const matrix<Scalar>& U0, const matrix<Scalar>& V0,
                                     const Scalar& loss_below, reduced_flow_report<Scalar>* report) {
  const auto split = split_by_rank(X);
  const matrix<Scalar> U1 = split.Phi1.transpose() * U0;
  matrix<Scalar> rows(U1.rows() + V0.rows(), U1.cols());
  rows << U1, V0;
  const matrix<Scalar> Q = detail::orthonormal_basis(matrix<Scalar>(rows.transpose()));
  const linear2<Scalar> reduced(X * split.Phi1, Y, Q.cols());
  const matrix<Scalar> U1r = U1 * Q, Vr = V0 * Q;
  std::vector<Scalar> theta = reduced.pack(U1r, Vr);
  integrate_options<Scalar> o;
  o.method = method::taylor;
  o.tolerance = eps<Scalar>() * 10;
  o.t_end = parse_decimal<Scalar>("1e6");
  o.loss_below = loss_below;
  const auto summary = integrate(reduced, theta, o, integrate_observer<Scalar>{});
  if (report) {
    using std::sqrt;
    report->steps = summary.reason == stop_reason::loss_below ? summary.steps : -1;
    const matrix<Scalar> D_reduced = U1r.transpose() * U1r - Vr.transpose() * Vr;
    report->imbalance_level = detail::imbalance_level<Scalar>(D_reduced, U0.cols(), split.rank(), Y.cols());
    // ‖UVᵀ − Θ̂‖_F ≤ ‖Φ1ᵀUVᵀ − Σx^{-1/2}Ỹ‖_F + ‖U2(0)QṼᵀ‖_F ≤ √(2L̃/λ_r) + ‖U2(0)Q‖₂·‖Ṽ‖_F, and the
    // conserved D̃ = ŨᵀŨ − ṼᵀṼ gives (ṼṼᵀ)² = PᵀP − ṼD̃Ṽᵀ (P = ŨṼᵀ), so ‖Ṽ‖₂² ≤ μ and ‖Ṽ‖_F² ≤ m·μ.
    const Scalar lambda_r = split.sigma(split.rank() - 1) * split.sigma(split.rank() - 1);
    const Scalar remainder = sqrt(2 * loss_below / lambda_r);
    const matrix<Scalar> theta_hat = split.sigma.cwiseInverse().asDiagonal() * (split.W.transpose() * Y);
    Eigen::JacobiSVD<matrix<Scalar>> hat_svd(theta_hat);
    const Scalar p = hat_svd.singularValues()(0) + remainder;
    const auto ev = symmetric_eigenvalues(D_reduced);  // decreasing
    const Scalar lambda_minus = std::max<Scalar>(Scalar(-ev(ev.size() - 1)), Scalar(0));
    const Scalar mu = (lambda_minus + sqrt(lambda_minus * lambda_minus + 4 * p * p)) / 2;
    const matrix<Scalar> U2Q = split.Phi2.transpose() * (U0 * Q);
    Scalar U2Q_norm(0);
    if (U2Q.size()) {
      Eigen::JacobiSVD<matrix<Scalar>> svd(U2Q);
      U2Q_norm = svd.singularValues()(0);
    }
    report->kernel_bound = U2Q_norm * sqrt(Scalar(Y.cols()) * mu) + remainder;
  }
  const matrix<Scalar> V = reduced.V(theta.data());
  return split.Phi1 * reduced.U(theta.data()) * V.transpose() +
         split.Phi2 * (split.Phi2.transpose() * (U0 * Q)) * V.transpose();
}

template <class Scalar>
check_result check_min2021_width(const width_sweep_options& o, std::vector<width_run<Scalar>>* runs_out) {
  using std::exp;
  using std::log;
  using std::sqrt;
  const std::string id = "min2021.width";
  const Eigen::Index m = 1;
  gaussian_stream<Scalar> data(o.seed);
  const matrix<Scalar> X = data.matrix_of(o.N, o.n, Scalar(1 / sqrt(Scalar(o.n))));
  const matrix<Scalar> theta_star = data.matrix_of(o.n, m, Scalar(1 / sqrt(Scalar(o.n))));
  const matrix<Scalar> Y = X * theta_star + data.matrix_of(o.N, m, parse_decimal<Scalar>(o.noise));
  const auto split = split_by_rank(X);
  const Eigen::Index r = split.rank();
  const matrix<Scalar> theta_hat =
      split.Phi1 * (split.sigma.cwiseInverse().asDiagonal() * (split.W.transpose() * Y));
  const Scalar lambda_1 = split.sigma(0) * split.sigma(0), lambda_r = split.sigma(r - 1) * split.sigma(r - 1);
  const Scalar C = exp(1 + sqrt(lambda_1) / lambda_r * Y.norm());
  const Scalar rhs_numerator =
      2 * C * sqrt(Scalar(m + r)) * (sqrt(Scalar(m + o.n)) + log(2 / parse_decimal<Scalar>(o.delta)) / 2);

  std::vector<width_run<Scalar>> runs;
  std::vector<double> log_h, mean_log_distance;
  int above_rhs = 0, balanced_enough = 0, unconverged = 0, above_kernel_bound = 0;
  double worst_rhs_ratio = 0, worst_kernel_ratio = 0, best_kernel_ratio = 1e300;
  for (const Eigen::Index h : o.widths) {
    Scalar sum_log(0);
    for (int s = 0; s < o.seeds; ++s) {
      gaussian_stream<Scalar> init(o.seed * 1000003 + static_cast<std::uint64_t>(h) * 101 +
                                   static_cast<std::uint64_t>(s));
      const Scalar scale = o.init_variance_one_over_h ? Scalar(1 / sqrt(Scalar(h))) : Scalar(1);
      const matrix<Scalar> U0 = init.matrix_of(o.n, h, scale), V0 = init.matrix_of(m, h, scale);
      width_run<Scalar> run;
      run.h = h;
      run.seed = s;
      reduced_flow_report<Scalar> report;
      const matrix<Scalar> product =
          reduced_limit_product(X, Y, U0, V0, parse_decimal<Scalar>(o.loss_below), &report);
      run.steps = report.steps;
      run.imbalance_level = report.imbalance_level;
      run.distance = matrix<Scalar>(product - theta_hat).norm();
      run.rhs = rhs_numerator / sqrt(Scalar(h));
      run.kernel_bound = report.kernel_bound;
      if (run.steps < 0) ++unconverged;
      if (run.distance > run.rhs) ++above_rhs;
      if (run.distance > run.kernel_bound) ++above_kernel_bound;
      worst_rhs_ratio = std::max(worst_rhs_ratio, to_double(Scalar(run.rhs / run.distance)));
      worst_kernel_ratio = std::max(worst_kernel_ratio, to_double(Scalar(run.distance / run.kernel_bound)));
      best_kernel_ratio = std::min(best_kernel_ratio, to_double(Scalar(run.distance / run.kernel_bound)));
      if (run.imbalance_level > 1) ++balanced_enough;
      sum_log += log(run.distance);
      runs.push_back(run);
    }
    log_h.push_back(std::log(static_cast<double>(h)));
    mean_log_distance.push_back(to_double(Scalar(sum_log / o.seeds)));
  }
  // Least-squares slope of the seed-mean log distance against log h (a statistic: double suffices).
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < log_h.size(); ++i)
    mx += log_h[i] / log_h.size(), my += mean_log_distance[i] / log_h.size();
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < log_h.size(); ++i)
    sxy += (log_h[i] - mx) * (mean_log_distance[i] - my), sxx += (log_h[i] - mx) * (log_h[i] - mx);
  const double slope = sxy / sxx, tolerance = std::stod(o.slope_tolerance);
  const bool slope_ok = std::fabs(slope + 0.5) <= tolerance;

  std::string table;
  for (std::size_t i = 0; i < o.widths.size(); ++i)
    table += (i ? ", " : "") + std::to_string(o.widths[i]) + ": " +
             to_short_decimal(std::exp(mean_log_distance[i]));
  const int total = static_cast<int>(runs.size());
  if (runs_out) *runs_out = runs;
  char slope_text[64], bound_text[64];
  std::snprintf(slope_text, sizeof slope_text, "%.4f", slope);
  std::snprintf(bound_text, sizeof bound_text, "[%.2f, %.2f]", -0.5 - tolerance, -0.5 + tolerance);
  char ratio_text[160];
  std::snprintf(ratio_text, sizeof ratio_text,
                "; distance ÷ per-run bound in [%.3g, %.3g], %d runs above it; Thm 12's "
                "right-hand side is up to %.3g× the distance",
                best_kernel_ratio, worst_kernel_ratio, above_kernel_bound, worst_rhs_ratio);
  return {id,
          slope_ok && above_rhs == 0 && above_kernel_bound == 0 && unconverged == 0 ? verdict::pass
                                                                                    : verdict::fail,
          slope_text, bound_text,
          "slope of log‖U(∞)V(∞)ᵀ − Θ̂‖_F against log h over " + std::to_string(o.widths.size()) +
              " widths × " + std::to_string(o.seeds) + " seeds (N = " + std::to_string(o.N) +
              " samples, n = " + std::to_string(o.n) + " inputs, m = 1, init " +
              std::string(o.init_variance_one_over_h ? "N(0, 1/h)" : "N(0, 1)") + ", limit at L < " +
              o.loss_below + "); geometric-mean distance by h: " + table + "; " + std::to_string(above_rhs) +
              "/" + std::to_string(total) + " runs above Thm 12's right-hand side (δ = " + o.delta +
              ", C = " + to_short_decimal(C) + ", RHS at h = " + std::to_string(o.widths.back()) + ": " +
              to_short_decimal(runs.back().rhs) + "); Δ(0) > 1 in " + std::to_string(balanced_enough) + "/" +
              std::to_string(total) + " runs" + ratio_text +
              (unconverged ? "; " + std::to_string(unconverged) + " runs did not converge" : "")};
}

}  // namespace gradflow
