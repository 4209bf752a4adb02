# record_replay.cmake: runs a protected example test twice, recording the
# runtime's log in the first run and replaying it in the second (the
# backup's recovery, in the standalone runtime), and requires both runs to
# produce the same digest: every packet's verdict and output frame, and
# every emitted frame. Arguments: -DTEST=<test binary> -DOUT=<prefix>.
set(log ${OUT}.log)
set(d1 ${OUT}.record.digest)
set(d2 ${OUT}.replay.digest)
file(REMOVE ${log} ${d1} ${d2})
execute_process(COMMAND ${CMAKE_COMMAND} -E env FTMB_EXAMPLES_RR=record:${log}
                FTMB_EXAMPLES_DIGEST=${d1} ${TEST} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "record run failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env FTMB_EXAMPLES_RR=replay:${log}
                FTMB_EXAMPLES_DIGEST=${d2} ${TEST} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "replay run failed (${rc})")
endif()
file(STRINGS ${d1} lines)
list(LENGTH lines n)
if(n LESS 100)
  message(FATAL_ERROR "record digest has only ${n} lines")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${d1} ${d2} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "replay differs from the recorded run: ${d1} vs ${d2}")
endif()
message(STATUS "record/replay: ${n} digest lines identical")
file(REMOVE ${log} ${d1} ${d2})
