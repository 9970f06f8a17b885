// Stand-in model entries for the parser fuzzer: config reading (src/io/config.cpp) asks the model
// entries for their keys and rules, but the real entries (src/models/) bring the whole integrator.
// These entries carry every real kind name and every [model] key with its kind, and read each key
// that is given through the same model_reader (decimal_equal and decimal_sign included), so the
// fuzzer reaches all of the reader; the models' own rules are covered by the exact-message tests.
#include "gradflow/run/model_entry.hpp"

namespace gradflow {

namespace {

const std::vector<model_key>& keys() {
  static const std::vector<model_key> k{
      {"X", key_kind::matrix},       {"Y", key_kind::matrix},       {"U0", key_kind::matrix},
      {"V0", key_kind::matrix},      {"W_plus0", key_kind::matrix}, {"W_minus0", key_kind::matrix},
      {"S", key_kind::matrix},       {"W0", key_kind::matrix_list}, {"v0", key_kind::matrix_list},
      {"A", key_kind::matrix_list},  {"depth", key_kind::integer},  {"width", key_kind::integer},
      {"seed", key_kind::integer},   {"rank", key_kind::integer},   {"alpha", key_kind::decimal},
      {"init_w", key_kind::decimal}, {"init_b", key_kind::decimal}, {"init", key_kind::text},
      {"train", key_kind::text},     {"asi", key_kind::boolean},    {"skip", key_kind::boolean}};
  return k;
}

void read_given(model_reader& r) {
  for (const auto& key : keys()) {
    const std::string name(key.name);
    if (!r.has(name)) continue;
    switch (key.kind) {
      case key_kind::matrix:
        if (r.peek_text(name) && name == "S")
          r.text(name);
        else
          r.matrix(name);
        break;
      case key_kind::matrix_list: {
        const auto list = r.matrix_list(name, 1, "a list needs a matrix", "layer", name + "_1");
        for (const auto& M : list)
          for (std::size_t i = 0; i < M.n_rows(); ++i)
            for (std::size_t j = 0; j < M.n_cols() && j < M.n_rows(); ++j)
              (void)decimal_equal(M.rows[i][j], M.rows[j][i]);
        break;
      }
      case key_kind::integer:
        r.integer(name, 0, std::int64_t{1} << 40);
        break;
      case key_kind::decimal:
        (void)decimal_sign(*r.decimal(name));
        break;
      case key_kind::text:
        r.text(name);
        break;
      case key_kind::boolean:
        r.boolean(name);
        break;
      case key_kind::grid:
        break;
    }
  }
}

memory_profile no_memory(const run_config&) { return {}; }

model_entry stand_in(std::string_view kind) {
  model_entry e;
  e.kind = kind;
  e.summary = "stand-in entry of the parser fuzzer";
  e.keys = keys();
  e.initial_weights = "any";
  e.losses = {"square", "exponential", "logistic"};
  e.time_change = true;
  e.grid = true;
  e.read = read_given;
  e.memory = no_memory;
  return e;
}

}  // namespace

const std::vector<const model_entry*>& model_entries() {
  static const std::vector<model_entry> entries{stand_in("linear2"),      stand_in("linear_deep"),
                                                stand_in("diagonal"),     stand_in("tensor"),
                                                stand_in("relu_shallow"), stand_in("matrix_sensing")};
  static const std::vector<const model_entry*> all = [] {
    std::vector<const model_entry*> out;
    for (const auto& e : entries) out.push_back(&e);
    return out;
  }();
  return all;
}

const model_entry* find_model_entry(std::string_view kind) {
  for (const model_entry* e : model_entries())
    if (e->kind == kind) return e;
  return nullptr;
}

}  // namespace gradflow
