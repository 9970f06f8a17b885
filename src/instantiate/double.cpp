// Instantiates the model-free templates once for the scalar double (see STYLE.md rule 3); each model's
// own instantiations are in its entry (src/models/<kind>.cpp).
#include "gradflow/taylor/jet_impl.hpp"

namespace gradflow {

template class taylor::jet<double>;

}  // namespace gradflow
