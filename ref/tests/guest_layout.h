/* Guest-physical layout of the ref tests (like Fuchsia's early-2018 hypervisor tests). Shared
 * by guest_code.S and the C tests. */
#ifndef REF_TESTS_GUEST_LAYOUT_H
#define REF_TESTS_GUEST_LAYOUT_H

#define VMO_SIZE        0x200000
#define PAGE            0x1000
#define GUEST_ENTRY     0x2000
#define PD_ADDR         0x3000
#define AP_ENTRY        0x10000
#define STACK_TOP       0x80000
#define SHARED_ADDR     0x100000
#define TRAP_ADDR       (VMO_SIZE - 2 * PAGE)
#define EXIT_ADDR       (VMO_SIZE - PAGE)
#define UNBACKED_ADDR   0x400000
#define IO_PORT         0x11
#define UNTRAPPED_PORT  0x99
#define TRAP_KEY        0x1234

#endif
