// The list of every model: one line per model, its entry defined next to it (src/models/<kind>.cpp).
#include "gradflow/run/model_entry.hpp"

#include <algorithm>

namespace gradflow {

const model_entry& linear2_entry();
const model_entry& linear_deep_entry();
const model_entry& diagonal_entry();
const model_entry& tensor_entry();
const model_entry& relu_shallow_entry();
const model_entry& matrix_sensing_entry();

const std::vector<const model_entry*>& model_entries() {
  static const std::vector<const model_entry*> all{&linear2_entry(),      &linear_deep_entry(),
                                                   &diagonal_entry(),     &tensor_entry(),
                                                   &relu_shallow_entry(), &matrix_sensing_entry()};
  return all;
}

const model_entry* find_model_entry(std::string_view kind) {
  for (const model_entry* e : model_entries())
    if (e->kind == kind) return e;
  return nullptr;
}

const model_entry& entry_of(const run_config& c) {
  const model_entry* e = find_model_entry(c.kind);
  if (!e) throw std::logic_error("entry_of: model.kind = \"" + c.kind + "\" was not validated");
  return *e;
}

std::string models_reporting(std::string_view id) {
  if (id == "flow.path_defect") return "all";
  std::string out;
  for (const model_entry* e : model_entries())
    if (std::find(e->checks.begin(), e->checks.end(), id) != e->checks.end())
      out += (out.empty() ? "" : ", ") + std::string(e->kind);
  return out.empty() ? "—" : out;
}

}  // namespace gradflow
