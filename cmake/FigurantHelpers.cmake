# figurant_library(NAME SRCS a.cpp b.cpp DEPS dep1 dep2)
#   A module library `figurant_NAME` (alias figurant::NAME) with includes rooted at src/.
function(figurant_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(figurant_${name} STATIC ${ARG_SRCS})
  add_library(figurant::${name} ALIAS figurant_${name})
  target_include_directories(figurant_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(figurant_${name} PUBLIC ${ARG_DEPS})
endfunction()

# figurant_test(NAME SRCS a_test.cpp DEPS figurant::x [LABELS slow])
#   One GoogleTest binary per module; every case is discovered so `ctest` lists it.
function(figurant_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    FIGURANT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FIGURANT_MAKEHUMAN_DIR="${FIGURANT_MAKEHUMAN_DIR}"
    FIGURANT_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set(timeout 120)
  if(ARG_TIMEOUT)
    set(timeout ${ARG_TIMEOUT})
  endif()
  if(ARG_LABELS)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${timeout})
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${timeout})
  endif()
endfunction()
