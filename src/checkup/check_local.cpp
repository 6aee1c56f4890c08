// eecall's own side of a check: who may read or write which file, and what that means for the
// configuration, state_dir, jobs_dir, job_log, audio_dir, the speech module and notify_url.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "eecall/checkup/check.hpp"

namespace eecall {

namespace {

CheckItem item(std::string name, CheckStatus status, std::string found, std::string fix = {}, bool needed = true,
               ErrorCode error = ErrorCode::config_error) {
  return {std::move(name), status, std::move(found), std::move(fix), needed, error};
}

std::string user_name(uid_t uid) {
  if (const passwd* pw = ::getpwuid(uid)) return pw->pw_name;
  return std::to_string(uid);
}

std::string group_name(gid_t gid) {
  if (const group* gr = ::getgrgid(gid)) return gr->gr_name;
  return std::to_string(gid);
}

std::string octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777U);
  return text;
}

std::string who(const Account& account) {
  return account.name.empty() ? "uid " + std::to_string(account.uid) : account.name;
}

}  // namespace

std::optional<Account> account_of(uid_t uid, std::optional<gid_t> gid) {
  const passwd* pw = ::getpwuid(uid);
  Account a;
  a.uid = uid;
  a.gid = gid.value_or(pw != nullptr ? pw->pw_gid : 0);
  if (pw == nullptr) {
    if (!gid) return std::nullopt;
    a.name = std::to_string(uid);
    return a;
  }
  a.name = pw->pw_name;
  int count = 32;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  while (::getgrouplist(pw->pw_name, a.gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count) + 1);
    count = static_cast<int>(groups.size());
  }
  groups.resize(static_cast<std::size_t>(count));
  a.groups = std::move(groups);
  return a;
}

std::optional<Account> account_named(const std::string& name) {
  const passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) return std::nullopt;
  return account_of(pw->pw_uid);
}

PathFacts path_facts(const std::string& path) {
  PathFacts f;
  f.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    if (error != ENOENT) f.error = std::strerror(error);
    return f;
  }
  f.exists = true;
  f.directory = S_ISDIR(st.st_mode);
  f.owner = st.st_uid;
  f.group = st.st_gid;
  f.mode = static_cast<unsigned>(st.st_mode) & 07777U;
  return f;
}

bool may(const Account& account, const PathFacts& path, unsigned want) {
  if (!path.exists) return false;
  if (account.uid == 0) {
    // root reads and writes anything; it executes or searches only what someone may.
    return (want & 1U) == 0 || path.directory || (path.mode & 0111U) != 0;
  }
  unsigned bits = 0;
  if (account.uid == path.owner) {
    bits = (path.mode >> 6) & 7U;
  } else if (account.gid == path.group ||
             std::find(account.groups.begin(), account.groups.end(), path.group) != account.groups.end()) {
    bits = (path.mode >> 3) & 7U;
  } else {
    bits = path.mode & 7U;
  }
  return (bits & want) == want;
}

std::string describe_owner(const PathFacts& path) {
  return user_name(path.owner) + ":" + group_name(path.group) + " " + octal(path.mode);
}

CheckItem judge_configuration(const Config& config, const std::optional<PathFacts>& file,
                              const std::optional<Account>& web_user) {
  if (!file) {
    return item("configuration", CheckStatus::ok,
                "no configuration file: ip, user and secret come with each request (" +
                    std::string(default_config_path) + " holds profiles and the policy: docs/security.md)",
                {}, false);
  }
  std::string profiles;
  for (const auto& [name, profile] : config.profiles) profiles += (profiles.empty() ? "" : ", ") + name;
  std::string found = config.path + " (" + describe_owner(*file) +
                      "): " + (profiles.empty() ? std::string("no profile") : "profiles " + profiles) +
                      (config.token.empty() ? "" : ", token required");
  if (web_user && !may(*web_user, *file, 4)) {
    return item("configuration", CheckStatus::failed,
                found + "; the web server's user " + who(*web_user) + " cannot read it",
                "chgrp " + who(*web_user) + " " + config.path + " && chmod 0640 " + config.path);
  }
  return item("configuration", CheckStatus::ok, found + (web_user ? "; readable by " + who(*web_user) : ""));
}

CheckItem judge_configuration_failure(const Failure& failure) {
  return item("configuration", CheckStatus::failed, failure.message,
              "fix the file as the message says (docs/security.md shows one); every request fails until then");
}

CheckItem judge_state_dir(const PathFacts& dir, const Account& web_user) {
  const auto fix = "mkdir -p " + dir.path + " && chown " + who(web_user) + " " + dir.path +
                   " (the package does it), or state_dir = a directory of " + who(web_user);
  const std::string effect = ": requests still work, without max_actions_per_minute and repeat_window";
  if (!dir.exists) {
    return item("state_dir", CheckStatus::failed,
                dir.path + (dir.error.empty() ? " does not exist" : ": " + dir.error) + effect, fix, false);
  }
  if (!dir.directory || !may(web_user, dir, 3)) {
    return item("state_dir", CheckStatus::failed,
                dir.path + " (" + describe_owner(dir) + ") is not a directory " + who(web_user) + " may write" + effect,
                fix, false);
  }
  return item("state_dir", CheckStatus::ok, dir.path + " (" + describe_owner(dir) + ") writable by " + who(web_user),
              {}, false);
}

CheckItem judge_jobs_dir(const PathFacts& dir, const PathFacts& parent, const Account& web_user, bool needed) {
  const auto fix =
      "install -d -o " + who(web_user) + " -g " + who(web_user) + " -m 0700 " + dir.path + " (the package does it)";
  if (!dir.exists) {
    if (dir.error.empty() && parent.directory && may(web_user, parent, 3)) {
      return item("jobs_dir", CheckStatus::ok,
                  dir.path + " does not exist yet: the first background job creates it (0700, " + who(web_user) + ")",
                  {}, needed);
    }
    const auto why = !dir.error.empty() ? ": " + dir.error
                     : !parent.exists   ? " does not exist, nor does " + parent.path
                                        : " does not exist, and " + who(web_user) + " may not create it in " +
                                            parent.path + " (" + describe_owner(parent) + ")";
    return item("jobs_dir", CheckStatus::failed, dir.path + why + ": background=1 would fail", fix, needed);
  }
  if (!dir.directory) {
    return item("jobs_dir", CheckStatus::failed, dir.path + " is not a directory: background=1 would fail", fix,
                needed);
  }
  if ((web_user.uid != 0 && dir.owner != web_user.uid) || (dir.mode & 022U) != 0) {
    return item("jobs_dir", CheckStatus::failed,
                dir.path + " (" + describe_owner(dir) + ") must be " + who(web_user) +
                    "'s alone (a job's file names the process a cancel signals): background=1 would fail",
                fix, needed);
  }
  return item("jobs_dir", CheckStatus::ok, dir.path + " (" + describe_owner(dir) + ")", {}, needed);
}

CheckItem judge_job_log(const PathFacts& file, const PathFacts& dir, const Account& web_user) {
  // spdlog cannot open it: the job logs to syslog instead (action/log.cpp), not where the admin looks.
  const std::string effect = ": background jobs log to syslog instead (journalctl -t eecall)";
  const auto fix = "install -d -o " + who(web_user) + " -m 0750 " + dir.path +
                   (file.exists ? " && chown " + who(web_user) + " " + file.path : std::string()) +
                   " (the package makes /var/log/eecall so), or job_log = a file " + who(web_user) + " may write";
  if (file.exists) {
    if (file.directory || !may(web_user, file, 2)) {
      return item("job_log",
                  CheckStatus::failed,
                  file.path + " (" + describe_owner(file) + ") is not a file " + who(web_user) + " may write" + effect,
                  fix, false);
    }
    return item("job_log", CheckStatus::ok, file.path + " (" + describe_owner(file) + ") writable by " + who(web_user),
                {}, false);
  }
  if (!file.error.empty() || !dir.directory || !may(web_user, dir, 3)) {
    const auto why = !file.error.empty() ? ": " + file.error
                     : !dir.exists       ? " cannot be created: " + dir.path + " does not exist"
                                         : " cannot be created by " + who(web_user) + " in " + dir.path + " (" +
                                         describe_owner(dir) + ")";
    return item("job_log", CheckStatus::failed, file.path + why + effect, fix, false);
  }
  return item("job_log", CheckStatus::ok,
              file.path + " does not exist yet: the first background job creates it (" + who(web_user) + ")", {},
              false);
}

CheckItem judge_audio_dir(const PathFacts& dir, const Account& web_user) {
  const auto fix = "install -d -o " + who(web_user) + " -g asterisk -m 2750 " + dir.path +
                   " (the package does it when the group asterisk exists)";
  if (!dir.exists || !dir.directory) {
    return item("audio_dir", CheckStatus::failed,
                dir.path +
                    (!dir.error.empty() ? ": " + dir.error
                     : dir.exists       ? " is not a directory"
                                        : " does not exist") +
                    ": spoken alerts would fail",
                fix);
  }
  if (!may(web_user, dir, 3)) {
    return item(
        "audio_dir", CheckStatus::failed,
        dir.path + " (" + describe_owner(dir) + ") is not writable by " + who(web_user) + ": spoken alerts would fail",
        fix);
  }
  return item("audio_dir", CheckStatus::ok, dir.path + " (" + describe_owner(dir) + ") writable by " + who(web_user));
}

CheckItem judge_audio_for_asterisk(const PathFacts& dir, bool same_host, const std::string& pbx_address,
                                   const std::optional<Account>& asterisk_user, const std::string& how_known) {
  const std::string name = "audio for asterisk";
  if (!same_host) {
    return item(name, CheckStatus::failed,
                "the PBX (" + pbx_address +
                    ") is another host: Asterisk plays a spoken alert's file by its path, "
                    "which only exists here",
                "run eecall on the PBX host itself (docs/install.md), or use play= with a recording the PBX has");
  }
  if (!dir.exists) return item(name, CheckStatus::unknown, dir.path + " does not exist", "see audio_dir above");
  if (!asterisk_user) {
    return item(name, CheckStatus::unknown, "the user Asterisk runs as is not known (" + how_known + ")",
                "on the PBX: sudo -u asterisk ls " + dir.path + " must work (FreePBX runs Asterisk as asterisk)", true);
  }
  // Asterisk opens <dir>/<hash>.wav: it must search the directory; the files are 0644.
  if (!may(*asterisk_user, dir, 1)) {
    return item(name, CheckStatus::failed,
                dir.path + " (" + describe_owner(dir) + ") cannot be searched by " + who(*asterisk_user) +
                    ", the user Asterisk runs as (" + how_known + "): Asterisk would not find the audio",
                "chgrp " + group_name(asterisk_user->gid) + " " + dir.path + " && chmod 2750 " + dir.path);
  }
  return item(name, CheckStatus::ok,
              dir.path + " is readable by " + who(*asterisk_user) + ", the user Asterisk runs as (" + how_known + ")");
}

CheckItem judge_speech_module(const Result<std::string>& loaded) {
  if (loaded) return item("speech", CheckStatus::ok, "speech module " + loaded.value());
  return item("speech", CheckStatus::failed, loaded.failure().message,
              "reinstall eecall, or put eecall-speech.so next to the program (docs/install.md); a missing library: "
              "apt install libespeak-ng1 libsoxr0 libsndfile1");
}

CheckItem judge_notify(bool configured, const std::string& site, const Result<long>& answer) {
  if (!configured) {
    return item("notify", CheckStatus::failed, "--check-notify, but no notify_url applies to this request",
                "notify_url = in [general] or in the profile (docs/background.md)");
  }
  if (!answer) {
    return item("notify", CheckStatus::failed, site + " gave no HTTP answer: " + answer.failure().message,
                "the box's address and port in notify_url, and any firewall between this host and the box");
  }
  return item("notify", CheckStatus::ok,
              site + " answers (HTTP " + std::to_string(answer.value()) +
                  "); the URL itself was not fetched: it would set the box's device");
}

}  // namespace eecall
