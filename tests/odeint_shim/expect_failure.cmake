# Builds odeint_without_shim and passes only if the build fails in odeint's extract_value_type.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target odeint_without_shim
                RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "odeint steppers compiled without gradflow's shim: the shim is no longer needed for this Boost")
endif()
if(NOT output MATCHES "extract_value_type")
  message(FATAL_ERROR "odeint_without_shim failed to compile for another reason:\n${output}")
endif()
message(STATUS "without the shim the build fails in extract_value_type, as expected")
