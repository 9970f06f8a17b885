#include "path_check.hpp"

#include "configured_model.hpp"

#include "gradflow/checks/path_defect.hpp"
#include "gradflow/numeric/precision.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace gradflow::cli {

unsigned path_check_digits(const run_config& c) { return c.is_float64 ? 30 : c.digits + 20; }

check_result path_defect_of(const run_config& c, const text_path& path, const std::string& tolerance,
                            bool quiet) {
  const unsigned digits = path_check_digits(c);
  working_precision_scope scope(digits);
  path_claim<Real> claim;
  claim.tolerance = parse_decimal<Real>(tolerance);
  // ε of the path's scalar: 2^-52 for float64, 2^(1 − bits) at precision.digits for mpfr.
  const long bits =
      c.is_float64 ? 53 : static_cast<long>(boost::multiprecision::detail::digits10_2_2(c.digits));
  claim.rounding = ldexp(Real(1), static_cast<int>(1 - bits));
  // Ten digits below the path's own accuracy max(τ, ε), and no finer than ten digits above the check's
  // rounding unit (proofs/flow.path_defect.md): φ's error is then far below every bound.
  claim.reintegration_tolerance =
      std::max<Real>(std::max<Real>(claim.tolerance, claim.rounding) / parse_decimal<Real>("1e10"),
                     parse_decimal<Real>("1e-" + std::to_string(digits - 10)));
  claim.interval_steps = path.interval_steps;
  claim.time_change = c.time_change;
  const auto start = std::chrono::steady_clock::now();
  auto next = start + std::chrono::seconds(1);
  claim.progress = [&](std::size_t done, std::size_t total) {
    if (quiet) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < next) return;
    next = now + std::chrono::seconds(1);
    std::fprintf(stderr, "gradflow: flow.path_defect: interval %zu / %zu at %u digits  %.1f s\n", done, total,
                 digits, std::chrono::duration<double>(now - start).count());
  };
  return with_configured_model<Real>(c, [&](const auto& model, const std::vector<Real>&) {
    run_trace<Real> trace;
    trace.tolerance = claim.tolerance;
    for (std::size_t k = 0; k < path.t.size(); ++k) {
      trace_sample<Real> s;
      s.t = parse_decimal<Real>(path.t[k]);
      for (const auto& x : path.theta[k]) s.theta.push_back(parse_decimal<Real>(x));
      trace.samples.push_back(std::move(s));
    }
    return check_path_defect(model, trace, claim);
  });
}

}  // namespace gradflow::cli
