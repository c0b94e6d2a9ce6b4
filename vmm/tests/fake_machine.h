/* A machine without a VM, for the device tests and fuzzers: the implementation table (`zx`) on
 * fakes whose guest memory is fake_ram, and the machine functions a device calls, which count
 * what would have ended zxvmm instead of ending it. */
#ifndef ZXVMM_FAKE_MACHINE_H_
#define ZXVMM_FAKE_MACHINE_H_

#include "impl.h"
#include "machine.h"

#define FAKE_RAM_SIZE (1u << 20)

extern uint8_t fake_ram[FAKE_RAM_SIZE];
extern struct machine fake_machine;
/* machine_end and machine_call_failed calls so far: a guest must never cause one. */
extern int fake_machine_ends;

/* Points `zx` at the fakes. */
void fake_machine_install(void);

#endif
