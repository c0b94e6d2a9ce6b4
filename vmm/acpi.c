/* ACPI tables, packed from GPA_ACPI: RSDP (2.0) -> XSDT and RSDT -> FADT (-> DSDT), MADT.
 * The FADT gives the PM1 blocks that power the guest off, forces physical x2APIC destination
 * mode (the implementation follows Zircon, which fails logical-mode IPIs) and says there is no
 * 8042 or VGA; the MADT lists each CPU and the IO APIC; the DSDT only holds _S5. */
#include <string.h>

#include "le_bytes.h"
#include "machine.h"

#define ACPI_HEADER_SIZE 36
#define FADT_SIZE        244 /* revision 3: the first with the x2APIC physical-mode flag */
#define FADT_FLAG_WBINVD               (1u << 0)
#define FADT_FLAG_POWER_BUTTON_ABSENT  (1u << 4)
#define FADT_FLAG_SLEEP_BUTTON_ABSENT  (1u << 5)
#define FADT_FLAG_RESET_REGISTER       (1u << 10)
#define FADT_FLAG_APIC_PHYSICAL        (1u << 19)
#define FADT_BOOT_NO_VGA               (1u << 2)
#define GAS_SYSTEM_IO    1
#define MADT_LOCAL_APIC  0
#define MADT_IO_APIC     1
#define RESET_VALUE      0x06 /* port 0xcf9: full reset */

static uint8_t checksum(const uint8_t *bytes, size_t len) {
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += bytes[i];
    return (uint8_t)-sum;
}

static void header(uint8_t *t, const char *signature, uint32_t length, uint8_t revision) {
    memcpy(t, signature, 4);
    put32(t + 4, length);
    t[8] = revision;
    memcpy(t + 10, "ZXCONF", 6);
    memcpy(t + 16, "ZXVMM   ", 8);
    put32(t + 24, 1);           /* OEM revision */
    memcpy(t + 28, "ZXCF", 4);   /* creator */
    put32(t + 32, 1);
}

static void finish(uint8_t *t) {
    uint32_t length = get32(t + 4);
    t[9] = 0;
    t[9] = checksum(t, length);
}

/* A Generic Address Structure for an IO port block. */
static void gas_io(uint8_t *p, uint16_t port, uint8_t bytes) {
    p[0] = GAS_SYSTEM_IO;
    p[1] = bytes * 8;
    p[2] = 0;
    p[3] = bytes == 1 ? 1 : 2; /* access size: byte or word */
    put64(p + 4, port);
}

uint64_t acpi_build(struct machine *m) {
    static uint8_t area[GPA_ACPI_END - GPA_ACPI];
    memset(area, 0, sizeof(area));
    const uint64_t rsdp = GPA_ACPI, xsdt = rsdp + 64, rsdt = xsdt + 64, fadt = rsdt + 64,
                   dsdt = fadt + 256, madt = dsdt + 128;
#define AT(gpa) (area + ((gpa) - GPA_ACPI))

    /* DSDT, hand-assembled AML: Name (_S5, Package () { S5, S5, 0, 0 }), and with a disk
     * Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId ("PNP0A03")) Name (_UID, 0) } }: the
     * PCI root bridge Linux scans. Its devices use MSI-X, so it needs no _PRT. */
    const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                          0x0a, ACPI_SLP_TYP_S5, 0x0a, ACPI_SLP_TYP_S5, 0x00, 0x00};
    const uint8_t pci_root[] = {0x10, 0x1d, '\\', '_', 'S', 'B', '_',
                                0x5b, 0x82, 0x15, 'P', 'C', 'I', '0',
                                0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,
                                0x08, '_', 'U', 'I', 'D', 0x00};
    size_t aml = sizeof(s5) + (m->disk != NULL ? sizeof(pci_root) : 0);
    header(AT(dsdt), "DSDT", ACPI_HEADER_SIZE + aml, 2);
    memcpy(AT(dsdt) + ACPI_HEADER_SIZE, s5, sizeof(s5));
    if (m->disk != NULL)
        memcpy(AT(dsdt) + ACPI_HEADER_SIZE + sizeof(s5), pci_root, sizeof(pci_root));
    finish(AT(dsdt));

    uint8_t *f = AT(fadt);
    header(f, "FACP", FADT_SIZE, 3);
    put32(f + 40, dsdt);
    put16(f + 46, IRQ_ACPI_SCI);
    /* SMI_CMD (48) stays 0: ACPI is always on, so the PM1 control reads SCI_EN. */
    put32(f + 56, PORT_ACPI_PM1_EVENT);
    put32(f + 64, PORT_ACPI_PM1_CONTROL);
    f[88] = 4; /* PM1_EVT_LEN */
    f[89] = 2; /* PM1_CNT_LEN */
    put16(f + 109, FADT_BOOT_NO_VGA); /* IAPC_BOOT_ARCH: no 8042 bit, so Linux skips it */
    put32(f + 112, FADT_FLAG_WBINVD | FADT_FLAG_POWER_BUTTON_ABSENT | FADT_FLAG_SLEEP_BUTTON_ABSENT |
                   FADT_FLAG_RESET_REGISTER | FADT_FLAG_APIC_PHYSICAL);
    gas_io(f + 116, PORT_RESET_CONTROL, 1);
    f[128] = RESET_VALUE;
    put64(f + 140, dsdt);
    gas_io(f + 148, PORT_ACPI_PM1_EVENT, 4);
    gas_io(f + 172, PORT_ACPI_PM1_CONTROL, 2);
    finish(f);

    uint8_t *t = AT(madt);
    uint32_t length = ACPI_HEADER_SIZE + 8;
    put32(t + ACPI_HEADER_SIZE, 0xfee00000); /* local APIC address; flags 0: no 8259s */
    for (uint32_t cpu = 0; cpu < m->cpus; cpu++, length += 8) {
        uint8_t *e = t + length;
        e[0] = MADT_LOCAL_APIC;
        e[1] = 8;
        e[2] = cpu; /* ACPI processor id */
        e[3] = cpu; /* APIC id: Zircon gives VCPU n the id n */
        put32(e + 4, 1); /* enabled */
    }
    uint8_t *io = t + length;
    io[0] = MADT_IO_APIC;
    io[1] = 12;
    io[2] = 0; /* IO APIC id */
    put32(io + 4, GPA_IOAPIC);
    put32(io + 8, 0); /* GSI base */
    length += 12;
    header(t, "APIC", length, 3);
    finish(t);

    const uint64_t tables[] = {fadt, madt};
    const unsigned count = sizeof(tables) / sizeof(tables[0]);
    header(AT(xsdt), "XSDT", ACPI_HEADER_SIZE + 8 * count, 1);
    header(AT(rsdt), "RSDT", ACPI_HEADER_SIZE + 4 * count, 1);
    for (unsigned i = 0; i < count; i++) {
        put64(AT(xsdt) + ACPI_HEADER_SIZE + 8 * i, tables[i]);
        put32(AT(rsdt) + ACPI_HEADER_SIZE + 4 * i, tables[i]);
    }
    finish(AT(xsdt));
    finish(AT(rsdt));

    uint8_t *r = AT(rsdp);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "ZXCONF", 6);
    r[15] = 2; /* ACPI 2.0+ */
    put32(r + 16, rsdt);
    put32(r + 20, 36);
    put64(r + 24, xsdt);
    r[8] = checksum(r, 20);
    r[32] = checksum(r, 36);
#undef AT
    return guest_write(m, GPA_ACPI, area, madt + length - GPA_ACPI) ? rsdp : 0;
}
