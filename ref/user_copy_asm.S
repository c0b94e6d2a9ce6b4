/* bool zxr_user_copy_raw(void *dst, const void *src, size_t len): copies len bytes and returns
 * true, or returns false as soon as a load or store faults. Only the instructions between
 * zxr_user_copy_raw and zxr_user_copy_end touch user memory; user_copy.c's fault handler moves
 * a faulting PC in that range to zxr_user_copy_fault, as Zircon's kernel does for its own
 * user copies. A plain loop, not rep movsb: it is cheap for the small buffers the calls pass. */
    .text
    .globl zxr_user_copy_raw, zxr_user_copy_end, zxr_user_copy_fault
    .hidden zxr_user_copy_raw, zxr_user_copy_end, zxr_user_copy_fault
    .type zxr_user_copy_raw, @function
zxr_user_copy_raw:
    xor %ecx, %ecx
    cmp $8, %rdx
    jb 2f
    lea -8(%rdx), %r8          /* last offset a whole word fits at */
1:  mov (%rsi,%rcx), %rax
    mov %rax, (%rdi,%rcx)
    add $8, %rcx
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
