#pragma once
// Shallow ReLU network with the square loss (Jin & Montúfar 2023; THEOREMS.md §3):
//   f(x) = s Σ_i a_i [⟨w_i, x⟩ + b_i]_+ + c  (+ ⟨u, x⟩ + v with the skip connection),
// inputs x ∈ ℝ^d (d = 1 or 2), width n (units i = 1 … n), output scale s (√2/2 for the
// anti-symmetrical initialisation, 1 otherwise), L = ½ Σ_j (f(x_j) − y_j)².
//
// Notation: X ∈ ℝ^{N×d}, Z = X Wᵀ + 𝟙 bᵀ ∈ ℝ^{N×n} (pre-activations z_ji), H = [Z]_+, r = y − f(X),
//   G = (r (s a)ᵀ) ∘ 1[Z > 0]:
//   ȧ = s Hᵀ r,  ċ = 𝟙ᵀ r,  Ẇ = Gᵀ X,  ḃ = Gᵀ 𝟙,  u̇ = Xᵀ r,  v̇ = 𝟙ᵀ r.
// The field is piecewise smooth: it changes where some z_ji changes sign (a kink event of the Taylor
// integrator, taylor/kinks.hpp). Conserved when the first layer trains (Du, Hu, Lee 2018; THEOREMS.md
// §3.2, §7.2): ‖w_i‖² + b_i² − a_i² per unit, across kinks too (ReLU is 1-homogeneous).
// State layout: [W (n×d, column-major); b; a; c; u; v] — W and b only when the first layer trains,
// u and v only with the skip connection.
// Sliding modes: where a breakpoint reaches a data point and the fields on both sides push z_ji back
// to zero, the flow is Filippov's: z_ji stays 0 and 1[z_ji > 0] is replaced by the weight λ ∈ [0, 1]
// that keeps it there (activity_times; a unit may hold two points, whose weights are coupled); the
// mode ends where λ reaches 0 or 1. The model's Taylor events (models/relu_sliding.hpp) enter
// and leave these modes through with_sliding() and leave_sliding().
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/relu_sliding.hpp"
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/taylor/graph.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace gradflow {

/// Which parameters a relu_shallow network trains.
enum class relu_training { all, output };

/// The parameters of a relu_shallow network, by block.
template <class Scalar>
struct relu_parameters {
  matrix<Scalar> W, b, a, c, u, v;  ///< n×d, n×1, n×1, 1×1, d×1, 1×1 (u, v empty without skip)
};

template <class Scalar>
class relu_jet;

template <class Scalar>
class relu_shallow {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");

 public:
  /// The Taylor driver's jet for this model: by unit groups (models/relu_jet.hpp), not by the graph.
  using taylor_jet = relu_jet<Scalar>;
  /// Its events there: kinks and Filippov sliding modes (models/relu_sliding.hpp).
  using taylor_events = relu_sliding<relu_shallow>;

  /// Data X (N×d, d = 1 or 2), targets y (N×1), output scale s > 0, skip connection and training
  /// mode; `fixed` holds W and b when only the output layer trains (else ignored). Throws
  /// std::invalid_argument on wrong shapes.
  relu_shallow(matrix<Scalar> X, matrix<Scalar> y, Eigen::Index width, Scalar output_scale, bool skip,
               relu_training training, const relu_parameters<Scalar>& fixed = {});

  std::size_t dimension() const;
  Eigen::Index N() const { return m_X.rows(); }
  Eigen::Index d() const { return m_X.cols(); }
  Eigen::Index width() const { return m_width; }
  bool skip() const { return m_skip; }
  relu_training training() const { return m_training; }
  const Scalar& output_scale() const { return m_scale; }
  const matrix<Scalar>& X() const { return m_X; }
  const matrix<Scalar>& Y() const { return m_y; }

  /// Flat state from the parameters (the trained blocks only); throws std::invalid_argument on
  /// wrong shapes.
  std::vector<Scalar> pack(const relu_parameters<Scalar>& p) const;
  /// All parameters (trained ones from θ, fixed ones from the model).
  relu_parameters<Scalar> unpack(const Scalar* theta) const;

  /// f at the rows of `points` (M×d).
  matrix<Scalar> predict(const Scalar* theta, const matrix<Scalar>& points) const;
  Scalar loss(const Scalar* theta) const;
  /// θ̇ = −∇L(θ) into dtheta (must not alias theta); at a kink (some z_ji = 0) the unit counts as inactive.
  void velocity(const Scalar* theta, Scalar* dtheta) const;

  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const;

  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    using value = typename Ops::value;
    const auto X = ops.constant(m_X), ones = ops.constant(matrix<Scalar>::Ones(N(), 1));
    std::size_t next = 0;
    const bool first_layer = m_training == relu_training::all;
    const value W = first_layer ? blocks[next++] : ops.constant(m_fixed.W);
    const value b = first_layer ? blocks[next++] : ops.constant(m_fixed.b);
    const value a = blocks[next++], c = blocks[next++];
    const auto Z = ops.add(ops.mul(X, ops.transpose(W)), ops.mul(ones, ops.transpose(b)));
    const auto H = ops.relu(Z);
    auto f = ops.add(ops.scale(m_scale, ops.mul(H, a)), ops.mul(ones, c));
    if (m_skip) f = ops.add(f, ops.add(ops.mul(X, blocks[next]), ops.mul(ones, blocks[next + 1])));
    const auto r = ops.sub(ops.constant(m_y), f), ones_row = ops.transpose(ones);
    std::vector<value> out;
    if (first_layer) {
      // [Ẇ ḃ] = s diag(a) Aᵀ (r ∘ [X 𝟙]), A the activity: Aᵀ(·) first, since A is constant on a step
      // (one product per Taylor order, not a Cauchy sum over N×n entries).
      matrix<Scalar> inputs(N(), d() + 1), take_W = matrix<Scalar>::Zero(d() + 1, d()),
                                           take_b = matrix<Scalar>::Zero(d() + 1, 1);
      inputs << m_X, matrix<Scalar>::Ones(N(), 1);
      take_W.topRows(d()).setIdentity();
      take_b(d(), 0) = 1;
      const auto weighted =
          ops.hadamard(ops.mul(r, ops.constant(matrix<Scalar>::Ones(1, d() + 1))), ops.constant(inputs));
      const auto Q = activity_times(ops, Z, r, weighted);
      const auto dWb =
          ops.hadamard(ops.mul(ops.scale(m_scale, a), ops.constant(matrix<Scalar>::Ones(1, d() + 1))), Q);
      out.push_back(ops.mul(dWb, ops.constant(take_W)));
      out.push_back(ops.mul(dWb, ops.constant(take_b)));
    }
    out.push_back(ops.scale(m_scale, ops.mul(ops.transpose(H), r)));
    out.push_back(ops.mul(ones_row, r));
    if (m_skip) {
      out.push_back(ops.mul(ops.transpose(X), r));
      out.push_back(ops.mul(ones_row, r));
    }
    return out;
  }

  /// "unit_balance" (n×1): ‖w_i‖² + b_i² − a_i², when the first layer trains; none otherwise.
  std::vector<named_invariant<Scalar>> invariants(const Scalar* theta) const;

  // Filippov sliding (see the header comment): entries e = j + N·i of Z held at z_ji = 0.
  /// The same network with `entries` (of kink source 0, Z) held at zero; throws
  /// std::invalid_argument when a unit would hold three or more, or two whose inputs coincide.
  relu_shallow with_sliding(const std::vector<std::pair<std::size_t, Eigen::Index>>& entries) const;
  /// The sliding entries of Z (j + N·i), in the order of their kink sources.
  const std::vector<Eigen::Index>& sliding() const { return m_sliding; }
  /// The data points unit i slides on, increasing (none, one, or two).
  std::vector<Eigen::Index> sliding_points(Eigen::Index i) const;
  /// −K_JJ⁻¹ K_J,· (|J|×N, K = X Xᵀ + 𝟙𝟙ᵀ) for the one or two points J a unit slides on: its μ_J is
  /// this times r ∘ 1[unit active] (activity_times).
  matrix<Scalar> filippov_rows(const std::vector<Eigen::Index>& J) const;
  /// True for kink-source entries the driver must not treat as kinks: Z's sliding entries.
  bool ignores_kink(std::size_t source, Eigen::Index entry) const;
  /// After a kink of source s ≥ 1 (λ_m reached 0 or 1): the network without that sliding entry,
  /// the entry, and the side it leaves to (true = active).
  std::pair<relu_shallow, std::pair<Eigen::Index, bool>> leave_sliding(std::size_t source) const;

 private:
  // Aᵀ R for the activity A = 1[Z > 0] (N×n) with each sliding entry (j, i) replaced by its Filippov
  // weight λ_ji, the value that keeps ż_ji = 0. With K = X Xᵀ + 𝟙𝟙ᵀ and J_i the points unit i slides on
  // (one, or two: a line through two data points, d = 2), μ_ji = λ_ji r_j solves
  //   Σ_{k∈J_i} K_jk μ_ki = −Σ_{k∉J_i} K_jk r_k 1[z_ki > 0]  (j ∈ J_i),
  // i.e. μ = −K_JJ⁻¹ K_J,· (r ∘ on_i) — for one point λ = −Σ_{k≠j} r_k 1[z_ki > 0] (⟨x_j, x_k⟩ + 1)/(r_j (‖x_j‖² + 1)).
  // heaviside(λ) and heaviside(1 − λ) make λ and 1 − λ kink sources 2m + 1 and 2m + 2 (m-th sliding
  // entry), so the driver stops where λ leaves [0, 1]. The step-constant part of A and the λ part are
  // multiplied separately (the first costs one product per order).
  template <class Ops>
  typename Ops::value activity_times(Ops& ops, const typename Ops::value& Z, const typename Ops::value& r,
                                     const typename Ops::value& R) const {
    auto on = ops.heaviside(Z);
    if (m_sliding.empty()) return ops.mul(ops.transpose(on), R);
    matrix<Scalar> keep = matrix<Scalar>::Ones(N(), m_width);
    for (const Eigen::Index e : m_sliding) keep(e) = 0;
    on = ops.hadamard(on, ops.constant(keep));
    auto product = ops.mul(ops.transpose(on), R);
    std::vector<typename Ops::value> mu(m_sliding.size());
    for (std::size_t m = 0; m < m_sliding.size(); ++m) {
      const Eigen::Index i = m_sliding[m] / N();
      const std::vector<Eigen::Index> J = sliding_points(i);
      if (m_sliding[m] % N() != J.front()) continue;  // the unit's μ's are made once, at its first point
      matrix<Scalar> unit_i = matrix<Scalar>::Zero(m_width, 1);
      unit_i(i) = 1;
      const auto mu_i =
          ops.mul(ops.constant(filippov_rows(J)), ops.hadamard(r, ops.mul(on, ops.constant(unit_i))));
      for (std::size_t a = 0; a < J.size(); ++a) {
        matrix<Scalar> pick = matrix<Scalar>::Zero(1, static_cast<Eigen::Index>(J.size()));
        pick(static_cast<Eigen::Index>(a)) = 1;
        const auto at = std::find(m_sliding.begin(), m_sliding.end(), J[a] + N() * i) - m_sliding.begin();
        mu[static_cast<std::size_t>(at)] = ops.mul(ops.constant(pick), mu_i);
      }
    }
    for (std::size_t m = 0; m < m_sliding.size(); ++m) {
      const Eigen::Index j = m_sliding[m] % N(), i = m_sliding[m] / N();
      matrix<Scalar> unit_i = matrix<Scalar>::Zero(m_width, 1), point_j = matrix<Scalar>::Zero(N(), 1);
      unit_i(i) = 1;
      point_j(j) = 1;
      const auto lambda = ops.hadamard(
          mu[m], ops.pow(ops.mul(ops.constant(matrix<Scalar>(point_j.transpose())), r), Scalar(-1)));
      ops.heaviside(lambda);
      ops.heaviside(ops.sub(ops.constant(matrix<Scalar>::Ones(1, 1)), lambda));
      // row i of Aᵀ R gains λ·(row j of R)
      const auto row_j = ops.mul(ops.constant(matrix<Scalar>(point_j.transpose())), R);
      product = ops.add(product, ops.mul(ops.constant(unit_i), ops.mul(lambda, row_j)));
    }
    return product;
  }

  matrix<Scalar> m_X, m_y;
  Eigen::Index m_width;
  Scalar m_scale;
  bool m_skip;
  relu_training m_training;
  relu_parameters<Scalar> m_fixed;
  std::vector<Eigen::Index> m_sliding;
};

extern template class relu_shallow<double>;
extern template class relu_shallow<Real>;

}  // namespace gradflow

// The jet named by taylor_jet, complete wherever relu_shallow is (it holds a relu_shallow, hence here
// at the end; relu_jet.hpp includes this header first, so either order of the two includes works).
#include "gradflow/models/relu_jet.hpp"
