#pragma once
#include <stdexcept>
#include <string>

namespace gradflow {

/// Bad input from the user (config, --set, paths): the message names the field, the value and the
/// rule. The command line turns it into exit code 2 with nothing written.
class invalid_input : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gradflow
