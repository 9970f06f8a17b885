// Instantiates the model-free templates once for the scalar Real (see STYLE.md rule 3); each model's
// own instantiations are in its entry (src/models/<kind>.cpp).
#include "gradflow/taylor/jet_impl.hpp"

namespace gradflow {

template class taylor::jet<Real>;

}  // namespace gradflow
