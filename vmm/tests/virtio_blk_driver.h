/* What a virtio-blk driver sets up first, for the device test and fuzzer, which include
 * vmm/virtio_blk.c for its static register paths before this: queue 0 of 16 entries at fixed
 * rings in fake_ram, MSI-X off, FEATURES_OK and DRIVER_OK. */
#ifndef ZXVMM_VIRTIO_BLK_DRIVER_H_
#define ZXVMM_VIRTIO_BLK_DRIVER_H_

#include "fake_machine.h"

#define DRIVER_QUEUE_SIZE 16u
#define DESC_GPA 0x1000u
#define AVAIL_GPA 0x2000u
#define USED_GPA 0x3000u

static void driver_start(void) {
    reset();
    common_write(&fake_machine, 0x16, 2, 0);                 /* queue_select 0 */
    common_write(&fake_machine, 0x18, 2, DRIVER_QUEUE_SIZE); /* queue_size */
    common_write(&fake_machine, 0x20, 4, DESC_GPA);
    common_write(&fake_machine, 0x28, 4, AVAIL_GPA);
    common_write(&fake_machine, 0x30, 4, USED_GPA);
    common_write(&fake_machine, 0x1c, 2, 1);                 /* queue_enable */
    blk.driver_features = FEATURE_VERSION_1;
    common_write(&fake_machine, 0x14, 1, STATUS_FEATURES_OK | STATUS_DRIVER_OK);
}

#endif
