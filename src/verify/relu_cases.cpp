// The verify instances of the shallow ReLU network (du2018.relu_balance): THEOREMS.md §3.3's
// Figure 1 data with the seeded anti-symmetrical uniform initialisation, trained through its kink
// events and Filippov sliding modes.
#include "case_support.hpp"

#include "gradflow/checks/du2018.hpp"
#include "gradflow/models/relu_init.hpp"

namespace gradflow {

namespace {

using namespace verify_support;

// Figure 1 data, width n (2n units with ASI), skip connection, seed; `training` all or output.
relu_shallow<Real> figure_1(const relu_parameters<Real>& p, const Real& scale, relu_training training) {
  return relu_shallow<Real>(rows({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}}), rows({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}}), p.W.rows(),
                            scale, true, training, p);
}

check_result balance_case(Eigen::Index width, std::uint64_t seed, relu_training training, const flow_settings& settings) {
  relu_init_options<Real> o;
  o.width = width;
  o.seed = seed;
  o.skip = true;
  const auto [p, scale] = initial_parameters(o);
  const auto model = figure_1(p, scale, training);
  return check_du2018_relu_balance(model, flow(model, model.pack(p), settings));
}

}  // namespace

std::vector<verify_case> relu_cases() {
  using S = verify_suite;
  return {
      {"du2018.relu_balance", "Figure 1 data, ASI uniform width 10, seed 7, taylor to L = 1e-20 (kinks, sliding modes)", 30, S::quick,
       [] { return balance_case(10, 7, relu_training::all, {.loss_below = "1e-20"}); }},
      {"du2018.relu_balance", "the same, output layer only, to t = 1 (not applicable)", 30, S::quick,
       [] { return balance_case(10, 7, relu_training::output, {.t_end = "1"}); }},
      {"du2018.relu_balance", "Figure 1 data, ASI uniform width 40, seed 1, taylor to L = 1e-30", 40, S::full,
       [] { return balance_case(40, 1, relu_training::all, {.loss_below = "1e-30"}); }},
  };
}

}  // namespace gradflow
