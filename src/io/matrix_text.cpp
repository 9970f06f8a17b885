#include "gradflow/io/matrix_text.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/sha256.hpp"

#include <fstream>
#include <iterator>

namespace gradflow {

std::string text_matrix::shape() const { return std::to_string(n_rows()) + "×" + std::to_string(n_cols()); }

void append_row(text_matrix& M, std::vector<std::string> row, const std::string& where,
                const std::function<std::string(std::size_t)>& entry) {
  if (row.empty()) throw invalid_input(where + " is an empty row: a matrix row needs at least one entry");
  for (std::size_t j = 0; j < row.size(); ++j)
    if (!is_decimal(row[j]))
      throw invalid_input(entry(j) + " = \"" + row[j] + "\" is not a finite decimal number");
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
  const std::string shown = field + " = \"" + file.string() + "\"";
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw invalid_input(shown + " is a directory: give a CSV file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw invalid_input(shown + ": cannot read the file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw invalid_input(shown + ": cannot read the file");
  text_matrix M;
  M.sha256 = sha256_text(bytes);  // of the bytes parsed, so manifest.json records what the run read
  if (bytes.empty())
    throw invalid_input(shown +
                        ": the file is empty (a CSV file of decimal strings, one matrix row per line)");
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF"))
    throw invalid_input(
        shown + " is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8 or ASCII");
  if (const auto nul = bytes.find('\0'); nul != std::string::npos)
    throw invalid_input(shown + " is not text (a NUL byte at offset " + std::to_string(nul) +
                        "; UTF-16 or binary?): save it as UTF-8 or ASCII");
  std::size_t at = bytes.starts_with("\xEF\xBB\xBF")
                       ? 3
                       : 0;  // a UTF-8 byte-order mark (spreadsheets write one) is skipped
  for (int line_no = 1; at < bytes.size(); ++line_no) {
    // Lines end at LF, CRLF or a lone CR.
    const auto end = bytes.find_first_of("\r\n", at);
    std::string line = bytes.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? bytes.size() : end + (bytes.compare(end, 2, "\r\n") == 0 ? 2 : 1);
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
    append_row(M, std::move(row), where + ")",
               [&](std::size_t j) { return where + ", column " + std::to_string(j + 1) + ")"; });
  }
  if (M.rows.empty())
    throw invalid_input(shown + ": the file holds no matrix rows (only blank lines and # comments)");
  return M;
}

}  // namespace gradflow
