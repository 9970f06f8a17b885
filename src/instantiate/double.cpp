// Instantiates gradflow's templates once for the scalar double (see STYLE.md rule 3).
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

template class linear2<double>;
template class linear_deep<double>;
template class diagonal<double>;
template class tensor<double>;
template class relu_shallow<double>;
template class relu_jet<double>;
template class taylor::jet<double>;
template integration_summary<double> integrate(const linear2<double>&, std::vector<double>&, const integrate_options<double>&,
                                              const integrate_observer<double>&);
template integration_summary<double> integrate(const linear_deep<double>&, std::vector<double>&, const integrate_options<double>&,
                                               const integrate_observer<double>&);
template integration_summary<double> integrate(const diagonal<double>&, std::vector<double>&, const integrate_options<double>&,
                                               const integrate_observer<double>&);
template integration_summary<double> integrate(const time_changed<double, diagonal<double>>&, std::vector<double>&,
                                             const integrate_options<double>&, const integrate_observer<double>&);
template integration_summary<double> integrate(const tensor<double>&, std::vector<double>&, const integrate_options<double>&,
                                             const integrate_observer<double>&);
template integration_summary<double> integrate(const time_changed<double, tensor<double>>&, std::vector<double>&,
                                             const integrate_options<double>&, const integrate_observer<double>&);

template integration_summary<double> integrate(const relu_shallow<double>&, std::vector<double>&, const integrate_options<double>&,
                                             const integrate_observer<double>&);

// matrix_sensing (one block, to move with the model's entry).
template class matrix_sensing<double>;
template integration_summary<double> integrate(const matrix_sensing<double>&, std::vector<double>&,
                                            const integrate_options<double>&,
                                            const integrate_observer<double>&);

}  // namespace gradflow
