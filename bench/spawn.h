/* Running a helper command with its output in a log file (callgrind, the suite, the generator). */
#ifndef BENCH_SPAWN_H
#define BENCH_SPAWN_H

/* Runs argv[0] (searched in PATH) with stdout and stderr appended to log; returns its exit
 * status, or -1 after bench_error() when it could not run or was killed. */
int bench_spawn(char *const argv[], const char *log);

#endif
