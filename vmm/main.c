/* zxvmm: a small VMM on the zx_* calls that boots Linux. It loads the implementation by path,
 * builds the machine (memory, traps, devices, ACPI), loads the kernel, starts the boot VCPU and
 * waits until the guest powers off, reboots, crashes or runs out of time. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "impl.h"
#include "machine.h"
#include "pci.h"
#include "spec_citation.h"

#define DEFAULT_IMPL "build/ref/libzxref.so"
/* What a stock kernel needs here: the console on COM1 only, no port-0x80 delays, a panic that
 * reboots (so the VMM ends), a fixed kernel address, and no NMI IPIs (Zircon's x2APIC fails the
 * VCPU on one): none to stop the other CPUs at power-off, and no RCU stall reports, which send
 * NMIs for backtraces (a VCPU thread descheduled for long on a loaded host looks stalled). */
#define BASE_CMDLINE "console=ttyS0 8250.nr_uarts=1 io_delay=none panic=-1 nokaslr nonmi_ipi " \
                     "rcupdate.rcu_cpu_stall_suppress=1"
#define NO_PCI_CMDLINE "pci=off" /* without --disk there is no PCI device to probe */
#define DEFAULT_EXTRA_CMDLINE "quiet"
/* Linux hands /init every bare word it does not know, then the words after "--"; this word
 * tells vmm/init where the command starts. */
#define INIT_COMMAND_MARK "zxvmm-command"

static void usage(FILE *out) {
    fprintf(out,
        "usage: zxvmm [--impl LIB] --kernel FILE [--initrd FILE] [--cmdline TEXT] [--cpus N]\n"
        "             [--memory MIB] [--disk FILE] [--timeout SEC] [--verbose] [-- COMMAND]\n"
        "Boots Linux (a bzImage or an ELF vmlinux) on the zx_* calls of LIB (default\n"
        DEFAULT_IMPL "). The guest's serial console is stdin/stdout; messages of zxvmm go\n"
        "to stderr. The kernel command line is \"" BASE_CMDLINE "\" followed by\n"
        "TEXT (default \"" DEFAULT_EXTRA_CMDLINE "\"), and " NO_PCI_CMDLINE " without --disk; COMMAND goes to\n"
        "the initramfs's /init, which runs it instead of a shell, then powers off. --disk FILE\n"
        "is a virtio-blk disk on PCI (/dev/vda; read-only if the file is).\n"
        "exit status: 0 powered off, 1 a call failed or the guest cannot be served, 2 usage,\n"
        "             3 rebooted, 4 panicked, 5 crashed (a VCPU stopped), 6 timed out\n");
}

static struct machine machine = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .end_lock = PTHREAD_MUTEX_INITIALIZER,
    .ended = PTHREAD_COND_INITIALIZER,
    .end = GUEST_RUNNING,
};
static char end_message[2048];

void machine_end(struct machine *m, enum guest_end end, const char *fmt, ...) {
    pthread_mutex_lock(&m->end_lock);
    if (m->end == GUEST_RUNNING) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(end_message, sizeof(end_message), fmt, args);
        va_end(args);
        __atomic_store_n(&m->end, end, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&m->ended);
    }
    pthread_mutex_unlock(&m->end_lock);
}

void machine_call_failed(struct machine *m, const char *call, zx_status_t status,
                         const char *what) {
    char citation[1536];
    spec_citation(call, zxc_status_name(status), citation, sizeof citation);
    machine_end(m, VMM_FAILED, "%s failed with %s (%d) while %s%s", call,
                zxc_status_name(status), status, what, citation);
}

static struct termios saved_terminal;
static bool terminal_saved;

/* Raw input for the guest's shell, but Ctrl-C still ends zxvmm. */
static void terminal_raw(void) {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_terminal) != 0)
        return;
    struct termios raw = saved_terminal;
    cfmakeraw(&raw);
    raw.c_lflag |= ISIG;
    raw.c_oflag |= OPOST | ONLCR;
    terminal_saved = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

static void terminal_restore(void) {
    if (terminal_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
}

static double seconds_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static bool parse_number(const char *text, const char *option, unsigned long min,
                         unsigned long max, unsigned long *out) {
    char *end;
    unsigned long value = strtoul(text, &end, 10);
    if (*text == 0 || *end != 0 || value < min || value > max) {
        fprintf(stderr, "zxvmm: %s takes a number from %lu to %lu, not '%s'\n", option, min, max,
                text);
        return false;
    }
    *out = value;
    return true;
}

/* The kernel command line: the base, the extra text, and COMMAND for /init after "--". */
static bool build_cmdline(char *out, size_t size, const char *extra, bool pci, int argc,
                          char **argv) {
    int used = snprintf(out, size, "%s%s %s", BASE_CMDLINE, pci ? "" : " " NO_PCI_CMDLINE, extra);
    if (argc > 0)
        used += snprintf(out + used, used < (int)size ? size - used : 0, " -- " INIT_COMMAND_MARK " \"");
    for (int i = 0; i < argc; i++) {
        if (strchr(argv[i], '"') != NULL) {
            fprintf(stderr, "zxvmm: the guest command cannot contain '\"' (the kernel command "
                    "line has no escape for it)\n");
            return false;
        }
        used += snprintf(out + used, used < (int)size ? size - used : 0, "%s%s", i ? " " : "",
                         argv[i]);
    }
    if (argc > 0)
        used += snprintf(out + used, used < (int)size ? size - used : 0, "\"");
    if (used >= (int)size) {
        fprintf(stderr, "zxvmm: the kernel command line would be longer than %zu bytes\n", size);
        return false;
    }
    return true;
}

static bool create_machine(struct machine *m) {
    zx_handle_t resource;
    zx_status_t status = zx.zxconf_hypervisor_resource(&resource);
    if (status != ZX_OK) {
        machine_call_failed(m, "zxconf_hypervisor_resource", status, "getting the resource");
        return false;
    }
    if ((status = zx.zx_vmo_create(m->memory_size, 0, &m->memory)) != ZX_OK) {
        machine_call_failed(m, "zx_vmo_create", status, "creating guest memory");
        return false;
    }
    if ((status = zx.zx_guest_create(resource, 0, m->memory, &m->guest)) != ZX_OK) {
        machine_call_failed(m, "zx_guest_create", status, "creating the guest");
        return false;
    }
    status = zx.zx_guest_set_trap(m->guest, ZX_GUEST_TRAP_IO, 0, IO_TRAP_PORTS,
                                  ZX_HANDLE_INVALID, 0);
    if (status != ZX_OK) {
        machine_call_failed(m, "zx_guest_set_trap", status, "setting an IO trap over every port");
        return false;
    }
    uart_attach(m);
    pic_attach(m);
    pit_attach(m);
    cmos_attach(m);
    i8042_attach(m);
    power_attach(m);
    if (m->disk != NULL) {
        pci_attach(m);
        if (!virtio_blk_attach(m, m->disk))
            return false;
    }
    return ioapic_attach(m);
}

int main(int argc, char **argv) {
    static const struct option options[] = {
        {"impl", required_argument, NULL, 'i'}, {"kernel", required_argument, NULL, 'k'},
        {"initrd", required_argument, NULL, 'r'}, {"cmdline", required_argument, NULL, 'c'},
        {"cpus", required_argument, NULL, 'n'}, {"memory", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 't'}, {"verbose", no_argument, NULL, 'v'},
        {"disk", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'}, {0},
    };
    const char *impl = DEFAULT_IMPL, *kernel = NULL, *initrd = NULL;
    const char *extra = DEFAULT_EXTRA_CMDLINE;
    unsigned long cpus = 1, memory_mib = MEMORY_DEFAULT_MIB, timeout = 0;
    struct machine *m = &machine;
    for (int option; (option = getopt_long(argc, argv, "+h", options, NULL)) != -1;) {
        switch (option) {
        case 'i': impl = optarg; break;
        case 'k': kernel = optarg; break;
        case 'r': initrd = optarg; break;
        case 'c': extra = optarg; break;
        case 'n': if (!parse_number(optarg, "--cpus", 1, MAX_CPUS, &cpus)) return VMM_USAGE; break;
        case 'm':
            if (!parse_number(optarg, "--memory", MEMORY_MIN_MIB, GPA_RAM_LIMIT / MIB, &memory_mib))
                return VMM_USAGE;
            break;
        case 't': if (!parse_number(optarg, "--timeout", 1, 86400, &timeout)) return VMM_USAGE; break;
        case 'v': m->verbose = true; break;
        case 'd': m->disk = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return VMM_USAGE;
        }
    }
    if (kernel == NULL) {
        usage(stderr);
        fprintf(stderr, "zxvmm: --kernel is required\n");
        return VMM_USAGE;
    }
    char cmdline[CMDLINE_MAX];
    if (!build_cmdline(cmdline, sizeof(cmdline), extra, m->disk != NULL, argc - optind,
                       argv + optind))
        return VMM_USAGE;
    m->cpus = cpus;
    m->memory_size = memory_mib * MIB;

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    fprintf(stderr, "zxvmm: booting %s%s%s with %lu VCPU%s and %lu MiB on %s\n", kernel,
            initrd ? " and " : "", initrd ? initrd : "", cpus, cpus > 1 ? "s" : "", memory_mib,
            impl);
    if (m->verbose)
        fprintf(stderr, "zxvmm: kernel command line: %s\n", cmdline);
    if (!impl_load(impl))
        return VMM_FAILED;
    if (!create_machine(m) || !load_linux(m, kernel, initrd, cmdline) || !vcpus_start(m)) {
        if (m->end != GUEST_RUNNING)
            fprintf(stderr, "zxvmm: %s\n", end_message);
        return VMM_FAILED;
    }
    terminal_raw();

    pthread_mutex_lock(&m->end_lock);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout;
    while (m->end == GUEST_RUNNING) {
        if (timeout == 0)
            pthread_cond_wait(&m->ended, &m->end_lock);
        else if (pthread_cond_timedwait(&m->ended, &m->end_lock, &deadline) != 0 &&
                 m->end == GUEST_RUNNING) {
            m->end = GUEST_TIMED_OUT;
            snprintf(end_message, sizeof(end_message), "the guest was still running after %lu s",
                     timeout);
        }
    }
    enum guest_end end = m->end;
    pthread_mutex_unlock(&m->end_lock);

    terminal_restore();
    fprintf(stderr, "\nzxvmm: %s; %.2f s after start, exit status %d\n", end_message,
            seconds_since(&start), end);
    if (m->verbose) {
        fprintf(stderr, "zxvmm: exits: %llu IO", (unsigned long long)m->io_exits);
        io_bus_report_exits(stderr);
        fprintf(stderr, "; %llu MEM (IO APIC); %llu STARTUP and %llu IPI packets; %llu accesses "
                "nothing traps\n", (unsigned long long)m->mem_exits,
                (unsigned long long)m->startup_packets, (unsigned long long)m->interrupt_packets,
                (unsigned long long)m->untrapped_accesses);
    }
    fflush(stdout);
    fflush(stderr);
    _exit(end); /* the VCPU threads may be inside the implementation: no clean-up */
}
