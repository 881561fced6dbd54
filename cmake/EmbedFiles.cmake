# Builds text files (HTML templates, the JSON Schema) into the binary, so paybench needs no data
# files at run time. Each file becomes a std::string_view named after the file.

# paybench_embed_text_files(OUTPUT_CC NAMESPACE FILE...)
function(paybench_embed_text_files output_cc namespace)
  set(inputs ${ARGN})
  add_custom_command(
    OUTPUT "${output_cc}"
    COMMAND "${CMAKE_COMMAND}" -DOUTPUT=${output_cc} -DNAMESPACE=${namespace}
            "-DINPUTS=${inputs}" -P "${CMAKE_SOURCE_DIR}/cmake/WriteEmbeddedFiles.cmake"
    DEPENDS ${inputs} "${CMAKE_SOURCE_DIR}/cmake/WriteEmbeddedFiles.cmake"
    COMMENT "Embedding ${namespace} files"
    VERBATIM)
endfunction()
