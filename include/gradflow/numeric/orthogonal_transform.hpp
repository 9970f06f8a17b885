#pragma once
// The named orthogonal transforms S of a model's inputs z = Sx (THEOREMS.md §2.2), built at working
// precision from integers and π:
//   identity   S = I
//   hadamard   Sylvester's H_d / √d (d a power of 2): S_kn = (−1)^{popcount(k & n)} / √d
//   dct        orthonormal DCT-II: S_kn = c_k cos(π (2n + 1) k / (2d)), c_0 = √(1/d), c_k = √(2/d)
#include "gradflow/numeric/matrix.hpp"

#include <boost/math/constants/constants.hpp>

#include <bit>
#include <stdexcept>
#include <string>

namespace gradflow {

/// The d×d transform named `name`; throws std::invalid_argument for an unknown name or, for
/// "hadamard", a d that is not a power of 2.
template <class Scalar>
matrix<Scalar> orthogonal_transform(const std::string& name, Eigen::Index d) {
  using std::cos;
  using std::sqrt;
  if (name == "identity") return matrix<Scalar>::Identity(d, d);
  matrix<Scalar> S(d, d);
  if (name == "hadamard") {
    if (d < 1 || !std::has_single_bit(static_cast<unsigned long>(d)))
      throw std::invalid_argument("orthogonal_transform: hadamard needs d a power of 2, not " +
                                  std::to_string(d));
    const Scalar entry = 1 / sqrt(Scalar(d));
    for (Eigen::Index k = 0; k < d; ++k)
      for (Eigen::Index n = 0; n < d; ++n)
        S(k, n) = std::popcount(static_cast<unsigned long>(k & n)) % 2 ? Scalar(-entry) : entry;
    return S;
  }
  if (name == "dct") {
    const Scalar pi = boost::math::constants::pi<Scalar>();
    for (Eigen::Index k = 0; k < d; ++k) {
      const Scalar c = sqrt(Scalar(k == 0 ? 1 : 2) / d);
      for (Eigen::Index n = 0; n < d; ++n) S(k, n) = c * cos(pi * Scalar((2 * n + 1) * k) / Scalar(2 * d));
    }
    return S;
  }
  throw std::invalid_argument("orthogonal_transform: unknown transform \"" + name +
                              "\" (known: identity, hadamard, dct)");
}

}  // namespace gradflow
