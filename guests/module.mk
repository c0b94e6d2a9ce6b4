# guests/: tiny x86-64 guests (GNU as, .S). Each becomes a flat image (objcopy -O binary) that is
# linked into the harness as zxc_guest_<name>_start/_end (see ZXC_IMAGE in harness/zxc.h).
GUESTS_SRCS   := $(wildcard guests/*.S)
GUESTS_NAMES  := $(notdir $(GUESTS_SRCS:.S=))
GUESTS_OBJS   := $(GUESTS_NAMES:%=$(BUILD)/guests/%.img.o)

$(BUILD)/guests/%.o: guests/%.S $(wildcard guests/*.inc) | $(BUILD)/guests
	$(CC) -c -Iguests -o $@ $<

# A guest runs wherever it is loaded, so its code must need no relocation.
$(BUILD)/guests/%.bin: $(BUILD)/guests/%.o
	@if [ -n "$$(readelf -rW $< | grep -v 'no relocations')" ]; then \
	    echo "guests: $< has relocations; guests must be position independent" >&2; exit 1; fi
	objcopy -O binary -j .text $< $@

$(BUILD)/guests/%.img.o: $(BUILD)/guests/%.bin
	printf '.section .rodata\n.globl zxc_guest_%s_start, zxc_guest_%s_end\nzxc_guest_%s_start:\n.incbin "%s"\nzxc_guest_%s_end:\n.section .note.GNU-stack,"",@progbits\n' \
	    $* $* $* $< $* | $(CC) -c -x assembler -o $@ -

$(BUILD)/guests:
	mkdir -p $@

.PRECIOUS: $(BUILD)/guests/%.o $(BUILD)/guests/%.bin
.PHONY: guests
guests: $(GUESTS_OBJS)
