/* The handle table: slots with generation counts, in chunks that are allocated as the table
 * grows and never move, so a lookup is O(1) at any size and needs no global lock. A handle
 * value encodes slot index and generation, scrambled with a per-process secret, so values are
 * hard to guess; a closed value is not reused at once (a freed slot is recycled only once
 * REUSE_DELAY others are free, FIFO, and its generation changes). Valid values always have
 * the low two bits set.
 *
 * Locking: table_lock guards the free list and growth; each slot has its own spin lock
 * guarding obj, rights and gen, so lookups of different handles never contend. */
#include <sched.h>
#include <stdlib.h>
#include <sys/random.h>

#include "zxr.h"

#define SLOT_BITS 21 /* up to 2M live handles; the 9 bits left are the generation */
#define SLOT_LIMIT (1u << SLOT_BITS)
#define GEN_MASK ((1u << (30 - SLOT_BITS)) - 1)
#define CHUNK_BITS 12
#define CHUNK_SLOTS (1u << CHUNK_BITS)
#define CHUNK_COUNT (SLOT_LIMIT / CHUNK_SLOTS)
#define REUSE_DELAY 4096u
#define NO_SLOT UINT32_MAX

struct slot {
    atomic_uint lock;
    uint32_t gen;
    struct zxr_object *obj; /* NULL when free */
    zx_rights_t rights;
    uint32_t next_free;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *_Atomic chunks[CHUNK_COUNT];
static uint32_t used_slots;                  /* slots ever handed out; all below are in chunks */
static uint32_t free_head = NO_SLOT, free_tail = NO_SLOT, free_count; /* FIFO of freed slots */
static uint32_t secret;

__attribute__((constructor)) static void table_init(void) {
    if (getrandom(&secret, sizeof(secret), 0) != sizeof(secret))
        secret = 0x5a17c0deu;
    secret &= ~ZX_HANDLE_FIXED_BITS_MASK;
}

/* The lookup is on every call's path: always inlined, and the wait for a contended slot lock
 * kept out of line so the uncontended path saves no registers. */
#define HOT static inline __attribute__((always_inline))

__attribute__((noinline, cold)) static void slot_lock_contended(struct slot *s) {
    do
        sched_yield();
    while (atomic_exchange_explicit(&s->lock, 1, memory_order_acquire) != 0);
}
HOT void slot_lock(struct slot *s) {
    if (atomic_exchange_explicit(&s->lock, 1, memory_order_acquire) != 0)
        slot_lock_contended(s);
}
HOT void slot_unlock(struct slot *s) { atomic_store_explicit(&s->lock, 0, memory_order_release); }

static zx_handle_t encode(uint32_t index, uint32_t gen) {
    return ((((gen & GEN_MASK) << SLOT_BITS | index) << 2) | ZX_HANDLE_FIXED_BITS_MASK) ^ secret;
}

/* The slot with this index, or NULL if no chunk holds it yet. */
HOT struct slot *slot_at(uint32_t index) {
    struct slot *chunk = atomic_load_explicit(&chunks[index >> CHUNK_BITS], memory_order_acquire);
    return chunk != NULL ? &chunk[index & (CHUNK_SLOTS - 1)] : NULL;
}

/* Returns the slot a value names, locked, or NULL. */
HOT struct slot *lookup_lock(zx_handle_t value, uint32_t *index) {
    uint32_t raw = value ^ secret;
    if ((raw & ZX_HANDLE_FIXED_BITS_MASK) != ZX_HANDLE_FIXED_BITS_MASK)
        return NULL;
    raw >>= 2;
    *index = raw & (SLOT_LIMIT - 1);
    struct slot *s = slot_at(*index);
    if (s == NULL)
        return NULL;
    slot_lock(s);
    if (s->obj == NULL || s->gen != (raw >> SLOT_BITS)) {
        slot_unlock(s);
        return NULL;
    }
    return s;
}

/* Takes a slot: a freed one once enough are waiting, else a fresh one. Call with table_lock. */
static uint32_t take_slot_locked(void) {
    if (free_count > 0 && (free_count >= REUSE_DELAY || used_slots == SLOT_LIMIT)) {
        uint32_t index = free_head;
        free_head = slot_at(index)->next_free;
        if (free_head == NO_SLOT)
            free_tail = NO_SLOT;
        free_count--;
        return index;
    }
    if (used_slots == SLOT_LIMIT)
        return NO_SLOT;
    uint32_t chunk = used_slots >> CHUNK_BITS;
    if (atomic_load_explicit(&chunks[chunk], memory_order_relaxed) == NULL) {
        /* Chunks are never freed: lookups may read them without the table lock. */
        struct slot *slots = calloc(CHUNK_SLOTS, sizeof(*slots));
        if (slots == NULL)
            return NO_SLOT;
        for (uint32_t i = 0; i < CHUNK_SLOTS; i++)
            slots[i].gen = (secret >> (7 + i % 5)) & GEN_MASK;
        atomic_store_explicit(&chunks[chunk], slots, memory_order_release);
    }
    return used_slots++;
}

static zx_status_t add(struct zxr_object *obj, zx_rights_t rights, zx_handle_t *value) {
    if (zxr_alloc_should_fail())
        return ZX_ERR_NO_MEMORY;
    pthread_mutex_lock(&table_lock);
    uint32_t index = take_slot_locked();
    pthread_mutex_unlock(&table_lock);
    if (index == NO_SLOT)
        return ZX_ERR_NO_MEMORY;
    struct slot *s = slot_at(index);
    zxr_object_ref(obj);
    atomic_fetch_add(&obj->handles, 1);
    slot_lock(s);
    s->obj = obj;
    s->rights = rights;
    *value = encode(index, s->gen);
    slot_unlock(s);
    return ZX_OK;
}

/* Empties a locked slot, unlocks it, queues it as free and returns its object; the caller
 * drops the handle. */
static struct zxr_object *remove_unlock(struct slot *s, uint32_t index) {
    struct zxr_object *obj = s->obj;
    s->obj = NULL;
    s->gen = (s->gen + 1) & GEN_MASK;
    s->next_free = NO_SLOT;
    slot_unlock(s);
    pthread_mutex_lock(&table_lock);
    if (free_tail == NO_SLOT)
        free_head = index;
    else
        slot_at(free_tail)->next_free = index;
    free_tail = index;
    free_count++;
    pthread_mutex_unlock(&table_lock);
    return obj;
}

static void drop_handle(struct zxr_object *obj) {
    if (atomic_fetch_sub(&obj->handles, 1) == 1 && obj->ops->on_zero_handles != NULL)
        obj->ops->on_zero_handles(obj);
    zxr_object_unref(obj);
}

/* Closes value; false if it names no handle. */
static bool close_value(zx_handle_t value) {
    uint32_t index;
    struct slot *s = lookup_lock(value, &index);
    if (s == NULL)
        return false;
    drop_handle(remove_unlock(s, index));
    return true;
}

zx_status_t zxr_handle_create_out(struct zxr_object *obj, zx_rights_t rights, zx_handle_t *out) {
    zx_handle_t value;
    zx_status_t status = add(obj, rights, &value);
    if (status != ZX_OK)
        return status;
    if (!zxr_copy_to_user(out, &value, sizeof(value))) {
        close_value(value);
        return ZX_ERR_INVALID_ARGS;
    }
    return ZX_OK;
}

zx_status_t zxr_handle_get(zx_handle_t handle, zx_obj_type_t type, zx_rights_t rights,
                           struct zxr_object **obj, zx_rights_t *handle_rights) {
    uint32_t index;
    struct slot *s = lookup_lock(handle, &index);
    if (s == NULL)
        return ZX_ERR_BAD_HANDLE;
    zx_status_t status = ZX_OK;
    if (type != ZX_OBJ_TYPE_NONE && s->obj->ops->type != type)
        status = ZX_ERR_WRONG_TYPE;
    else if ((s->rights & rights) != rights)
        status = ZX_ERR_ACCESS_DENIED;
    if (status == ZX_OK) {
        zxr_object_ref(s->obj);
        *obj = s->obj;
        if (handle_rights != NULL)
            *handle_rights = s->rights;
    }
    slot_unlock(s);
    return status;
}

zx_status_t zx_handle_close(zx_handle_t handle) {
    if (handle == ZX_HANDLE_INVALID)
        return ZX_OK;
    return close_value(handle) ? ZX_OK : ZX_ERR_BAD_HANDLE;
}

/* The rights a new handle gets, or INVALID_ARGS when more than the source has are asked. */
static zx_status_t derived_rights(zx_rights_t source, zx_rights_t asked, zx_rights_t *rights) {
    if (asked == ZX_RIGHT_SAME_RIGHTS) {
        *rights = source;
        return ZX_OK;
    }
    if ((source & asked) != asked)
        return ZX_ERR_INVALID_ARGS;
    *rights = asked;
    return ZX_OK;
}

zx_status_t zx_handle_duplicate(zx_handle_t handle, zx_rights_t rights, zx_handle_t *out) {
    struct zxr_object *obj;
    zx_rights_t source;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_NONE, &obj, &source);
    if (status != ZX_OK)
        return status;
    zx_rights_t new_rights;
    if (!(source & ZX_RIGHT_DUPLICATE))
        status = ZX_ERR_ACCESS_DENIED;
    else
        status = derived_rights(source, rights, &new_rights);
    if (status == ZX_OK)
        status = zxr_handle_create_out(obj, new_rights, out);
    zxr_object_unref(obj);
    return status;
}

zx_status_t zx_handle_replace(zx_handle_t handle, zx_rights_t rights, zx_handle_t *out) {
    /* Checked first so that a bad out pointer leaves the original handle intact. */
    bool out_ok = zxr_user_writable(out, sizeof(*out));
    uint32_t index;
    struct slot *s = lookup_lock(handle, &index);
    if (s == NULL)
        return ZX_ERR_BAD_HANDLE;
    zx_rights_t new_rights = 0;
    zx_status_t status = derived_rights(s->rights, rights, &new_rights);
    if (status == ZX_OK && !out_ok)
        status = ZX_ERR_INVALID_ARGS;
    if (status != ZX_OK) {
        slot_unlock(s);
        return status;
    }
    /* The new handle is added while the old slot stays locked, so the object never has zero
     * handles in between and a concurrent close of the old value waits. */
    zx_handle_t value = ZX_HANDLE_INVALID;
    status = add(s->obj, new_rights, &value);
    if (status != ZX_OK) {
        slot_unlock(s);
        return status;
    }
    drop_handle(remove_unlock(s, index));
    if (status == ZX_OK && !zxr_copy_to_user(out, &value, sizeof(value))) {
        close_value(value);
        status = ZX_ERR_INVALID_ARGS;
    }
    return status;
}
