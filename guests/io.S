// Proves: IO traps: OUT of 1, 2 and 4 bytes carry the data; IN of 1, 2 and 4 bytes reads the
// value given by write_state(ZX_VCPU_IO).
#include "guest.inc"
.text
.code64
    mov $0xab, %al
    out %al, $TRAP_PORT
    mov $0xcdef, %ax
    out %ax, $TRAP_PORT
    mov $0x12345678, %eax
    out %eax, $TRAP_PORT
    xor %ebx, %ebx
    xor %ecx, %ecx
    in $TRAP_PORT, %al
    mov %al, %bl
    in $TRAP_PORT, %ax
    mov %ax, %cx
    mov $0xffffffffffffffff, %rax  // a 4-byte IN must replace all of rax
    in $TRAP_PORT, %eax
    exit_test
