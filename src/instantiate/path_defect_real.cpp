// Instantiates flow.path_defect once for the scalar Real (STYLE.md rule 3): the check runs above the
// path's precision, so only Real is needed (a float64 path is re-integrated at 30 digits).
#include "gradflow/checks/path_defect_impl.hpp"

namespace gradflow {

template check_result check_path_defect(const linear2<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);
template check_result check_path_defect(const linear_deep<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);
template check_result check_path_defect(const diagonal<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);
template check_result check_path_defect(const tensor<Real>&, const run_trace<Real>&, const path_claim<Real>&);
template check_result check_path_defect(const relu_shallow<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);

}  // namespace gradflow
