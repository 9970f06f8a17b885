#pragma once
// In-place matrix kernels for Taylor mode. For Real they call MPFR directly on preallocated
// storage: Boost's et_off operators would allocate a temporary for every a*b and a+b, and that
// allocation, not the arithmetic, dominated the first prototypes. For double they are plain Eigen.
#include "gradflow/numeric/matrix.hpp"

#include <algorithm>
#include <cmath>

namespace gradflow::taylor::detail {

/// C = A + B (sign = +1) or C = A − B (sign = −1); C already has the right shape.
inline void assign_sum(matrix<double>& C, const matrix<double>& A, const matrix<double>& B, int sign) {
  if (sign > 0)
    C.noalias() = A + B;
  else
    C.noalias() = A - B;
}
inline void assign_sum(matrix<Real>& C, const matrix<Real>& A, const matrix<Real>& B, int sign) {
  for (Eigen::Index i = 0; i < C.size(); ++i) {
    auto* c = C.data()[i].backend().data();
    if (sign > 0)
      mpfr_add(c, A.data()[i].backend().data(), B.data()[i].backend().data(), MPFR_RNDN);
    else
      mpfr_sub(c, A.data()[i].backend().data(), B.data()[i].backend().data(), MPFR_RNDN);
  }
}

/// C = sign·A.
inline void assign_signed(matrix<double>& C, const matrix<double>& A, int sign) {
  if (sign > 0)
    C = A;
  else
    C.noalias() = -A;
}
inline void assign_signed(matrix<Real>& C, const matrix<Real>& A, int sign) {
  for (Eigen::Index i = 0; i < C.size(); ++i) {
    if (sign > 0)
      mpfr_set(C.data()[i].backend().data(), A.data()[i].backend().data(), MPFR_RNDN);
    else
      mpfr_neg(C.data()[i].backend().data(), A.data()[i].backend().data(), MPFR_RNDN);
  }
}

/// C = c·A.
inline void assign_scaled(matrix<double>& C, double c, const matrix<double>& A) { C.noalias() = c * A; }
inline void assign_scaled(matrix<Real>& C, const Real& c, const matrix<Real>& A) {
  for (Eigen::Index i = 0; i < C.size(); ++i)
    mpfr_mul(C.data()[i].backend().data(), c.backend().data(), A.data()[i].backend().data(), MPFR_RNDN);
}

/// C = Aᵀ.
inline void assign_transpose(matrix<double>& C, const matrix<double>& A) { C.noalias() = A.transpose(); }
inline void assign_transpose(matrix<Real>& C, const matrix<Real>& A) {
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j)
      mpfr_set(C(j, i).backend().data(), A(i, j).backend().data(), MPFR_RNDN);
}

/// C = 0.
inline void set_zero(matrix<double>& C) { C.setZero(); }
inline void set_zero(matrix<Real>& C) {
  for (Eigen::Index i = 0; i < C.size(); ++i) mpfr_set_zero(C.data()[i].backend().data(), 1);
}

/// C += A·B, with `tmp` a scratch Real at working precision.
inline void multiply_add(matrix<double>& C, const matrix<double>& A, const matrix<double>& B, Real&) {
  C.noalias() += A * B;
}
inline void multiply_add(matrix<Real>& C, const matrix<Real>& A, const matrix<Real>& B, Real& tmp) {
  auto* t = tmp.backend().data();
  for (Eigen::Index j = 0; j < C.cols(); ++j)
    for (Eigen::Index l = 0; l < A.cols(); ++l) {
      const auto* b = B(l, j).backend().data();
      if (mpfr_zero_p(b)) continue;
      for (Eigen::Index i = 0; i < C.rows(); ++i) {
        mpfr_mul(t, A(i, l).backend().data(), b, MPFR_RNDN);
        mpfr_add(C(i, j).backend().data(), C(i, j).backend().data(), t, MPFR_RNDN);
      }
    }
}

/// C = A / d for a positive integer d.
inline void assign_divided(matrix<double>& C, const matrix<double>& A, unsigned long d) {
  C.noalias() = A / static_cast<double>(d);
}
inline void assign_divided(matrix<Real>& C, const matrix<Real>& A, unsigned long d) {
  for (Eigen::Index i = 0; i < C.size(); ++i)
    mpfr_div_ui(C.data()[i].backend().data(), A.data()[i].backend().data(), d, MPFR_RNDN);
}

/// |a| > |b|, without a temporary.
inline bool abs_greater(double a, double b) { return std::abs(a) > std::abs(b); }
inline bool abs_greater(const Real& a, const Real& b) {
  return mpfr_cmpabs(a.backend().data(), b.backend().data()) > 0;
}

/// m = max(m, |x|) for m ≥ 0, without a temporary.
inline void raise_to_abs(double& m, double x) { m = std::max(m, std::abs(x)); }
inline void raise_to_abs(Real& m, const Real& x) {
  if (abs_greater(x, m)) mpfr_abs(m.backend().data(), x.backend().data(), MPFR_RNDN);
}

}  // namespace gradflow::taylor::detail
