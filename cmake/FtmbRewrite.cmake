# FtmbRewrite.cmake: rewrite C sources with ftmbcc at build time.
#
#   ftmb_rewrite(<out_var> SOURCES <a.c>...
#                [INCLUDES <dir>...] [DEFINES <NAME[=value]>...] [FLAGS <flag>...])
#
# For each source, adds a custom command that runs ftmbcc into
# ${CMAKE_CURRENT_BINARY_DIR}/ftmb/<name>.c and sets <out_var> to the list of
# rewritten files (use them as the sources of a target, with ftmb.h's
# directory on its include path). Each rewritten file depends on ftmbcc, on
# the source and on every header it includes (ftmbcc --depfile). When DPDK
# was found (pkg-config libdpdk), its compile flags are passed to the parser
# too, so DPDK code parses as it compiles. Rewriting the same source with the
# same options from several targets of one directory reuses one command.
#
# Works in the ftmb build tree (target `ftmbcc`) and from an installed ftmb
# (ftmbcc found on PATH or next to this file: <prefix>/bin/ftmbcc).
include_guard(GLOBAL)

function(ftmb_rewrite out_var)
  cmake_parse_arguments(FR "" "" "SOURCES;INCLUDES;DEFINES;FLAGS" ${ARGN})
  if(NOT FR_SOURCES)
    message(FATAL_ERROR "ftmb_rewrite: no SOURCES given")
  endif()
  if(TARGET ftmbcc)
    set(_ftmbcc $<TARGET_FILE:ftmbcc>)
    set(_dep ftmbcc)
  else()
    get_filename_component(_prefix "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../../.." ABSOLUTE)
    find_program(FTMBCC_EXECUTABLE ftmbcc HINTS ${_prefix}/bin REQUIRED)
    set(_ftmbcc ${FTMBCC_EXECUTABLE})
    set(_dep ${FTMBCC_EXECUTABLE})
  endif()
  set(_flags)
  foreach(i ${FR_INCLUDES})
    get_filename_component(i "${i}" ABSOLUTE)
    list(APPEND _flags "-I${i}")
  endforeach()
  foreach(d ${FR_DEFINES})
    list(APPEND _flags "-D${d}")
  endforeach()
  if(DPDK_FOUND)
    list(APPEND _flags ${DPDK_CFLAGS})
  endif()
  list(APPEND _flags ${FR_FLAGS})
  set(_outs)
  foreach(src ${FR_SOURCES})
    get_filename_component(_abs "${src}" ABSOLUTE)
    get_filename_component(_name "${src}" NAME_WE)
    set(_out ${CMAKE_CURRENT_BINARY_DIR}/ftmb/${_name}.c)
    get_property(_done DIRECTORY PROPERTY FTMB_REWRITTEN_${_name})
    if(_done AND NOT _done STREQUAL "${_abs}|${_flags}")
      message(FATAL_ERROR "ftmb_rewrite: ${_out} is produced from two different sources or "
        "option sets (${_done} vs ${_abs}); rename one source or rewrite it in another directory")
    endif()
    if(NOT _done)
      set_property(DIRECTORY PROPERTY FTMB_REWRITTEN_${_name} "${_abs}|${_flags}")
      add_custom_command(
        OUTPUT ${_out}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/ftmb
        COMMAND ${_ftmbcc} ${_abs} -o ${_out} --depfile ${_out}.d -- ${_flags}
        DEPENDS ${_abs} ${_dep}
        DEPFILE ${_out}.d
        COMMENT "ftmbcc ${src}"
        COMMAND_EXPAND_LISTS
        VERBATIM)
    endif()
    list(APPEND _outs ${_out})
  endforeach()
  set(${out_var} ${_outs} PARENT_SCOPE)
endfunction()

