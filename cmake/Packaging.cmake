# Install layout beyond the binary, and the Debian package: `cpack -G DEB` in the build
# directory makes eecall_<version>_<arch>.deb with
#   /usr/lib/cgi-bin/eecall               the program (where Debian's web servers look for CGI)
#   /usr/bin/eecall                       a symlink to it, for people (eecall --check)
#   /usr/lib/eecall/eecall-tls.so, eecall-speech.so, eecall-notify.so   its modules, opened
#                                         only when needed (TLS, a text not cached, a notify)
#   /var/lib/eecall/audio/                spoken alerts' audio cache, made by the postinst
#   /var/lib/eecall/jobs/                 background jobs' state: the web server's user's, 0700 (postinst)
#   /etc/eecall/eecall.conf               example config: a conffile, 0640 root:<web group> (postinst)
#   /var/lib/eecall/                      state_dir (anti-flood memory): the web user's (postinst)
#   /var/log/eecall/                      the example job_log's directory: the web user's (postinst)
#   <agi-bin>/eecall                      a symlink made by the postinst where an agi-bin exists
#   /etc/apache2/conf-available/eecall.conf       cgi-bin/apache-eecall.conf (a2enconf eecall)
#   /etc/lighttpd/conf-available/50-eecall.conf   cgi-bin/lighttpd-eecall.conf (lighty-enable-mod eecall)
#   /usr/share/man/man1/eecall.1.gz       eecall(1)
#   /usr/share/doc/eecall/                copyright, the user's docs (*.md), examples/ (all web
#                                         server snippets)
# Dependencies come from dpkg-shlibdeps (dpkg-dev), which needs `file`.

# /usr/bin/eecall for people. A symlink, not a hard link: the program finds its modules at
# ../eecall/ from its real path (/proc/self/exe), which a symlink leaves at /usr/lib/cgi-bin
# (→ /usr/lib/eecall) and a hard link would make /usr/bin (→ /usr/eecall, nothing there).
# Relative, as Debian policy wants for links within /usr.
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/bin)
file(CREATE_LINK ../lib/cgi-bin/eecall ${CMAKE_CURRENT_BINARY_DIR}/bin/eecall SYMBOLIC)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/bin/eecall DESTINATION bin)

# /etc is not under the prefix: `cmake --install build --prefix /usr` must still put the config
# in /etc/eecall, as Debian does. Override for an unprivileged install.
set(EECALL_CONFIG_DIR /etc/eecall CACHE PATH "directory that receives the example eecall.conf")
install(FILES packaging/eecall.conf DESTINATION ${EECALL_CONFIG_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# job_log's rotation (/var/log/eecall/*.log), where logrotate looks for it. Override for an
# unprivileged install.
set(EECALL_LOGROTATE_DIR /etc/logrotate.d CACHE PATH "directory that receives the logrotate snippet")
install(FILES packaging/eecall.logrotate DESTINATION ${EECALL_LOGROTATE_DIR} RENAME eecall)

# eecall's default state_dir (include/eecall/admin/settings.hpp): shipped empty so that dpkg knows it, and
# given to the web server's user by the postinst. Override for an unprivileged install.
set(EECALL_STATE_DIR /var/lib/eecall CACHE PATH "state directory shipped (and chowned by the postinst)")
install(DIRECTORY DESTINATION ${EECALL_STATE_DIR})

# The Apache and lighttpd snippets where Debian's tools look for them; inert until enabled.
option(EECALL_INSTALL_WEB_CONFIGS "install the Apache and lighttpd snippets under /etc" ON)
if(EECALL_INSTALL_WEB_CONFIGS)
  install(FILES cgi-bin/apache-eecall.conf DESTINATION /etc/apache2/conf-available RENAME eecall.conf)
  install(FILES cgi-bin/lighttpd-eecall.conf DESTINATION /etc/lighttpd/conf-available
          RENAME 50-eecall.conf)
endif()
install(FILES cgi-bin/apache-eecall.conf cgi-bin/lighttpd-eecall.conf cgi-bin/nginx-eecall.conf
              cgi-bin/nginx-eecall-log.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The man page, compressed as Debian policy wants it, its .TH line naming the version of
# project(VERSION) (the one place the version is written).
set(eecall_man ${CMAKE_CURRENT_BINARY_DIR}/man/eecall.1)
add_custom_command(OUTPUT ${eecall_man}.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
  COMMAND sed "/^\\.TH/s/\"eecall\"/\"eecall ${PROJECT_VERSION}\"/" ${CMAKE_CURRENT_SOURCE_DIR}/docs/eecall.1 > ${eecall_man}
  COMMAND gzip -9nf ${eecall_man}
  DEPENDS docs/eecall.1
  COMMENT "Compressing the eecall(1) man page")
add_custom_target(eecall_man_page ALL DEPENDS ${eecall_man}.gz)
install(FILES ${eecall_man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
# The user's docs (not the developer's: design, testing, performance, simulator), as Markdown
# next to each other so that their links work: what `man eecall` points to for the details.
set(EECALL_USER_DOCS README.md docs/usage.md docs/alerts.md docs/background.md docs/wait.md docs/eedomus.md
    docs/freepbx.md docs/install.md docs/security.md docs/troubleshooting.md)
install(FILES ${EECALL_USER_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME eecall)
set(CPACK_PACKAGE_VENDOR "The eeCallUs authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Asterisk AMI calls, messages and spoken alerts for eeDomus (CGI and command line)")
set(CPACK_PACKAGE_DESCRIPTION
    "eecall makes an Asterisk/FreePBX PBX place a call, send a SIP text\n\
message, or speak an alert and call one phone after another until someone\n\
confirms with a key, through the Asterisk Manager Interface. A long alert\n\
runs as a background job that tells the home-automation box how it ended.\n\
A web server runs it as a CGI program (an eeDomus box fetches a URL and\n\
reads /eecall/result); a person runs it from the shell, where --check\n\
checks the set-up. It takes the query string of the old eeCall.php plugin,\n\
answers in XML, JSON or text with a meaningful HTTP or exit status, and\n\
puts a deadline on every step. Apache and lighttpd snippets go to\n\
conf-available; all snippets are in /usr/share/doc/eecall/examples, the\n\
user's documentation in /usr/share/doc/eecall.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "The eeCallUs authors <eecallus@users.noreply.invalid>"
    CACHE STRING "Maintainer field of the .deb")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "apache2 | lighttpd | nginx, fcgiwrap, logrotate")
# Every file installed under /etc is a conffile: dpkg keeps the admin's edits on upgrade.
set(eecall_conffiles "${EECALL_CONFIG_DIR}/eecall.conf\n${EECALL_LOGROTATE_DIR}/eecall\n")
if(EECALL_INSTALL_WEB_CONFIGS)
  string(APPEND eecall_conffiles "/etc/apache2/conf-available/eecall.conf\n"
                                 "/etc/lighttpd/conf-available/50-eecall.conf\n")
endif()
file(CONFIGURE OUTPUT deb/conffiles CONTENT "${eecall_conffiles}")
# postinst: the web server's user owns the config's group and the state, jobs, audio and log
# directories; the AGI links. postrm: those links; that cache on purge.
foreach(script postinst postrm)
  configure_file(packaging/deb/${script}.in deb/${script} @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/deb/conffiles
    ${CMAKE_CURRENT_BINARY_DIR}/deb/postinst ${CMAKE_CURRENT_BINARY_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
