#pragma once
#include <filesystem>
#include <string>

namespace gradflow {

/// Lower-case hex SHA-256 of a file's bytes (OpenSSL); throws std::runtime_error when unreadable.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace gradflow
