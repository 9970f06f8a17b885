// Instantiates the theorem checks once for the scalar Real (see STYLE.md rule 3).
#include "gradflow/checks/deep_linear_impl.hpp"
#include "gradflow/checks/min2021_impl.hpp"
#include "gradflow/checks/min2021_width_impl.hpp"

namespace gradflow {

template check_result check_min2021_imbalance(const linear2<Real>&, const run_trace<Real>&);
template check_result check_min2021_rate(const linear2<Real>&, const run_trace<Real>&);
template check_result check_min2021_exp_bound(const linear2<Real>&, const run_trace<Real>&);
template check_result check_min2021_minnorm(const linear2<Real>&, const run_trace<Real>&);
template check_result check_min2021_kernel_identity(const linear2<Real>&, const run_trace<Real>&);
template std::vector<check_result> min2021_checks(const linear2<Real>&, const run_trace<Real>&);
template check_result check_arora2018_balanced(const linear2<Real>&, const run_trace<Real>&);
template check_result check_saxe2014_closed_form(const linear2<Real>&, const run_trace<Real>&);
template check_result check_arora2018_balanced(const linear_deep<Real>&, const run_trace<Real>&);
template check_result check_saxe2014_closed_form(const linear_deep<Real>&, const run_trace<Real>&);
template check_result check_min2021_width(const width_sweep_options&, std::vector<width_run<Real>>*);
template matrix<Real> reduced_limit_product(const matrix<Real>&, const matrix<Real>&, const matrix<Real>&,
                                            const matrix<Real>&, const Real&, reduced_flow_report<Real>*);

}  // namespace gradflow
