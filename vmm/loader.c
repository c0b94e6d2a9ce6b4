/* Loading Linux through the 64-bit boot protocol (Documentation/arch/x86/boot.rst): the kernel
 * (a bzImage's protected-mode part, or an ELF vmlinux at its physical addresses), a fresh zero
 * page with the image's setup header, the E820 map, the command line, the initramfs and the
 * RSDP address, and identity page tables at GPA 0 for the first VCPU (which starts in long mode
 * with CR3 = 0). */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "le_bytes.h"
#include "machine.h"

/* boot_params offsets (arch/x86/include/uapi/asm/bootparam.h). */
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_E820_ENTRIES     0x1e8
#define BP_SETUP_SECTS      0x1f1
#define BP_BOOT_FLAG        0x1fe
#define BP_JUMP             0x200
#define BP_HEADER           0x202
#define BP_VERSION          0x206
#define BP_TYPE_OF_LOADER   0x210
#define BP_LOADFLAGS        0x211
#define BP_RAMDISK_IMAGE    0x218
#define BP_RAMDISK_SIZE     0x21c
#define BP_CMD_LINE_PTR     0x228
#define BP_INITRD_ADDR_MAX  0x22c
#define BP_KERNEL_ALIGNMENT 0x230
#define BP_RELOCATABLE      0x234
#define BP_XLOADFLAGS       0x236
#define BP_CMDLINE_SIZE     0x238
#define BP_PREF_ADDRESS     0x258
#define BP_INIT_SIZE        0x260
#define BP_E820_TABLE       0x2d0
#define BOOT_FLAG_MAGIC     0xaa55
#define HEADER_MAGIC        0x53726448u /* "HdrS" */
#define LOADED_HIGH         0x01
#define XLF_KERNEL_64       0x01
#define TYPE_OF_LOADER_UNDEFINED 0xff
#define E820_RAM            1
#define E820_RESERVED       2
#define E820_MAX            128
#define PAGE_SIZE           4096ull

struct file_data {
    uint8_t *bytes;
    size_t size;
};

static bool read_file(const char *path, const char *what, struct file_data *out) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "zxvmm: cannot open the %s %s: %s\n", what, path, strerror(errno));
        return false;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    out->bytes = size > 0 ? malloc(size) : NULL;
    out->size = size > 0 ? (size_t)size : 0;
    bool ok = out->bytes != NULL && fread(out->bytes, 1, out->size, file) == out->size;
    fclose(file);
    if (!ok)
        fprintf(stderr, "zxvmm: cannot read the %s %s%s\n", what, path,
                size <= 0 ? ": it is empty" : "");
    return ok;
}

static bool is_bzimage(const struct file_data *f) {
    return f->size > 0x1000 && get16(f->bytes + BP_BOOT_FLAG) == BOOT_FLAG_MAGIC &&
           get32(f->bytes + BP_HEADER) == HEADER_MAGIC;
}

static bool is_vmlinux(const struct file_data *f) {
    return f->size > sizeof(Elf64_Ehdr) && memcmp(f->bytes, ELFMAG, SELFMAG) == 0;
}

/* The protected-mode kernel at its preferred address; the zero page gets the image's header. */
static bool load_bzimage(struct machine *m, const struct file_data *f, uint8_t *zero_page,
                         const char *path, uint64_t *kernel_end) {
    const uint8_t *hdr = f->bytes;
    uint16_t version = get16(hdr + BP_VERSION);
    if (version < 0x20c || !(get16(hdr + BP_XLOADFLAGS) & XLF_KERNEL_64) ||
        !(hdr[BP_LOADFLAGS] & LOADED_HIGH)) {
        fprintf(stderr, "zxvmm: %s is a bzImage without the 64-bit entry (boot protocol 2.%02x, "
                "xloadflags 0x%x): zxvmm needs protocol 2.12 or later with XLF_KERNEL_64\n",
                path, version & 0xff, get16(hdr + BP_XLOADFLAGS));
        return false;
    }
    unsigned setup_sects = hdr[BP_SETUP_SECTS] ? hdr[BP_SETUP_SECTS] : 4;
    size_t kernel_offset = (setup_sects + 1) * 512ull;
    uint64_t load = get64(hdr + BP_PREF_ADDRESS) ? get64(hdr + BP_PREF_ADDRESS) : GPA_KERNEL_DEFAULT;
    uint64_t init_size = get32(hdr + BP_INIT_SIZE);
    if (kernel_offset >= f->size || load + init_size > m->memory_size) {
        fprintf(stderr, "zxvmm: the kernel %s needs %llu MiB of memory from 0x%llx; give "
                "--memory more than %llu\n", path, (unsigned long long)(init_size / MIB + 1),
                (unsigned long long)load,
                (unsigned long long)((load + init_size) / MIB + 1));
        return false;
    }
    /* The setup header runs from 0x1f1 to the end its jump instruction names. */
    size_t header_end = BP_JUMP + 2 + hdr[BP_JUMP + 1];
    memcpy(zero_page + BP_SETUP_SECTS, hdr + BP_SETUP_SECTS, header_end - BP_SETUP_SECTS);
    if (!guest_write(m, load, f->bytes + kernel_offset, f->size - kernel_offset))
        return false;
    m->entry = load + 0x200; /* startup_64 */
    *kernel_end = load + init_size;
    return true;
}

/* An ELF vmlinux: PT_LOAD segments at their physical addresses, entry at e_entry (physical).
 * Its zero page has no image header to copy, so zxvmm writes the fields Linux reads. */
static bool load_vmlinux(struct machine *m, const struct file_data *f, uint8_t *zero_page,
                         const char *path, uint64_t *kernel_end) {
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->bytes;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
        eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > f->size) {
        fprintf(stderr, "zxvmm: %s is an ELF file but not a 64-bit x86 kernel\n", path);
        return false;
    }
    *kernel_end = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(f->bytes + eh->e_phoff) + i;
        if (ph->p_type != PT_LOAD)
            continue;
        if (ph->p_offset + ph->p_filesz > f->size || ph->p_paddr + ph->p_memsz > m->memory_size) {
            fprintf(stderr, "zxvmm: segment %u of %s (0x%llx bytes at 0x%llx) does not fit in "
                    "%llu MiB of memory; give --memory more\n", i, path, (unsigned long long)ph->p_memsz,
                    (unsigned long long)ph->p_paddr, (unsigned long long)(m->memory_size / MIB));
            return false;
        }
        if (!guest_write(m, ph->p_paddr, f->bytes + ph->p_offset, ph->p_filesz))
            return false;
        if (ph->p_paddr + ph->p_memsz > *kernel_end)
            *kernel_end = ph->p_paddr + ph->p_memsz;
    }
    put16(zero_page + BP_BOOT_FLAG, BOOT_FLAG_MAGIC);
    put32(zero_page + BP_HEADER, HEADER_MAGIC);
    put16(zero_page + BP_VERSION, 0x20f);
    zero_page[BP_LOADFLAGS] = LOADED_HIGH;
    put32(zero_page + BP_INITRD_ADDR_MAX, 0x7fffffff);
    put32(zero_page + BP_KERNEL_ALIGNMENT, 0x200000);
    put32(zero_page + BP_CMDLINE_SIZE, CMDLINE_MAX - 1);
    m->entry = eh->e_entry;
    return true;
}

static void add_e820(uint8_t *zero_page, uint64_t addr, uint64_t size, uint32_t type) {
    uint8_t count = zero_page[BP_E820_ENTRIES];
    uint8_t *entry = zero_page + BP_E820_TABLE + 20 * count;
    put64(entry, addr);
    put64(entry + 8, size);
    put32(entry + 16, type);
    zero_page[BP_E820_ENTRIES] = count + 1;
}

/* PML4 -> one PDPT -> 2 MiB pages identity-mapping the low 4 GiB (RAM and the MMIO hole). */
static bool build_page_tables(struct machine *m) {
    enum { PRESENT = 1, WRITABLE = 2, LARGE = 0x80 };
    static uint64_t tables[2 + IDENTITY_MAP_GIB][512];
    memset(tables, 0, sizeof(tables));
    tables[0][0] = GPA_PDPT | PRESENT | WRITABLE;
    for (unsigned gib = 0; gib < IDENTITY_MAP_GIB; gib++) {
        tables[1][gib] = (GPA_PD + gib * PAGE_SIZE) | PRESENT | WRITABLE;
        for (unsigned i = 0; i < 512; i++)
            tables[2 + gib][i] = ((uint64_t)gib << 30 | (uint64_t)i << 21) | PRESENT | WRITABLE | LARGE;
    }
    return guest_write(m, GPA_PML4, tables, sizeof(tables));
}

bool load_linux(struct machine *m, const char *kernel, const char *initrd, const char *cmdline) {
    static uint8_t zero_page[PAGE_SIZE];
    struct file_data image, ramdisk = {0};
    if (!read_file(kernel, "kernel", &image))
        return false;
    uint64_t kernel_end;
    bool ok;
    if (is_bzimage(&image))
        ok = load_bzimage(m, &image, zero_page, kernel, &kernel_end);
    else if (is_vmlinux(&image))
        ok = load_vmlinux(m, &image, zero_page, kernel, &kernel_end);
    else {
        fprintf(stderr, "zxvmm: %s is neither a bzImage (no \"HdrS\" boot header at 0x202) nor an "
                "ELF vmlinux\n", kernel);
        ok = false;
    }
    free(image.bytes);
    if (!ok)
        return false;

    zero_page[BP_TYPE_OF_LOADER] = TYPE_OF_LOADER_UNDEFINED;
    size_t cmdline_len = strlen(cmdline);
    uint32_t cmdline_limit = get32(zero_page + BP_CMDLINE_SIZE);
    if (cmdline_len >= CMDLINE_MAX || (cmdline_limit && cmdline_len > cmdline_limit)) {
        fprintf(stderr, "zxvmm: the command line is %zu bytes; this kernel takes at most %u\n",
                cmdline_len, cmdline_limit ? cmdline_limit : CMDLINE_MAX - 1);
        return false;
    }
    if (!guest_write(m, GPA_CMDLINE, cmdline, cmdline_len + 1))
        return false;
    put32(zero_page + BP_CMD_LINE_PTR, GPA_CMDLINE);

    if (initrd != NULL) {
        if (!read_file(initrd, "initramfs", &ramdisk))
            return false;
        /* As high as the kernel allows, page-aligned, above the kernel's decompression area. */
        uint64_t limit = (uint64_t)get32(zero_page + BP_INITRD_ADDR_MAX) + 1;
        if (limit > m->memory_size)
            limit = m->memory_size;
        uint64_t addr = (limit - ramdisk.size) & ~(PAGE_SIZE - 1);
        if (ramdisk.size > limit || addr < kernel_end) {
            fprintf(stderr, "zxvmm: the initramfs %s (%zu MiB) does not fit above the kernel in "
                    "%llu MiB of memory; give --memory more\n", initrd, (size_t)(ramdisk.size / MIB + 1),
                    (unsigned long long)(m->memory_size / MIB));
            free(ramdisk.bytes);
            return false;
        }
        ok = guest_write(m, addr, ramdisk.bytes, ramdisk.size);
        free(ramdisk.bytes);
        if (!ok)
            return false;
        put32(zero_page + BP_RAMDISK_IMAGE, addr);
        put32(zero_page + BP_RAMDISK_SIZE, ramdisk.size);
    }

    add_e820(zero_page, 0, GPA_LOW_RESERVED_END, E820_RESERVED);
    add_e820(zero_page, GPA_LOW_RESERVED_END, GPA_LOW_RAM_END - GPA_LOW_RESERVED_END, E820_RAM);
    add_e820(zero_page, GPA_LOW_RAM_END, GPA_HIGH_RAM - GPA_LOW_RAM_END, E820_RESERVED);
    add_e820(zero_page, GPA_HIGH_RAM, m->memory_size - GPA_HIGH_RAM, E820_RAM);
    add_e820(zero_page, GPA_IOAPIC, PAGE_SIZE, E820_RESERVED);
    put64(zero_page + BP_ACPI_RSDP_ADDR, acpi_build(m));
    return build_page_tables(m) && guest_write(m, GPA_ZERO_PAGE, zero_page, sizeof(zero_page));
}
