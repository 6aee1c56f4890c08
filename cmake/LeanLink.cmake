# How eecall links its third-party libraries. A CGI program is a new process per request and
# most of its start-up is the dynamic loader resolving symbols in shared libraries (measured in
# docs/performance.md), so fewer shared libraries means a faster answer.
#
# EECALL_LEAN_LINK (ON): spdlog and fmt compiled into the program (their header-only mode) and
#   cgicc linked from libcgicc.a. Nothing changes in behaviour.
#   Nettle (MD5 for the login, SHA-256 for the token, base64) from libnettle.a: a few pure
#   functions, where the shared library would cost a library load on every request.
#   The C++ runtime (libstdc++, libgcc) linked statically into the program, by
#   eecall_lean_program(): with every C++ library built in, the shared libstdc++ was the largest
#   load left, and the program then needs libc only. Not under the sanitizers (their runtime
#   replaces operator new, which a static libstdc++ would shadow).
# OpenSSL is never linked into eecall: TLS lives in the eecall-tls.so module, loaded only when
# TLS is asked for (see CMakeLists.txt), so it stays the system's shared, updated OpenSSL.
#
# Defines eecall::spdlog, eecall::cgicc and eecall::nettle for the targets to link.

option(EECALL_LEAN_LINK "spdlog/fmt header-only and cgicc static, for a faster CGI start-up" ON)

find_package(spdlog REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CGICC REQUIRED IMPORTED_TARGET cgicc)
pkg_check_modules(NETTLE REQUIRED IMPORTED_TARGET nettle)

add_library(eecall_spdlog INTERFACE)
add_library(eecall::spdlog ALIAS eecall_spdlog)
add_library(eecall_cgicc INTERFACE)
add_library(eecall::cgicc ALIAS eecall_cgicc)
add_library(eecall_nettle INTERFACE)
add_library(eecall::nettle ALIAS eecall_nettle)
if(EECALL_LEAN_LINK)
  # libspdlog.so and libfmt.so are the largest share of the loader's work after OpenSSL.
  # (spdlog::spdlog_header_only would still link the shared fmt, hence the parts by hand.)
  find_package(Threads REQUIRED)
  target_include_directories(eecall_spdlog INTERFACE
    $<TARGET_PROPERTY:spdlog::spdlog_header_only,INTERFACE_INCLUDE_DIRECTORIES>)
  target_compile_definitions(eecall_spdlog INTERFACE SPDLOG_FMT_EXTERNAL)
  target_link_libraries(eecall_spdlog INTERFACE fmt::fmt-header-only Threads::Threads)

  find_library(EECALL_CGICC_ARCHIVE NAMES libcgicc.a HINTS ${CGICC_LIBRARY_DIRS} REQUIRED)
  target_include_directories(eecall_cgicc INTERFACE ${CGICC_INCLUDE_DIRS})
  target_link_libraries(eecall_cgicc INTERFACE ${EECALL_CGICC_ARCHIVE})

  find_library(EECALL_NETTLE_ARCHIVE NAMES libnettle.a HINTS ${NETTLE_LIBRARY_DIRS} REQUIRED)
  target_include_directories(eecall_nettle INTERFACE ${NETTLE_INCLUDE_DIRS})
  target_link_libraries(eecall_nettle INTERFACE ${EECALL_NETTLE_ARCHIVE})
else()
  target_link_libraries(eecall_spdlog INTERFACE spdlog::spdlog)
  target_link_libraries(eecall_cgicc INTERFACE PkgConfig::CGICC)
  target_link_libraries(eecall_nettle INTERFACE PkgConfig::NETTLE)
endif()

# The link options of a lean program (eecall; bench/ gives the floor client the same ones):
# - the C++ runtime linked in (see above);
# - --gc-sections: the unused parts of the static archives left out (3.2 -> 2.4 MB);
# - --as-needed: no libm.so loaded when nothing uses it (the static libstdc++ adds -lm);
# - DT_RELR relocations (binutils 2.38+, glibc 2.36+): the program is position-independent
#   (ASLR), and its ~5000 relative relocations otherwise take a 120 KiB table that the loader
#   reads page by page on every start.
include(CheckLinkerFlag)
check_linker_flag(CXX "LINKER:-z,pack-relative-relocs" EECALL_HAVE_RELR)
function(eecall_lean_program target)
  if(EECALL_LEAN_LINK AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc LINKER:--gc-sections
                                          LINKER:--as-needed)
    if(EECALL_HAVE_RELR)
      target_link_options(${target} PRIVATE LINKER:-z,pack-relative-relocs)
    endif()
  endif()
endfunction()
