#include "gradflow/io/matrix_text.hpp"

#include "gradflow/io/invalid_input.hpp"

#include <fstream>

namespace gradflow {

std::string text_matrix::shape() const {
  return std::to_string(n_rows()) + "×" + std::to_string(n_cols());
}

void append_row(text_matrix& M, std::vector<std::string> row, const std::string& where,
                const std::function<std::string(std::size_t)>& entry) {
  if (row.empty()) throw invalid_input(where + " is an empty row: a matrix row needs at least one entry");
  for (std::size_t j = 0; j < row.size(); ++j)
    if (!is_decimal(row[j])) throw invalid_input(entry(j) + " = \"" + row[j] + "\" is not a finite decimal number");
  if (!M.rows.empty() && row.size() != M.n_cols())
    throw invalid_input(where + " has " + std::to_string(row.size()) + " entries but the first row has " +
                        std::to_string(M.n_cols()) + ": rows must have equal length");
  M.rows.push_back(std::move(row));
}

namespace {
std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}
}  // namespace

text_matrix read_csv_matrix(const std::filesystem::path& file, const std::string& field) {
  std::ifstream in(file);
  if (!in) throw invalid_input(field + " = \"" + file.string() + "\": cannot read the file");
  text_matrix M;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> row;
    std::size_t start = 0;
    while (true) {
      const auto comma = line.find(',', start);
      row.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    // Files count lines and columns from 1, as editors do.
    const std::string where = field + " (" + file.string() + " line " + std::to_string(line_no);
    append_row(M, std::move(row), where + ")", [&](std::size_t j) { return where + ", column " + std::to_string(j + 1) + ")"; });
  }
  if (M.rows.empty()) throw invalid_input(field + " = \"" + file.string() + "\": the file holds no matrix rows");
  return M;
}

}  // namespace gradflow
