/* Guest-physical layout of the ref tests: the guests of guests/ (guests/guest.inc,
 * guests/apic.inc), as the conformance harness lays them out (harness/zxc.h). */
#ifndef REF_TESTS_GUEST_LAYOUT_H
#define REF_TESTS_GUEST_LAYOUT_H

#define VMO_SIZE        0x1000000
#define PAGE            0x1000
#define GUEST_ENTRY     0x2000
#define PD_ADDR         0x20000  /* clear of the code, IDT (0x10000) and data (0x30000) */
#define AP_ENTRY        0x40000
#define LOAD_ADDR       0x5000   /* guests/load_store.S */
#define STORE_ADDR      0x6000
#define TRAP_ADDR       (VMO_SIZE - 2 * PAGE)
#define EXIT_ADDR       (VMO_SIZE - PAGE)
#define IO_PORT         0x11     /* TRAP_PORT */
#define TRAP_KEY        0x1234

#endif
