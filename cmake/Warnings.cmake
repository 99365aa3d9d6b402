# Warnings for the project's own targets. WHOSAID_WERROR is off by default so
# that a newer compiler never breaks a user's build; CI turns it on.
option(WHOSAID_WERROR "Treat warnings as errors" OFF)

function(whosaid_set_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wvla -Wformat=2 -Wno-unused-parameter)
    if(WHOSAID_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
