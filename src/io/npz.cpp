#include "gradflow/io/npz.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace gradflow {

namespace {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip requires for every member.
std::uint32_t crc32(std::string_view bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put16(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

std::uint32_t size32(std::size_t n) {
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("an .npz archive above 4 GiB needs zip64, which gradflow does not write");
  return static_cast<std::uint32_t>(n);
}

// A .npy file: magic, version 1.0, the header dict padded with spaces to a multiple of 64 bytes.
std::string npy(const npz_array& a) {
  std::string shape = "(";
  for (std::size_t k = 0; k < a.shape.size(); ++k) shape += std::to_string(a.shape[k]) + ", ";
  if (a.shape.size() > 1)
    shape.resize(shape.size() - 2);  // (n,) for one axis, (n, m) for two
  else if (!a.shape.empty())
    shape.pop_back();
  shape += ")";
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
  const std::size_t prefix = 10;  // magic (6), version (2), header length (2)
  header.append(63 - (prefix + header.size()) % 64, ' ').push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  put16(out, size32(header.size()));
  out += header;
  static_assert(std::numeric_limits<double>::is_iec559 && sizeof(double) == 8);
  for (const double x : a.values) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, 8);
    put32(out, static_cast<std::uint32_t>(bits & 0xFFFFFFFFu));
    put32(out, static_cast<std::uint32_t>(bits >> 32));
  }
  return out;
}

// Splits a CSV line (no quoting: gradflow's fields are numbers and names).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

double float64_of(const std::string& text) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);  // correctly rounded (glibc), ±0/±inf outside range
  if (text.empty() || *end != '\0') throw std::invalid_argument("not a number in a CSV: \"" + text + "\"");
  return x;
}

}  // namespace

std::string npz_archive(const std::vector<npz_array>& arrays) {
  std::string out, directory;
  for (const auto& a : arrays) {
    const std::string name = a.name + ".npy", body = npy(a);
    const std::uint32_t crc = crc32(body), size = size32(body.size()), offset = size32(out.size());
    auto common = [&](std::string& s) {
      put16(s, 20);    // version needed: 2.0
      put16(s, 0);     // flags
      put16(s, 0);     // stored
      put16(s, 0);     // time
      put16(s, 0x21);  // date: 1980-01-01 (members carry no clock: the archive is reproducible)
      put32(s, crc);
      put32(s, size);
      put32(s, size);
      put16(s, size32(name.size()));
      put16(s, 0);  // extra field length
    };
    put32(out, 0x04034b50);
    common(out);
    out += name;
    out += body;
    put32(directory, 0x02014b50);
    put16(directory, 20);  // made by
    common(directory);
    put16(directory, 0);  // comment length
    put16(directory, 0);  // disk
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, offset);
    directory += name;
  }
  const std::uint32_t start = size32(out.size()), count = size32(arrays.size());
  if (count > 0xFFFF) throw std::length_error("an .npz archive of more than 65535 arrays needs zip64");
  out += directory;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, count);
  put16(out, count);
  put32(out, size32(directory.size()));
  put32(out, start);
  put16(out, 0);
  size32(out.size());
  return out;
}

std::vector<npz_array> npz_columns(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<npz_array> columns;
  for (auto& name : fields_of(line)) columns.push_back({std::move(name), {0}, {}});
  while (std::getline(in, line)) {
    const auto fields = fields_of(line);
    if (fields.size() != columns.size())
      throw std::invalid_argument("a CSV row of another width than its header");
    for (std::size_t k = 0; k < fields.size(); ++k) columns[k].values.push_back(float64_of(fields[k]));
  }
  for (auto& c : columns) c.shape = {c.values.size()};
  return columns;
}

bool csv_has_header(const std::string& csv) {
  const std::string first = csv.substr(0, csv.find_first_of(",\n"));
  try {
    float64_of(first);
    return false;
  } catch (const std::invalid_argument&) {
    return true;
  }
}

npz_array npz_matrix(const std::string& name, const std::string& csv) {
  npz_array a{name, {0, 0}, {}};
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    const auto fields = fields_of(line);
    if (a.shape[0] == 0) a.shape[1] = fields.size();
    if (fields.size() != a.shape[1])
      throw std::invalid_argument("a CSV matrix with rows of different widths");
    for (const auto& f : fields) a.values.push_back(float64_of(f));
    ++a.shape[0];
  }
  return a;
}

}  // namespace gradflow
