#pragma once
// The linear predictor of a model that has one (β with predictions Xβ, ρ with predictions Zρ), for
// trajectory columns and summary entries: the predictor, and for the classification losses the
// margin γ = min_n y_n p_n, β/‖β‖ and β/γ (THEOREMS.md §5.2).
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace gradflow {

template <class Scalar>
struct predictor_report {
  std::string symbol;                      ///< column prefix: "beta", "rho"
  const matrix<Scalar>* design = nullptr;  ///< predictions = design · predictor
  const matrix<Scalar>* labels = nullptr;
  bool is_classification = false;

  /// Column names for a predictor of d entries: <symbol>_j, and margin, <symbol>_normalised_j,
  /// <symbol>_over_margin_j for the classification losses.
  std::vector<std::string> names(Eigen::Index d) const {
    std::vector<std::string> out;
    const auto add = [&](const std::string& prefix) {
      for (Eigen::Index j = 1; j <= d; ++j) out.push_back(prefix + "_" + std::to_string(j));
    };
    add(symbol);
    if (!is_classification) return out;
    out.emplace_back("margin");
    add(symbol + "_normalised");
    add(symbol + "_over_margin");
    return out;
  }
  /// The same quantities, in names() order.
  std::vector<Scalar> values(const matrix<Scalar>& predictor) const {
    using std::sqrt;
    std::vector<Scalar> out(predictor.data(), predictor.data() + predictor.size());
    if (!is_classification) return out;
    const Scalar gamma = margin(predictor), norm = sqrt(predictor.squaredNorm());
    out.push_back(gamma);
    for (Eigen::Index j = 0; j < predictor.size(); ++j)
      out.push_back(norm > 0 ? Scalar(predictor(j) / norm) : Scalar(0));
    for (Eigen::Index j = 0; j < predictor.size(); ++j) out.push_back(predictor(j) / gamma);
    return out;
  }
  Scalar margin(const matrix<Scalar>& predictor) const {
    return labels->cwiseProduct(*design * predictor).minCoeff();
  }

  /// summary.json's "predictor" (and "margin", "predictor_normalised", "predictor_over_margin").
  void add_to_summary(const matrix<Scalar>& predictor, nlohmann::json& summary) const {
    const std::vector<Scalar> v = values(predictor);
    const Eigen::Index d = predictor.size();
    const auto list = [&](std::size_t from) {
      nlohmann::json a = nlohmann::json::array();
      for (Eigen::Index j = 0; j < d; ++j) a.push_back(to_decimal(v[from + static_cast<std::size_t>(j)]));
      return a;
    };
    summary["predictor"] = list(0);
    if (!is_classification) return;
    const std::size_t k = static_cast<std::size_t>(d);
    summary["margin"] = to_decimal(v[k]);
    summary["predictor_normalised"] = list(k + 1);
    summary["predictor_over_margin"] = list(2 * k + 1);
  }
};

}  // namespace gradflow
