# ftmb_example.cmake: how the example middleboxes are built. Each
# examples/<name>/CMakeLists.txt includes this file (include_guard makes
# that cheap) and calls ftmb_example().
#
# The middleboxes compile the common sources into themselves (they are
# part of every example's source list) so that a protected build runs
# every file of the middlebox through ftmbcc.
include_guard(GLOBAL)
set(FTMB_EXAMPLES_COMMON_DIR ${CMAKE_CURRENT_LIST_DIR} CACHE INTERNAL "")
set(FTMB_EXAMPLES_COMMON_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/pkt.c
  ${CMAKE_CURRENT_LIST_DIR}/mbopt.c
  CACHE INTERNAL "")

# ftmb_example(<name> SOURCES <files>...)
#   Records a middlebox's sources (its own files plus the common ones) and
#   include directories in the global properties FTMB_EXAMPLE_<name>_SOURCES
#   and FTMB_EXAMPLE_<name>_INCLUDES (the tests in test/examples/ build them
#   unprotected and through ftmbcc), and, when the dataplane's
#   ftmb_add_middlebox() exists, builds <name>-unprotected and
#   <name>-protected.
function(ftmb_example name)
  cmake_parse_arguments(EX "" "" "SOURCES" ${ARGN})
  set(srcs)
  foreach(s ${EX_SOURCES})
    get_filename_component(a ${s} ABSOLUTE)
    list(APPEND srcs ${a})
  endforeach()
  list(APPEND srcs ${FTMB_EXAMPLES_COMMON_SOURCES})
  set(incs ${CMAKE_CURRENT_SOURCE_DIR} ${FTMB_EXAMPLES_COMMON_DIR} ${FTMB_INCLUDE_DIR})
  set_property(GLOBAL PROPERTY FTMB_EXAMPLE_${name}_SOURCES ${srcs})
  set_property(GLOBAL PROPERTY FTMB_EXAMPLE_${name}_INCLUDES ${incs})
  set_property(GLOBAL APPEND PROPERTY FTMB_EXAMPLES ${name})
  if(COMMAND ftmb_add_middlebox)
    ftmb_add_middlebox(${name} SOURCES ${srcs} INCLUDES ${incs})
  endif()
endfunction()
