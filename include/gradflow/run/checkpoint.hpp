#pragma once
// A checkpoint of a run: where its integration is (integrate_position), the running maxima of the
// invariants' drift and every sample reported so far, as line-based text whose numbers are exact
// decimals (to_decimal reads back to the same value), so a run resumed from it ends exactly where the
// uninterrupted run ends. Written by run/model_adapter.hpp through run_observer::on_checkpoint, read
// back by gradflow::run(c, observer, checkpoint).
//
//   gradflow checkpoint 1
//   config <SHA-256 of the resolved config without the keys that may change between parts>
//   scalar <float64 | mpfr BITS>
//   dimension <n>   (the integrated state, the clock of a time change included)
//   wall_seconds <seconds spent so far>
//   position <t> <steps> <rejected_steps> <rhs_evals> <samples_done> <trial step or "-">
//   theta <θ_1> … <θ_n>
//   max_drift <one per invariant>
//   sample <steps> <t> <θ_1> … <θ_n>      (one line per sample reported, in order)
//   end
#include "gradflow/integrate/options.hpp"
#include "gradflow/io/config.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {

/// A checkpoint that belongs to another config or does not parse (the message says which line).
class invalid_checkpoint : public invalid_input {
 public:
  using invalid_input::invalid_input;
};

/// One sample as the driver reported it: the integration variable, the state, the steps before it.
template <class Scalar>
struct reported_sample {
  Scalar t;
  std::vector<Scalar> theta;
  std::int64_t steps = 0;
};

/// A checkpoint read back (parse_checkpoint).
template <class Scalar>
struct run_checkpoint {
  integrate_position<Scalar> position;
  std::vector<Scalar> max_drift;
  std::vector<reported_sample<Scalar>> samples;
  double wall_seconds = 0;
};

/// The first lines of every checkpoint of `c` ("gradflow checkpoint 1", config, scalar), newline-ended.
std::string checkpoint_header(const run_config& c);

/// Checks that `text` is a checkpoint of `c` (its header) and returns the rest; throws invalid_input
/// naming what differs.
std::string_view checkpoint_body(const run_config& c, std::string_view text);

namespace detail {

// The lines of a checkpoint body, each split at spaces; errors name the line (counted in the file).
class checkpoint_lines {
 public:
  checkpoint_lines(std::string_view body, std::size_t first_line) : m_rest(body), m_line(first_line - 1) {}
  /// The next line's words; its first must be `tag`.
  std::vector<std::string_view> next(std::string_view tag) {
    if (m_rest.empty()) fail("ends before its \"" + std::string(tag) + "\" line");
    const auto end = m_rest.find('\n');
    if (end == std::string_view::npos) fail("is cut short (its last line has no newline)");
    const std::string_view line = m_rest.substr(0, end);
    m_rest.remove_prefix(end + 1);
    ++m_line;
    std::vector<std::string_view> words;
    for (std::size_t at = 0; at <= line.size();) {
      const auto space = std::min(line.find(' ', at), line.size());
      words.push_back(line.substr(at, space - at));
      at = space + 1;
    }
    if (words.front() != tag)
      fail("line " + std::to_string(m_line) + " should start with \"" + std::string(tag) + "\"");
    return words;
  }
  /// The one value of the next line, whose first word must be `tag`.
  std::string_view value(std::string_view tag) {
    const auto words = next(tag);
    if (words.size() != 2)
      fail("line " + std::to_string(m_line) + " should hold one value after \"" + std::string(tag) + "\"");
    return words[1];
  }
  bool starts_with(std::string_view tag) const { return m_rest.starts_with(std::string(tag) + " "); }
  bool done() const { return m_rest.empty(); }
  std::int64_t integer(std::string_view word) const {
    std::int64_t v = 0;
    if (word.empty() || word.size() > 18 || word.find_first_not_of("0123456789") != std::string_view::npos)
      fail("line " + std::to_string(m_line) + ": \"" + std::string(word) + "\" is not a count");
    for (const char d : word) v = 10 * v + (d - '0');
    return v;
  }
  template <class Scalar>
  Scalar number(std::string_view word) const {
    try {
      return parse_decimal<Scalar>(word);
    } catch (const std::invalid_argument& e) {
      fail("line " + std::to_string(m_line) + ": " + e.what());
    }
  }
  [[noreturn]] void fail(const std::string& why) const { throw invalid_checkpoint("the checkpoint " + why); }

 private:
  std::string_view m_rest;
  std::size_t m_line;
};

}  // namespace detail

/// The checkpoint of a run of `c` at `p`, after `samples` and with the invariants' drift maxima
/// `max_drift`, `wall_seconds` into the run.
template <class Scalar>
std::string checkpoint_text(const run_config& c, const integrate_position<Scalar>& p,
                            const std::vector<Scalar>& max_drift,
                            const std::vector<reported_sample<Scalar>>& samples, double wall_seconds) {
  std::string out = checkpoint_header(c);
  const auto numbers = [&](const std::vector<Scalar>& xs) {
    for (const auto& x : xs) out.append(" ").append(to_decimal(x));
    out.append("\n");
  };
  out.append("dimension ").append(std::to_string(p.theta.size())).append("\n");
  out.append("wall_seconds ").append(to_decimal(wall_seconds)).append("\n");
  out.append("position ").append(to_decimal(p.t));
  for (const std::int64_t n :
       {p.steps, p.rejected_steps, p.rhs_evals, static_cast<std::int64_t>(p.samples_done)})
    out.append(" ").append(std::to_string(n));
  out.append(" ").append(p.trial_step ? to_decimal(*p.trial_step) : std::string("-")).append("\n");
  out.append("theta");
  numbers(p.theta);
  out.append("max_drift");
  numbers(max_drift);
  for (const auto& s : samples) {
    out.append("sample ").append(std::to_string(s.steps)).append(" ").append(to_decimal(s.t));
    numbers(s.theta);
  }
  return out.append("end\n");
}

/// The checkpoint `text` of a run of `c` whose integrated state has `dimension` entries and whose
/// model has `invariants` invariants; throws invalid_input naming the line that is wrong.
template <class Scalar>
run_checkpoint<Scalar> parse_checkpoint(const run_config& c, std::string_view text, std::size_t dimension,
                                        std::size_t invariants) {
  detail::checkpoint_lines lines(checkpoint_body(c, text), 4);
  const auto numbers = [&](const std::vector<std::string_view>& words, std::size_t from, std::size_t count,
                           std::string_view what) {
    if (words.size() != from + count)
      lines.fail("has " + std::to_string(words.size() - std::min(words.size(), from)) + " " +
                 std::string(what) + " entries where " + std::to_string(count) + " belong");
    std::vector<Scalar> xs;
    for (std::size_t i = from; i < words.size(); ++i) xs.push_back(lines.number<Scalar>(words[i]));
    return xs;
  };
  run_checkpoint<Scalar> k;
  if (const auto n = lines.integer(lines.value("dimension")); static_cast<std::size_t>(n) != dimension)
    lines.fail("holds a state of " + std::to_string(n) + " entries, the model has " +
               std::to_string(dimension));
  k.wall_seconds = lines.number<double>(lines.value("wall_seconds"));
  const auto position = lines.next("position");
  if (position.size() != 7)
    lines.fail("has a position line of " + std::to_string(position.size()) + " words, not 7");
  auto& p = k.position;
  p.t = lines.number<Scalar>(position[1]);
  p.steps = lines.integer(position[2]);
  p.rejected_steps = lines.integer(position[3]);
  p.rhs_evals = lines.integer(position[4]);
  p.samples_done = static_cast<std::size_t>(lines.integer(position[5]));
  if (position[6] != "-") p.trial_step = lines.number<Scalar>(position[6]);
  p.theta = numbers(lines.next("theta"), 1, dimension, "theta");
  k.max_drift = numbers(lines.next("max_drift"), 1, invariants, "max_drift");
  while (lines.starts_with("sample")) {
    const auto words = lines.next("sample");
    if (words.size() < 3) lines.fail("has a sample line without its steps and t");
    reported_sample<Scalar> s{lines.number<Scalar>(words[2]), numbers(words, 3, dimension, "sample"),
                              lines.integer(words[1])};
    k.samples.push_back(std::move(s));
  }
  if (k.samples.size() != p.samples_done)
    lines.fail("holds " + std::to_string(k.samples.size()) + " samples but its position counts " +
               std::to_string(p.samples_done));
  lines.next("end");
  if (!lines.done()) lines.fail("goes on after its \"end\" line");
  return k;
}

}  // namespace gradflow
