# Build facts recorded in every result: version, git commit, build type, compiler and flags.
# The git commit is read at build time, not configure time, so a rebuild after a new commit
# never reports the old one.

string(TOUPPER "${CMAKE_BUILD_TYPE}" _build_type_upper)
set(PAYBENCH_BUILD_INFO_CC "${CMAKE_BINARY_DIR}/generated/build_info.cc")

add_custom_target(paybench_build_info_source
  BYPRODUCTS "${PAYBENCH_BUILD_INFO_CC}"
  COMMAND "${CMAKE_COMMAND}"
          -DOUTPUT=${PAYBENCH_BUILD_INFO_CC}
          -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
          -DVERSION=${PROJECT_VERSION}
          -DBUILD_TYPE=${CMAKE_BUILD_TYPE}
          -DCOMPILER=${CMAKE_CXX_COMPILER_ID}\ ${CMAKE_CXX_COMPILER_VERSION}
          "-DFLAGS=${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${_build_type_upper}}"
          -DSANITIZER=${PAYBENCH_SANITIZER}
          -P "${CMAKE_SOURCE_DIR}/cmake/WriteBuildInfo.cmake"
  COMMENT "Recording build info"
  VERBATIM)
