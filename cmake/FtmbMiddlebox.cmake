# ftmb_add_middlebox(<name> SOURCES <files...> [INCLUDES <dirs...>]
#                    [DEFINES <defs...>] [LIBS <libs...>])
#
# Builds two programs from the same middlebox sources (which implement
# include/middlebox.h):
#   <name>-unprotected  the sources as they are, on the unprotected host
#                       (plain RX -> mb_process -> TX; runtime/dpdk)
#   <name>-protected    the sources rewritten by ftmbcc (ftmb_rewrite, when
#                       that command exists), linked with ftmb_core and the
#                       roles: one binary, `--role il|master|ol|single`.
# Protected programs are linked with -no-pie, so that globals have the same
# addresses in master and backup (checkpoint restore). See docs/runtime.md.
function(ftmb_add_middlebox name)
  cmake_parse_arguments(MB "" "" "SOURCES;INCLUDES;DEFINES;LIBS" ${ARGN})
  if(NOT MB_SOURCES)
    message(FATAL_ERROR "ftmb_add_middlebox(${name}): SOURCES is required")
  endif()
  set(_srcs)
  foreach(s ${MB_SOURCES})
    get_filename_component(_abs ${s} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND _srcs ${_abs})
  endforeach()
  set(_incs)
  foreach(d ${MB_INCLUDES})
    get_filename_component(_abs ${d} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND _incs ${_abs})
  endforeach()

  if(TARGET ftmb_dp_unprotected)
    add_executable(${name}-unprotected ${_srcs})
    target_include_directories(${name}-unprotected PRIVATE ${_incs} ${FTMB_INCLUDE_DIR})
    target_compile_definitions(${name}-unprotected PRIVATE ${MB_DEFINES})
    # annotate("ftmb_shared") is for ftmbcc (libclang); gcc ignores it loudly
    target_compile_options(${name}-unprotected PRIVATE $<$<C_COMPILER_ID:GNU>:-Wno-attributes>)
    target_link_libraries(${name}-unprotected PRIVATE ${MB_LIBS} ftmb_dp_unprotected)
  endif()

  if(TARGET ftmb_dp_protected)
    if(COMMAND ftmb_rewrite)
      ftmb_rewrite(_rewritten SOURCES ${_srcs}
        INCLUDES ${_incs} ${FTMB_INCLUDE_DIR}
        DEFINES ${MB_DEFINES})
    else()
      message(STATUS "ftmb: ftmb_rewrite not available: ${name}-protected built from unrewritten sources")
      set(_rewritten ${_srcs})
    endif()
    add_executable(${name}-protected ${_rewritten})
    target_include_directories(${name}-protected PRIVATE ${_incs} ${FTMB_INCLUDE_DIR})
    target_compile_definitions(${name}-protected PRIVATE ${MB_DEFINES})
    target_link_libraries(${name}-protected PRIVATE ${MB_LIBS} ftmb_dp_protected)
    set_target_properties(${name}-protected PROPERTIES POSITION_INDEPENDENT_CODE OFF)
    target_compile_options(${name}-protected PRIVATE -fno-pie $<$<C_COMPILER_ID:GNU>:-Wno-attributes>)
    target_link_options(${name}-protected PRIVATE -no-pie)
  endif()
endfunction()
