# Every third-party dependency comes from a Debian 12 package (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)  # SHA-256 with CPU extensions (ledger)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
find_package(assimp REQUIRED)
find_package(meshoptimizer REQUIRED)
find_package(embree 3 REQUIRED)
find_package(TBB REQUIRED)
find_package(OpenEXR REQUIRED)
find_package(PNG REQUIRED)
if(FIGURANT_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Recast & Detour (Debian librecast-dev, no CMake or pkg-config files): navigation meshes and
# path queries for crowds that move (src/nav, docs/navigation.md).
find_path(RECAST_INCLUDE_DIR Recast.h PATH_SUFFIXES recastnavigation REQUIRED)
foreach(part Recast Detour DetourCrowd)
  find_library(RECAST_${part}_LIBRARY ${part} REQUIRED)
  add_library(Recast::${part} UNKNOWN IMPORTED)
  set_target_properties(Recast::${part} PROPERTIES IMPORTED_LOCATION "${RECAST_${part}_LIBRARY}"
                        INTERFACE_INCLUDE_DIRECTORIES "${RECAST_INCLUDE_DIR}")
endforeach()
