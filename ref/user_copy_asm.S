/* bool zxr_user_copy_raw(void *dst, const void *src, size_t len): copies len bytes and returns
 * true, or returns false as soon as a load or store faults. Only the instructions between
 * zxr_user_copy_raw and zxr_user_copy_end touch user memory; user_copy.c's fault handler moves
 * a faulting PC in that range to zxr_user_copy_fault, as Zircon's kernel does for its own
 * user copies. Plain loops of 16, then 1 bytes, not rep movsb: the buffers the calls pass are
 * small (a packet is 48 bytes), and rep movsb starts slowly. */
    .text
    .globl zxr_user_copy_raw, zxr_user_copy_end, zxr_user_copy_fault
    .hidden zxr_user_copy_raw, zxr_user_copy_end, zxr_user_copy_fault
    .type zxr_user_copy_raw, @function
zxr_user_copy_raw:
    xor %ecx, %ecx
    cmp $16, %rdx
    jb 2f
    lea -16(%rdx), %r8          /* the last offset 16 bytes fit at */
1:  movdqu (%rsi,%rcx), %xmm0
    movdqu %xmm0, (%rdi,%rcx)
    add $16, %rcx
    cmp %r8, %rcx
    jbe 1b
2:  cmp %rdx, %rcx
    jae 4f
3:  movzbl (%rsi,%rcx), %eax
    mov %al, (%rdi,%rcx)
    inc %rcx
    cmp %rdx, %rcx
    jb 3b
4:  mov $1, %eax
    ret
zxr_user_copy_end:
zxr_user_copy_fault:
    xor %eax, %eax
    ret
    .size zxr_user_copy_raw, . - zxr_user_copy_raw

    .section .note.GNU-stack, "", @progbits
