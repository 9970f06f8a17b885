#pragma once
// The theorem catalogue: every check id with a one-line statement (the models that report each are
// their entries' business: run/model_entry.hpp). The ids are a contract: code, tests,
// proofs/<id>.md and datasets use the same strings.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {

/// One catalogue entry.
struct catalogue_entry {
  std::string_view id, statement;
};

/// Every check, in the order `gradflow list`, `gradflow run` and `gradflow verify` report them.
inline const std::vector<catalogue_entry>& check_catalogue() {
  static const std::vector<catalogue_entry> entries{
      {"flow.path_defect",
       "consecutive samples are joined by the flow: θ_{k+1} = φ_{t_{k+1}−t_k}(θ_k) re-integrated above the "
       "path's precision, within 16·(steps + 2)·max(tolerance, eps) (with the time change: θ and ln(1 + t) at each loss)"},
      {"min2021.imbalance", "UᵀU − VᵀV and Φ2ᵀU are constant along the flow"},
      {"min2021.rate",
       "Prop. 1: −(L − L*)'/(L − L*) ≥ λ_r(Σx)·[Δ₊, Δ₋, Δ, σ(U1Vᵀ) terms], judged on the path's own decrease "
       "ln(L̃_k/L̃_{k+1}) ≥ ∫ bound dt between samples"},
      {"min2021.exp_bound", "Thm 3: L(t) − L* ≤ exp(−λ_r(Σx) c(0) t)(L(0) − L*) when c(0) > 0"},
      {"min2021.minnorm",
       "Prop. 10: VU2ᵀ = 0 and U1U2ᵀ = 0 at t = 0 ⇒ U(∞)V(∞)ᵀ = Θ̂ (min-norm solution); asserted: "
       "(VU2ᵀ, U1U2ᵀ) stays 0 at every sample (the kernel part of UVᵀ − Θ̂), the row-space part is reported"},
      {"min2021.kernel_identity",
       "Prop. 9: U(∞)V(∞)ᵀ = Θ̂ + Φ2U2(0)V(∞)ᵀ for any converging flow; asserted: its kernel part "
       "Φ2(U2(t) − U2(0))Vᵀ = 0 at every sample (an identity given U2's conservation), the row-space part is reported"},
      {"min2021.width", "Thm 12: init N(0, 1/h) ⇒ ‖U(∞)V(∞)ᵀ − Θ̂‖ = O(h^-1/2) (width sweep, verify only)"},
      {"arora2018.balanced", "W_{j+1}ᵀW_{j+1} − W_jW_jᵀ is constant along the flow for every j"},
      {"saxe2014.closed_form",
       "whitened inputs, balanced spectral start ⇒ each mode follows ȧ = L a^(2−2/L)(s − a) in closed form"},
      {"woodworth2020.q_alpha",
       "depth 2, square loss, start α·1 ⇒ β(∞) = argmin Q_α(β) s.t. Xβ = y; along the path "
       "w₊w₋ = α² and ln(w₊/w₋) ∈ range Xᵀ"},
      {"woodworth2020.depth_d",
       "depth D ≥ 3, start α·1 ⇒ β(∞) = argmin Σ α^D q_D(β_i/α^D) s.t. Xβ = y; w₊^(2−D) + w₋^(2−D) conserved "
       "and w₊^(2−D) − w₋^(2−D) ∈ range Xᵀ along the path"},
      {"yun2021.regression",
       "square loss, S orthogonal ⇒ ρ(∞) minimises Σ_j Q_j(ρ_j) s.t. XSᵀρ = y; a_{l,j}² − a_{1,j}² conserved"},
      {"yun2021.classification",
       "separable data, exponential loss ⇒ ρ/‖ρ‖ → a KKT point of min ‖ρ‖_{2/L} s.t. y_n⟨Sx_n, ρ⟩ ≥ 1 "
       "(asserted: the flow's identity G^{-1}(ρ(t_f)) ∈ {Aᵀν : ν ≥ 0}; reported, no rate: the ℓ1 LP gap (L = 2) or KKT residual)"},
      {"soudry2018.direction",
       "linear predictor, separable data ⇒ w = ŵ log t + w̃ + r, ŵ the ℓ2 max margin, ‖r(t)‖ = O(t^-μ) "
       "(asserted from t_m = √t_f to t_f; the direction error ≤ 2(‖w̃‖ + ‖r‖)/(‖ŵ‖ log t) follows)"},
      {"moroshko2020.transition",
       "exponential loss, one data point ⇒ β/γ = argmin Q_α̃ s.t. ⟨x̃, β⟩ = 1 with α̃^D = α^D/γ at every t, "
       "and γ(t) = F(τ), t = ∫₀^τ e^{F} (the clock, by quadrature)"},
      {"gunasekar2017.commuting",
       "matrix sensing, commuting A_i = Q diag(a_i) Qᵀ, U0U0ᵀ = α²I ⇒ X(t) = Q diag(α² exp(𝒜ᵀν(t))) Qᵀ "
       "and X(∞) = α² exp(𝒜*(ν∞)) with 𝒜(X∞) = y (asserted: commutators, off-diagonal entries and the ker 𝒜 part "
       "of ln λ stay 0 at every sample; the limit against Newton on ν; the rank of X(0) and X(t_f) reported)"},
      {"du2018.relu_balance",
       "shallow ReLU net, first layer trained ⇒ ‖w_i‖² + b_i² − a_i² is constant along the flow, across kinks and sliding modes"},
      {"jin2023.spline_limit",
       "ASI, skip connection ⇒ sup|f(·, θ(∞)) − g*| = O(n^{-1/2}), g* the natural cubic spline (ζ constant), "
       "the adaptive spline (Gaussian ζ) or the polyharmonic spline (2-D, W on the circle) (width sweep over seeds; verify only)"},
      {"jin2023.zeta",
       "Prop. 14 / Thm 2: the breakpoint density weighted by W² of the seeded initialiser is ζ(x) = ∫|W|³p(W, −Wx)dW "
       "(uniform, Gaussian and W = ±1 closed forms; verify only)"},
  };
  return entries;
}

/// Whether `id` names a check of the catalogue.
inline bool is_catalogued(std::string_view id) {
  const auto& c = check_catalogue();
  return std::any_of(c.begin(), c.end(), [&](const catalogue_entry& e) { return e.id == id; });
}

/// Every check id, comma-separated (for "unknown check id" messages).
inline std::string catalogued_ids() {
  std::string out;
  for (const auto& e : check_catalogue()) out += (out.empty() ? "" : ", ") + std::string(e.id);
  return out;
}

}  // namespace gradflow
