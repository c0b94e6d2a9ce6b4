// Proves: a guest whose page tables lead outside guest memory ends resume with NOT_FOUND, as
// any access that no VMO and no trap covers, instead of running on for ever. PML4 entry 0 is
// pointed at GPA 2 GiB (the fixture's memory is 16 MiB) and the TLB flushed: the next fetch
// cannot be translated, nor can the page fault that follows be delivered.
#include "guest.inc"
.text
.code64
    movq $0x80000003, %rax          // present, writable, PDPT at 2 GiB
    movq %rax, 0                    // PML4[0]
    movq %cr3, %rax
    movq %rax, %cr3                 // flush the TLB: the next fetch walks the new entry
    nop
    exit_test                       // never reached
