# WHOSAID_SANITIZE=address,undefined builds everything (library, program and
# tests) with those sanitizers; any UBSan report aborts the program.
set(WHOSAID_SANITIZE "" CACHE STRING "Comma-separated sanitizers, e.g. address,undefined")

if(WHOSAID_SANITIZE)
  add_compile_options(-fsanitize=${WHOSAID_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${WHOSAID_SANITIZE})
endif()
