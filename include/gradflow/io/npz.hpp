#pragma once
// NumPy archives (.npz) of float64 arrays, for `output.npz = true`: a zip file of stored (uncompressed)
// members NAME.npy, each in the .npy format version 1.0 (little-endian '<f8', C order), which
// numpy.load reads as a mapping name → array. No zip64: an archive above 4 GiB is refused.
#include <cstddef>
#include <string>
#include <vector>

namespace gradflow {

/// One array of an archive: its member name (without .npy), its shape and its entries in C order.
struct npz_array {
  std::string name;
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

/// The bytes of an .npz archive holding `arrays` (throws std::length_error beyond zip's 4 GiB).
std::string npz_archive(const std::vector<npz_array>& arrays);

/// The columns of a CSV table with a header line, each an array named by its header field. Every entry
/// is read as the float64 nearest to its decimal string (strtod): ±0 or ±inf beyond float64's range.
std::vector<npz_array> npz_columns(const std::string& csv);

/// Whether a CSV's first field is a name rather than a number (a table with a header line).
bool csv_has_header(const std::string& csv);

/// A headerless CSV matrix (final/*.csv) as one rows×columns array named `name`.
npz_array npz_matrix(const std::string& name, const std::string& csv);

}  // namespace gradflow
