/* Run information: the implementation's SHA-256 (by sha256sum, so the harness carries no hash
 * code), the host kernel, the CPU model and the date. */
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_info.h"

extern char **environ;

static bool sha256_of(const char *path, char out[65]) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    char *argv[] = {"sha256sum", "--", (char *)path, NULL};
    pid_t pid;
    int spawned = posix_spawnp(&pid, "sha256sum", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    ssize_t n = 0;
    if (spawned == 0) n = read(pipe_fds[0], out, 64);
    close(pipe_fds[0]);
    int wstatus = 0;
    if (spawned == 0) waitpid(pid, &wstatus, 0);
    out[n > 0 ? n : 0] = '\0';
    return spawned == 0 && n == 64 && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
}

static void cpu_model(char *out, size_t size) {
    snprintf(out, size, "unknown");
    FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
    if (cpuinfo == NULL) return;
    char line[512];
    while (fgets(line, sizeof line, cpuinfo)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(out, size, "%s", colon + 2);
            out[strcspn(out, "\n")] = '\0';
            break;
        }
    }
    fclose(cpuinfo);
}

bool zxc_run_info_collect(const char *impl_path, struct zxc_run_info *info) {
    if (!sha256_of(impl_path, info->sha256)) {
        fprintf(stderr, "zxconform: cannot compute the sha256 of %s\n", impl_path);
        return false;
    }
    struct utsname host;
    if (uname(&host) == 0)
        snprintf(info->kernel, sizeof info->kernel, "%s %s %s", host.sysname, host.release,
                 host.machine);
    else
        snprintf(info->kernel, sizeof info->kernel, "unknown");
    cpu_model(info->cpu, sizeof info->cpu);
    time_t now = time(NULL);
    strftime(info->date, sizeof info->date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    return true;
}
