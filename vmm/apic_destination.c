/* How an IO APIC entry or an MSI message names its VCPUs (both come from the guest). */
#include "machine.h"

uint64_t vcpu_destination_mask(bool logical, uint32_t destination) {
    if (logical)
        return destination; /* flat: a bit per CPU */
    return destination < 64 ? 1ull << destination : 0; /* one APIC id; none a mask cannot hold */
}
