#pragma once
// The model a validated config describes, built at the current working precision: one place for
// `gradflow run` (at the run's precision), flow.path_defect (the same inputs, rebuilt above it) and
// `gradflow check` (a path given as text). The config holds every number as a decimal string, so a
// rebuild at more digits is the same model, correctly rounded at the new precision.
#include "gradflow/io/config.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow::cli {

/// model.<field> as numbers; an entry the scalar cannot hold is bad input naming the entry.
template <class Scalar>
matrix<Scalar> numbers(const text_matrix& M, const std::string& field) {
  try {
    return to_matrix<Scalar>(M);
  } catch (const std::invalid_argument& e) {
    throw invalid_input("model." + field + e.what());
  }
}

/// One decimal of the config (`field` names it in the message when the scalar cannot hold it).
template <class Scalar>
Scalar number(const std::string& text, const std::string& field) {
  try {
    return parse_decimal<Scalar>(text);
  } catch (const std::invalid_argument& e) {
    throw invalid_input(field + ": " + e.what());
  }
}

/// Builds the configured model and its start θ(0) at the working precision and returns
/// `f(model, theta0)`; every number is created here, after the precision was set, so it carries it.
template <class Scalar, class F>
auto with_configured_model(const run_config& c, F&& f) {
  matrix<Scalar> X = numbers<Scalar>(c.X, "X"), Y = numbers<Scalar>(c.Y, "Y");
  if (c.kind == "linear_deep") {
    std::vector<Eigen::Index> widths{X.cols()};
    std::vector<matrix<Scalar>> W;
    for (std::size_t i = 0; i < c.W0.size(); ++i) {
      W.push_back(numbers<Scalar>(c.W0[i], "W0[" + std::to_string(i) + "]"));
      widths.push_back(W.back().rows());
    }
    const linear_deep<Scalar> model(std::move(X), std::move(Y), std::move(widths));
    return f(model, model.pack(W));
  }
  if (c.kind == "relu_shallow") {
    relu_init_options<Scalar> o;
    o.law = c.init == "gaussian" ? relu_init_law::gaussian
            : c.init == "sphere" ? relu_init_law::sphere
                                 : relu_init_law::uniform;
    o.w_scale = number<Scalar>(c.init_w, "model.init_w");
    o.b_scale = number<Scalar>(c.init_b, "model.init_b");
    o.width = c.width;
    o.d = X.cols();
    o.asi = c.asi;
    o.skip = c.skip;
    o.seed = static_cast<std::uint64_t>(c.seed);
    const auto [p, scale] = initial_parameters(o);
    const relu_shallow<Scalar> model(std::move(X), std::move(Y), p.W.rows(), scale, c.skip,
                                     c.train == "output" ? relu_training::output : relu_training::all, p);
    return f(model, model.pack(p));
  }
  const loss_kind loss = *parse_loss(c.loss);
  if (c.kind == "tensor") {
    const Eigen::Index d = X.cols();
    matrix<Scalar> S =
        c.transform.empty() ? numbers<Scalar>(c.S, "S") : orthogonal_transform<Scalar>(c.transform, d);
    const tensor<Scalar> model(std::move(X), std::move(Y), c.depth, std::move(S), loss);
    std::vector<matrix<Scalar>> layers;
    if (c.alpha)
      layers.assign(static_cast<std::size_t>(c.depth),
                    matrix<Scalar>::Constant(d, 1, number<Scalar>(*c.alpha, "model.alpha")));
    for (std::size_t l = 0; l < c.v0.size(); ++l)
      layers.push_back(numbers<Scalar>(c.v0[l], "v0[" + std::to_string(l) + "]"));
    return f(model, model.pack(layers));
  }
  if (c.kind == "diagonal") {
    const diagonal<Scalar> model(std::move(X), std::move(Y), c.depth, loss);
    if (!c.alpha)
      return f(model,
               model.pack(numbers<Scalar>(c.W_plus0, "W_plus0"), numbers<Scalar>(c.W_minus0, "W_minus0")));
    const matrix<Scalar> w = matrix<Scalar>::Constant(model.d(), 1, number<Scalar>(*c.alpha, "model.alpha"));
    return f(model, model.pack(w, w));
  }
  const linear2<Scalar> model(std::move(X), std::move(Y), static_cast<Eigen::Index>(c.U0.n_cols()));
  return f(model, model.pack(numbers<Scalar>(c.U0, "U0"), numbers<Scalar>(c.V0, "V0")));
}

}  // namespace gradflow::cli
