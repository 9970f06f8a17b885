// Measures one MPFR multiply-add (mpfr_mul into a scratch value, then mpfr_add), the operation the
// Taylor kernels are made of, at a given precision: `mac_cost DIGITS` prints nanoseconds per MAC.
// bench/run divides measured run times by (MAC count × this cost) to report distance from the floor.
#include "gradflow/numeric/precision.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  using gradflow::Real;
  if (argc != 2) {
    std::fprintf(stderr, "usage: mac_cost DIGITS\n");
    return 2;
  }
  gradflow::set_working_digits(static_cast<unsigned>(std::atoi(argv[1])));
  // Operands with full mantissas (1/3, 1/7, …), in a block larger than one cache line set.
  const int n = 256;
  std::vector<Real> a(n), b(n), c(n);
  for (int i = 0; i < n; ++i) {
    a[i] = Real(1) / (3 + i);
    b[i] = Real(1) / (7 + 2 * i);
    c[i] = 0;
  }
  Real tmp;
  const long reps = 4000;
  const auto start = std::chrono::steady_clock::now();
  for (long r = 0; r < reps; ++r)
    for (int i = 0; i < n; ++i) {
      mpfr_mul(tmp.backend().data(), a[i].backend().data(), b[(i + r) % n].backend().data(), MPFR_RNDN);
      mpfr_add(c[i].backend().data(), c[i].backend().data(), tmp.backend().data(), MPFR_RNDN);
    }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.2f\n", seconds / (static_cast<double>(reps) * n) * 1e9);
  return c[0] > 0 ? 0 : 1;
}
