# How eecall links its third-party libraries. A CGI program is a new process per request and
# most of its start-up is the dynamic loader resolving symbols in shared libraries (measured in
# docs/performance.md), so fewer shared libraries means a faster answer.
#
# EECALL_LEAN_LINK (ON): spdlog and fmt compiled into the program (their header-only mode) and
#   cgicc linked from libcgicc.a. Nothing changes in behaviour.
# EECALL_STATIC_OPENSSL (OFF): libcrypto/libssl linked from the static archives as well, the
#   largest single gain; off by default because a statically linked OpenSSL only gets security
#   fixes when eecall is rebuilt, while the shared one is updated by the system.
#
# Defines eecall::spdlog and eecall::cgicc for the targets to link. Included before the
# find_package() calls of CMakeLists.txt so that OPENSSL_USE_STATIC_LIBS applies to them.

option(EECALL_LEAN_LINK "spdlog/fmt header-only and cgicc static, for a faster CGI start-up" ON)
option(EECALL_STATIC_OPENSSL "link OpenSSL statically (faster start-up, no system security updates)" OFF)

# FindOpenSSL caches the libraries it found: forget them when the choice changed.
if(DEFINED OPENSSL_CRYPTO_LIBRARY)
  if(EECALL_STATIC_OPENSSL)
    set(eecall_want_suffix "\\.a$")
  else()
    set(eecall_want_suffix "\\.so$")
  endif()
  if(NOT OPENSSL_CRYPTO_LIBRARY MATCHES "${eecall_want_suffix}")
    unset(OPENSSL_CRYPTO_LIBRARY CACHE)
    unset(OPENSSL_SSL_LIBRARY CACHE)
  endif()
endif()
set(OPENSSL_USE_STATIC_LIBS ${EECALL_STATIC_OPENSSL})

find_package(spdlog REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CGICC REQUIRED IMPORTED_TARGET cgicc)

add_library(eecall_spdlog INTERFACE)
add_library(eecall::spdlog ALIAS eecall_spdlog)
add_library(eecall_cgicc INTERFACE)
add_library(eecall::cgicc ALIAS eecall_cgicc)
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
else()
  target_link_libraries(eecall_spdlog INTERFACE spdlog::spdlog)
  target_link_libraries(eecall_cgicc INTERFACE PkgConfig::CGICC)
endif()
