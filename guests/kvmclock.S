// Proves: kvmclock works. The guest points MSR_KVM_SYSTEM_TIME_NEW at DATA_ADDR, reads the
// clock (ns) into r8 and exits; when resumed, reads it again into r9 and exits.
#include "guest.inc"
#include "apic.inc"
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
.text
.code64
    mov $0x80000, %rsp
    mov $MSR_KVM_SYSTEM_TIME_NEW, %ecx
    mov $(DATA_ADDR | 1), %eax
    xor %edx, %edx
    wrmsr
    call read_clock
    mov %rax, %r8
    exit_test
    call read_clock
    mov %rax, %r9
    exit_test
    jmp .
// pvclock_vcpu_time_info: version @0, tsc_timestamp @8, system_time @16, mul @24, shift @28.
read_clock:
1:  mov DATA_ADDR, %r10d
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    sub DATA_ADDR + 8, %rax
    movsbl DATA_ADDR + 28, %ecx
    test %ecx, %ecx
    js 2f
    shl %cl, %rax
    jmp 3f
2:  neg %ecx
    shr %cl, %rax
3:  mov DATA_ADDR + 24, %r11d
    mul %r11
    shrd $32, %rdx, %rax
    add DATA_ADDR + 16, %rax
    cmp DATA_ADDR, %r10d
    jne 1b
    ret
