// The guests the benchmarks run, copied into guest memory at GUEST_CODE_ADDR (bench.h). Each is
// an endless loop of one exit; only relative jumps, so they run wherever they are put.
#define IO_PORT 0x11          /* BENCH_IO_PORT */
#define MEM_TRAP_ADDR 0x100000 /* BENCH_MEM_TRAP_ADDR: the page just past guest memory */

    .section .rodata
    .globl bench_io_loop, bench_io_loop_end, bench_mem_loop, bench_mem_loop_end

// e6 11 eb fc: the same bytes mean the same in 16-, 32- and 64-bit mode, so the reference's
// first VCPU (long mode) and its others (real mode) all run it.
bench_io_loop:
    .code64
1:  out %al, $IO_PORT
    jmp 1b
bench_io_loop_end:

// Long mode only: a 4-byte store to the trapped page (89 04 25 disp32), which the reference
// must decode.
bench_mem_loop:
1:  movl %eax, MEM_TRAP_ADDR
    jmp 1b
bench_mem_loop_end:

    .section .note.GNU-stack,"",@progbits
