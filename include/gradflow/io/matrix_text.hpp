#pragma once
// Matrices as decimal text: read from the config (inline rows or a CSV file) before the working
// precision is known, converted to numbers once it is.
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow {

/// Rectangular matrix of decimal strings (every entry already checked by is_decimal).
struct text_matrix {
  std::vector<std::vector<std::string>> rows;
  std::string sha256;  ///< of the file's bytes when read from a CSV file (empty for inline rows)
  std::size_t n_rows() const { return rows.size(); }
  std::size_t n_cols() const { return rows.empty() ? 0 : rows.front().size(); }
  /// "3×2"
  std::string shape() const;
};

/// Reads a CSV file of decimal strings (one matrix row per line ending in LF, CRLF or CR; blank lines
/// and lines starting with '#' skipped; a UTF-8 byte-order mark skipped) and records its SHA-256;
/// throws invalid_input naming `field`, the file, the line and the rule (also for a directory, an
/// empty file, UTF-16 or binary bytes).
text_matrix read_csv_matrix(const std::filesystem::path& file, const std::string& field);

/// Appends one row (as read) after checking entries and width; throws invalid_input naming the row
/// (`where`, e.g. "model.X[1]") or the entry (`entry(j)`, e.g. "model.X[1][2]").
void append_row(text_matrix& M, std::vector<std::string> row, const std::string& where,
                const std::function<std::string(std::size_t)>& entry);

/// Numbers at working precision, each entry correctly rounded from its decimal string; throws
/// std::invalid_argument "[i][j] = \"text\" is outside …" when an entry overflows the scalar.
template <class Scalar>
matrix<Scalar> to_matrix(const text_matrix& M) {
  matrix<Scalar> A(static_cast<Eigen::Index>(M.n_rows()), static_cast<Eigen::Index>(M.n_cols()));
  for (std::size_t i = 0; i < M.n_rows(); ++i)
    for (std::size_t j = 0; j < M.n_cols(); ++j) try {
        A(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = parse_decimal<Scalar>(M.rows[i][j]);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("[" + std::to_string(i) + "][" + std::to_string(j) + "] = " + e.what());
      }
  return A;
}

/// Full-precision CSV text of a matrix (one row per line, round-trip decimals).
template <class Scalar>
std::string to_csv(const matrix<Scalar>& A) {
  std::string out;
  for (Eigen::Index i = 0; i < A.rows(); ++i) {
    for (Eigen::Index j = 0; j < A.cols(); ++j) {
      if (j) out += ',';
      out += to_decimal(A(i, j));
    }
    out += '\n';
  }
  return out;
}

}  // namespace gradflow
