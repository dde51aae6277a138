# The layer arrows of DESIGN.md, checked on every build:
#   cmake -DSOURCE_DIR=<checkout> -P cmake/check_layers.cmake
# Each rule is "folder|what its files may include (project headers)". A file
# that includes a project header outside its list fails the build with the
# file, the include and the rule. The CMake libraries' link dependencies follow
# the same arrows; this check also catches a header-only include, which
# linking cannot see.
set(layer_rules
  "common/|common/"
  "data/|common/ data/"
  "models/|common/ models/ data/special_ids.h"
  "app/metrics/|common/ app/metrics/"
  "app/config/|common/ app/config/ models/model_config.h"
  "app/runtime/|common/ app/runtime/"
  "app/decode/|common/ data/ models/ app/config/ app/runtime/ app/decode/"
  "app/train/|common/ data/ models/ app/config/ app/runtime/ app/metrics/ app/decode/ app/train/"
  "app/serve/|common/ data/ models/ app/config/ app/runtime/ app/decode/ app/serve/"
  "app/cli/|common/ data/ models/ app/"
)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers.cmake: set -DSOURCE_DIR=<checkout>")
endif()
file(GLOB_RECURSE files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/common/*" "${SOURCE_DIR}/data/*"
     "${SOURCE_DIR}/models/*" "${SOURCE_DIR}/app/*")
set(violations "")
foreach(file IN LISTS files)
  if(NOT file MATCHES "\\.(h|cpp)$")
    continue()
  endif()
  # The longest matching folder decides the layer.
  set(layer "")
  set(allowed "")
  foreach(rule IN LISTS layer_rules)
    string(REPLACE "|" ";" parts "${rule}")
    list(GET parts 0 folder)
    list(GET parts 1 list)
    string(LENGTH "${folder}" n)
    string(LENGTH "${layer}" best)
    string(SUBSTRING "${file}" 0 ${n} head)
    if(head STREQUAL folder AND n GREATER best)
      set(layer "${folder}")
      set(allowed "${list}")
    endif()
  endforeach()
  if(layer STREQUAL "")
    list(APPEND violations "${file}: in no layer (add a rule to cmake/check_layers.cmake)")
    continue()
  endif()
  string(REPLACE " " ";" allowed_list "${allowed}")
  file(STRINGS "${SOURCE_DIR}/${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]+\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*$" "\\1" header "${line}")
    set(ok FALSE)
    foreach(prefix IN LISTS allowed_list)
      string(LENGTH "${prefix}" n)
      string(SUBSTRING "${header}" 0 ${n} head)
      if(head STREQUAL prefix)
        set(ok TRUE)
      endif()
    endforeach()
    if(NOT ok)
      list(APPEND violations "${file}: #include \"${header}\": ${layer} may include only ${allowed}")
    endif()
  endforeach()
endforeach()
if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "layer check failed (the arrows are in DESIGN.md and cmake/check_layers.cmake):\n  ${text}")
endif()
