#pragma once
// The state columns of trajectory.csv (output.state = true; README "Outputs"): one column per
// parameter entry, named <matrix>_<row>_<col> (1-based) with the matrix names of final/<matrix>.csv.
// `gradflow check` reads the same names back, so both directions use state_column_names().
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/models/tensor.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gradflow::cli {

/// The trained weight matrices of θ, by final/<name>.csv name.
template <class Scalar>
std::vector<std::pair<std::string, matrix<Scalar>>> state_matrices(const linear2<Scalar>& model,
                                                                   const Scalar* theta) {
  return {{"U", model.U(theta)}, {"V", model.V(theta)}};
}
template <class Scalar>
std::vector<std::pair<std::string, matrix<Scalar>>> state_matrices(const linear_deep<Scalar>& model,
                                                                   const Scalar* theta) {
  std::vector<std::pair<std::string, matrix<Scalar>>> out;
  for (int j = 1; j <= model.depth(); ++j) {
    std::string name = std::to_string(j);  // "W" + to_string(j) trips a false -Wrestrict in GCC 12
    name.insert(name.begin(), 'W');
    out.emplace_back(std::move(name), model.W(theta, j));
  }
  return out;
}
template <class Scalar>
std::vector<std::pair<std::string, matrix<Scalar>>> state_matrices(const diagonal<Scalar>& model,
                                                                   const Scalar* theta) {
  return {{"w_plus", model.w_plus(theta)}, {"w_minus", model.w_minus(theta)}};
}
template <class Scalar>
std::vector<std::pair<std::string, matrix<Scalar>>> state_matrices(const tensor<Scalar>& model,
                                                                   const Scalar* theta) {
  std::vector<std::pair<std::string, matrix<Scalar>>> out;
  for (int l = 1; l <= model.depth(); ++l) {
    std::string name = std::to_string(l);
    name.insert(name.begin(), 'v');
    out.emplace_back(std::move(name), model.v(theta, l));
  }
  return out;
}
template <class Scalar>
std::vector<std::pair<std::string, matrix<Scalar>>> state_matrices(const relu_shallow<Scalar>& model,
                                                                   const Scalar* theta) {
  const relu_parameters<Scalar> p = model.unpack(theta);
  std::vector<std::pair<std::string, matrix<Scalar>>> out;
  if (model.training() == relu_training::all) out.insert(out.end(), {{"W", p.W}, {"b", p.b}});
  out.insert(out.end(), {{"a", p.a}, {"c", p.c}});
  if (model.skip()) out.insert(out.end(), {{"u", p.u}, {"v", p.v}});
  return out;
}

/// Column name of each flat state entry θ_i, in state order: found by reading the matrices of the
/// state θ_i = i + 1, so the names follow whatever layout the model uses.
template <class Scalar, class Model>
std::vector<std::string> state_column_names(const Model& model) {
  const std::size_t n = model.dimension();
  std::vector<Scalar> index(n);
  for (std::size_t i = 0; i < n; ++i) index[i] = Scalar(static_cast<long>(i + 1));
  std::vector<std::string> names(n);
  for (const auto& [name, M] : state_matrices(model, index.data()))
    for (Eigen::Index r = 0; r < M.rows(); ++r)
      for (Eigen::Index c = 0; c < M.cols(); ++c) {
        const long i = static_cast<long>(M(r, c)) - 1;
        if (i < 0 || static_cast<std::size_t>(i) >= n || !names[static_cast<std::size_t>(i)].empty())
          throw std::logic_error("state_column_names: " + name + " is not a view of distinct state entries");
        names[static_cast<std::size_t>(i)] = name + "_" + std::to_string(r + 1) + "_" + std::to_string(c + 1);
      }
  for (std::size_t i = 0; i < n; ++i)
    if (names[i].empty())
      throw std::logic_error("state_column_names: state entry " + std::to_string(i) + " has no matrix");
  return names;
}

}  // namespace gradflow::cli
