// The verify instances of the implicit-bias checks: diagonal networks (woodworth2020.*,
// moroshko2020.transition) and tensor networks (yun2021.*, soudry2018.direction). Each instance's
// reference solution is computed inside its check by an independent solver (proofs/<id>.md).
#include "case_support.hpp"

#include "gradflow/checks/moroshko2020.hpp"
#include "gradflow/checks/soudry2018.hpp"
#include "gradflow/checks/woodworth2020.hpp"
#include "gradflow/checks/yun2021.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"

namespace gradflow {

namespace {

using namespace verify_support;

// Diagonal network started at w₊ = w₋ = α𝟙.
std::vector<Real> alpha_start(const diagonal<Real>& model, const char* alpha) {
  const matrix<Real> w = matrix<Real>::Constant(model.d(), 1, dec(alpha));
  return model.pack(w, w);
}

// THEOREMS.md §4.3: X = [[1,1,0],[0,1,1]], y = (1,1).
diagonal<Real> section_4_3(int depth) {
  return diagonal<Real>(rows({{"1", "1", "0"}, {"0", "1", "1"}}), rows({{"1"}, {"1"}}), depth);
}

// An under-determined regression with 4 features and 2 samples.
matrix<Real> four_features_X() { return rows({{"1", "0.5", "-0.3", "0.2"}, {"0.1", "-0.7", "0.4", "1.2"}}); }
matrix<Real> four_features_y() { return rows({{"0.8"}, {"-0.5"}}); }

// THEOREMS.md §5.3: one data point x̃ = (1, 2) with the exponential loss.
diagonal<Real> single_point(int depth) {
  return diagonal<Real>(rows({{"1", "2"}}), rows({{"1"}}), depth, loss_kind::exponential);
}

// Tensor network whose layers all start at α𝟙.
std::vector<Real> layers_start(const tensor<Real>& model, const char* alpha) {
  return model.pack(std::vector<matrix<Real>>(static_cast<std::size_t>(model.depth()),
                                              matrix<Real>::Constant(model.d(), 1, dec(alpha))));
}

// THEOREMS.md §6.4 (anisotropic): x1 = (1, 0), x2 = (0, 2), labels +1; linear predictor from 0.
tensor<Real> soudry_anisotropic(loss_kind loss) {
  return tensor<Real>(rows({{"1", "0"}, {"0", "2"}}), rows({{"1"}, {"1"}}), 1, matrix<Real>::Identity(2, 2),
                      loss);
}

// Four labelled points in ℝ⁴ seen through the normalised Hadamard transform.
tensor<Real> hadamard_classification(int depth) {
  return tensor<Real>(rows({{"1", "0.5", "0.2", "-0.1"},
                            {"0.3", "1", "-0.4", "0.2"},
                            {"-0.8", "0.1", "0.3", "0.9"},
                            {"0.2", "-1.1", "0.5", "0.4"}}),
                      rows({{"1"}, {"1"}, {"-1"}, {"-1"}}), depth, orthogonal_transform<Real>("hadamard", 4),
                      loss_kind::exponential);
}

}  // namespace

std::vector<verify_case> implicit_bias_cases() {
  using S = verify_suite;
  std::vector<verify_case> c;
  constexpr auto pass = verdict::pass, not_applicable = verdict::not_applicable;
  auto add = [&](const char* id, const char* instance, unsigned digits, S suite, verdict expected,
                 std::function<check_result()> run) {
    c.push_back({id, instance, digits, suite, expected, std::move(run)});
  };
  add("woodworth2020.q_alpha", "THEOREMS.md §4.3, α = 0.5, taylor to L = 1e-60", 60, S::quick, pass, [] {
    const auto model = section_4_3(2);
    return check_woodworth2020_q_alpha(model,
                                       flow(model, alpha_start(model, "0.5"), {.loss_below = "1e-60"}));
  });
  add("woodworth2020.q_alpha", "4 features, α = 0.05, taylor to L = 1e-70", 90, S::quick, pass, [] {
    const diagonal<Real> model(four_features_X(), four_features_y(), 2);
    return check_woodworth2020_q_alpha(model,
                                       flow(model, alpha_start(model, "0.05"), {.loss_below = "1e-70"}));
  });
  add("woodworth2020.q_alpha", "4 features, logistic loss (not applicable)", 30, S::quick, not_applicable,
      [] {
        const diagonal<Real> model(four_features_X(), rows({{"1"}, {"-1"}}), 2, loss_kind::logistic);
        return check_woodworth2020_q_alpha(model, flow(model, alpha_start(model, "0.5"), {.t_end = "1"}));
      });
  add("woodworth2020.depth_d", "THEOREMS.md §4.3, D = 3, α = 0.5, taylor to L = 1e-50", 50, S::quick, pass,
      [] {
        const auto model = section_4_3(3);
        return check_woodworth2020_depth_d(model,
                                           flow(model, alpha_start(model, "0.5"), {.loss_below = "1e-50"}));
      });
  add("woodworth2020.depth_d", "4 features, D = 4, α = 0.3, taylor to L = 1e-50", 50, S::quick, pass, [] {
    const diagonal<Real> model(four_features_X(), four_features_y(), 4);
    return check_woodworth2020_depth_d(model,
                                       flow(model, alpha_start(model, "0.3"), {.loss_below = "1e-50"}));
  });
  add("yun2021.regression", "L = 2, S = Hadamard 4×4, unbalanced start, taylor to L = 1e-50", 50, S::quick,
      pass, [] {
        const tensor<Real> model(four_features_X(), four_features_y(), 2,
                                 orthogonal_transform<Real>("hadamard", 4));
        const auto theta = model.pack(
            {rows({{"0.3"}, {"-0.2"}, {"0.5"}, {"0.1"}}), rows({{"0.1"}, {"0.4"}, {"-0.2"}, {"0.3"}})});
        return check_yun2021_regression(model, flow(model, theta, {.loss_below = "1e-50"}));
      });
  add("yun2021.regression", "L = 3, S = DCT 4×4, balanced start α = 0.5, taylor to L = 1e-50", 50, S::quick,
      pass, [] {
        const tensor<Real> model(four_features_X(), four_features_y(), 3,
                                 orthogonal_transform<Real>("dct", 4));
        return check_yun2021_regression(model,
                                        flow(model, layers_start(model, "0.5"), {.loss_below = "1e-50"}));
      });
  add("yun2021.classification", "L = 2, S = Hadamard, 4 points, exponential loss to 1e-100 (time change)", 40,
      S::quick, pass, [] {
        const auto model = hadamard_classification(2);
        return check_yun2021_classification(model,
                                            classification_flow(model, layers_start(model, "0.1"), "1e-100"));
      });
  add("yun2021.classification", "L = 3, S = Hadamard, 4 points, exponential loss to 1e-100 (time change)", 40,
      S::quick, pass, [] {
        const auto model = hadamard_classification(3);
        return check_yun2021_classification(model,
                                            classification_flow(model, layers_start(model, "0.3"), "1e-100"));
      });
  add("soudry2018.direction", "THEOREMS.md §6.4 anisotropic, exponential loss to 1e-300 (time change)", 50,
      S::quick, pass, [] {
        const auto model = soudry_anisotropic(loss_kind::exponential);
        return check_soudry2018_direction(
            model, classification_flow(model, model.pack({matrix<Real>::Zero(2, 1)}), "1e-300"));
      });
  // The logistic time-changed field is a quotient of two series and loses ~15 digits on long steps
  // (README): 15 guard digits above the tolerance, or the remainder check sees the loss (at 50 digits
  // and tolerance 10·eps, ‖r(t_f)‖ = 2.5e-43 against a floor of 2.3e-43).
  add("soudry2018.direction", "same data, logistic loss to 1e-300 (time change, 15 guard digits)", 65,
      S::quick, pass, [] {
        const auto model = soudry_anisotropic(loss_kind::logistic);
        return check_soudry2018_direction(
            model, classification_flow(model, model.pack({matrix<Real>::Zero(2, 1)}), "1e-300", 41, "1e-49"));
      });
  add("soudry2018.direction", "Fig. 1 support vectors ±(0.5, 1.5), ±(1.5, 0.5), exponential loss to 1e-100",
      40, S::quick, pass, [] {
        const tensor<Real> model(rows({{"0.5", "1.5"}, {"1.5", "0.5"}, {"-0.5", "-1.5"}, {"-1.5", "-0.5"}}),
                                 rows({{"1"}, {"1"}, {"-1"}, {"-1"}}), 1, matrix<Real>::Identity(2, 2),
                                 loss_kind::exponential);
        return check_soudry2018_direction(
            model, classification_flow(model, model.pack({rows({{"0.3"}, {"-0.2"}})}), "1e-100"));
      });
  add("moroshko2020.transition", "THEOREMS.md §5.3, x̃ = (1, 2), α = 1, to loss 1e-100", 60, S::quick, pass,
      [] {
        const auto model = single_point(2);
        return check_moroshko2020_transition(model,
                                             classification_flow(model, alpha_start(model, "1"), "1e-100"));
      });
  add("moroshko2020.transition", "THEOREMS.md §5.3, x̃ = (1, 2), α = 1, to loss 1e-1000", 60, S::quick, pass,
      [] {
        const auto model = single_point(2);
        return check_moroshko2020_transition(model,
                                             classification_flow(model, alpha_start(model, "1"), "1e-1000"));
      });
  add("moroshko2020.transition", "x̃ = (1, 2, 0.5), D = 3, α = 0.5, to loss 1e-200", 50, S::quick, pass, [] {
    const diagonal<Real> model(rows({{"1", "2", "0.5"}}), rows({{"1"}}), 3, loss_kind::exponential);
    return check_moroshko2020_transition(model,
                                         classification_flow(model, alpha_start(model, "0.5"), "1e-200"));
  });
  add("moroshko2020.transition", "two points (measured, not asserted: not applicable)", 40, S::quick,
      not_applicable, [] {
        const diagonal<Real> model(rows({{"1", "2"}, {"2", "0.5"}}), rows({{"1"}, {"1"}}), 2,
                                   loss_kind::exponential);
        return check_moroshko2020_transition(model,
                                             classification_flow(model, alpha_start(model, "1"), "1e-100"));
      });
  return c;
}

}  // namespace gradflow
