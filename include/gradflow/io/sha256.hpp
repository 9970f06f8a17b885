#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace gradflow {

/// Lower-case hex SHA-256 of a file's bytes (OpenSSL); throws std::runtime_error when unreadable.
std::string sha256_file(const std::filesystem::path& file);
/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_text(std::string_view bytes);

}  // namespace gradflow
