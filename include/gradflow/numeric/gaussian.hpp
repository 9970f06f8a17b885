#pragma once
// Seeded standard normal numbers at working precision, identical on every machine.
//
// std::mt19937_64 is specified exactly by the C++ standard (unlike std::normal_distribution). Each
// 64-bit output k becomes u = (k + ½)·2^-64 ∈ (0, 1), exact at 66 bits or more, and pairs (u1, u2)
// become √(−2 ln u1)·(cos 2πu2, sin 2πu2) (Box–Muller) evaluated at working precision.
#include "gradflow/numeric/matrix.hpp"

#include <boost/math/constants/constants.hpp>

#include <cstdint>
#include <optional>
#include <random>

namespace gradflow {

/// Stream of N(0, 1) samples from a seed.
template <class Scalar>
class gaussian_stream {
 public:
  explicit gaussian_stream(std::uint64_t seed) : m_engine(seed) {}

  Scalar next() {
    using std::cos;
    using std::log;
    using std::sin;
    using std::sqrt;
    if (m_spare) {
      Scalar z = *m_spare;
      m_spare.reset();
      return z;
    }
    const Scalar u1 = uniform(), u2 = uniform();
    const Scalar radius = sqrt(-2 * log(u1)), angle = 2 * boost::math::constants::pi<Scalar>() * u2;
    m_spare = radius * sin(angle);
    return radius * cos(angle);
  }

  /// rows × cols matrix of N(0, σ²) entries, σ = scale, filled column by column.
  matrix<Scalar> matrix_of(Eigen::Index rows, Eigen::Index cols, const Scalar& scale) {
    matrix<Scalar> A(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index i = 0; i < rows; ++i) A(i, j) = scale * next();
    return A;
  }

 private:
  Scalar uniform() {
    using std::ldexp;
    return ldexp(Scalar(m_engine()) + Scalar(1) / 2, -64);
  }

  std::mt19937_64 m_engine;
  std::optional<Scalar> m_spare;
};

}  // namespace gradflow
