// Instantiates gradflow's templates once for the scalar Real (see STYLE.md rule 3).
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/models/diagonal_impl.hpp"
#include "gradflow/models/linear2_impl.hpp"
#include "gradflow/models/linear_deep_impl.hpp"
#include "gradflow/models/matrix_sensing_impl.hpp"
#include "gradflow/models/relu_jet_impl.hpp"
#include "gradflow/models/relu_shallow_impl.hpp"
#include "gradflow/models/tensor_impl.hpp"
#include "gradflow/taylor/jet_impl.hpp"

namespace gradflow {

template class linear2<Real>;
template class linear_deep<Real>;
template class diagonal<Real>;
template class tensor<Real>;
template class relu_shallow<Real>;
template class relu_jet<Real>;
template class taylor::jet<Real>;
template integration_summary<Real> integrate(const linear2<Real>&, std::vector<Real>&, const integrate_options<Real>&,
                                              const integrate_observer<Real>&);
template integration_summary<Real> integrate(const linear_deep<Real>&, std::vector<Real>&, const integrate_options<Real>&,
                                             const integrate_observer<Real>&);
template integration_summary<Real> integrate(const diagonal<Real>&, std::vector<Real>&, const integrate_options<Real>&,
                                             const integrate_observer<Real>&);
template integration_summary<Real> integrate(const time_changed<Real, diagonal<Real>>&, std::vector<Real>&,
                                             const integrate_options<Real>&, const integrate_observer<Real>&);
template integration_summary<Real> integrate(const tensor<Real>&, std::vector<Real>&, const integrate_options<Real>&,
                                             const integrate_observer<Real>&);
template integration_summary<Real> integrate(const time_changed<Real, tensor<Real>>&, std::vector<Real>&,
                                             const integrate_options<Real>&, const integrate_observer<Real>&);

template integration_summary<Real> integrate(const relu_shallow<Real>&, std::vector<Real>&, const integrate_options<Real>&,
                                             const integrate_observer<Real>&);

// matrix_sensing (one block, to move with the model's entry).
template class matrix_sensing<Real>;
template integration_summary<Real> integrate(const matrix_sensing<Real>&, std::vector<Real>&,
                                            const integrate_options<Real>&,
                                            const integrate_observer<Real>&);

}  // namespace gradflow
