/* The handle table: a fixed array of slots with generation counts. A handle value encodes
 * slot and generation, scrambled with a per-process secret, so values are hard to guess, a
 * closed value is not reused at once (free slots are recycled FIFO and the generation
 * changes), and lookup is O(1). Valid values always have the low two bits set. */
#include <sys/random.h>

#include "zxr.h"

#define SLOT_BITS 14
#define SLOT_COUNT (1u << SLOT_BITS)
#define GEN_MASK 0xFFFFu

struct slot {
    struct zxr_object *obj; /* NULL when free */
    zx_rights_t rights;
    uint32_t gen;
    uint32_t next_free;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static struct slot slots[SLOT_COUNT];
static uint32_t free_head, free_tail; /* FIFO of free slots; SLOT_COUNT ends it */
static uint32_t secret;

static void table_init(void) {
    if (getrandom(&secret, sizeof(secret), 0) != sizeof(secret))
        secret = 0x5a17c0deu;
    secret &= ~ZX_HANDLE_FIXED_BITS_MASK;
    for (uint32_t i = 0; i < SLOT_COUNT; i++) {
        slots[i].next_free = i + 1;
        slots[i].gen = (secret >> 7) & GEN_MASK;
    }
    free_head = 0;
    free_tail = SLOT_COUNT - 1;
}

static zx_handle_t encode(uint32_t index, uint32_t gen) {
    return ((((gen & GEN_MASK) << SLOT_BITS | index) << 2) | ZX_HANDLE_FIXED_BITS_MASK) ^ secret;
}

/* Returns the slot a value names, or NULL. Call with table_lock held. */
static struct slot *lookup_locked(zx_handle_t value) {
    uint32_t raw = value ^ secret;
    if ((raw & ZX_HANDLE_FIXED_BITS_MASK) != ZX_HANDLE_FIXED_BITS_MASK)
        return NULL;
    raw >>= 2;
    struct slot *s = &slots[raw & (SLOT_COUNT - 1)];
    if (s->obj == NULL || s->gen != (raw >> SLOT_BITS))
        return NULL;
    return s;
}

static zx_status_t add_locked(struct zxr_object *obj, zx_rights_t rights, zx_handle_t *value) {
    if (free_head == SLOT_COUNT || zxr_alloc_should_fail())
        return ZX_ERR_NO_MEMORY;
    uint32_t index = free_head;
    struct slot *s = &slots[index];
    free_head = s->next_free;
    if (free_head == SLOT_COUNT)
        free_tail = SLOT_COUNT;
    s->obj = obj;
    s->rights = rights;
    zxr_object_ref(obj);
    atomic_fetch_add(&obj->handles, 1);
    *value = encode(index, s->gen);
    return ZX_OK;
}

/* Frees the slot and returns its object; the caller drops the handle outside the lock. */
static struct zxr_object *remove_locked(struct slot *s) {
    struct zxr_object *obj = s->obj;
    uint32_t index = (uint32_t)(s - slots);
    s->obj = NULL;
    s->gen = (s->gen + 1) & GEN_MASK;
    s->next_free = SLOT_COUNT;
    if (free_tail == SLOT_COUNT)
        free_head = index;
    else
        slots[free_tail].next_free = index;
    free_tail = index;
    return obj;
}

static void drop_handle(struct zxr_object *obj) {
    if (atomic_fetch_sub(&obj->handles, 1) == 1 && obj->ops->on_zero_handles != NULL)
        obj->ops->on_zero_handles(obj);
    zxr_object_unref(obj);
}

static void close_value(zx_handle_t value) {
    pthread_mutex_lock(&table_lock);
    struct slot *s = lookup_locked(value);
    struct zxr_object *obj = s != NULL ? remove_locked(s) : NULL;
    pthread_mutex_unlock(&table_lock);
    if (obj != NULL)
        drop_handle(obj);
}

zx_status_t zxr_handle_create_out(struct zxr_object *obj, zx_rights_t rights, zx_handle_t *out) {
    pthread_once(&table_once, table_init);
    zx_handle_t value;
    pthread_mutex_lock(&table_lock);
    zx_status_t status = add_locked(obj, rights, &value);
    pthread_mutex_unlock(&table_lock);
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
    pthread_once(&table_once, table_init);
    pthread_mutex_lock(&table_lock);
    struct slot *s = lookup_locked(handle);
    zx_status_t status = ZX_OK;
    if (s == NULL)
        status = ZX_ERR_BAD_HANDLE;
    else if (type != ZX_OBJ_TYPE_NONE && s->obj->ops->type != type)
        status = ZX_ERR_WRONG_TYPE;
    else if ((s->rights & rights) != rights)
        status = ZX_ERR_ACCESS_DENIED;
    if (status == ZX_OK) {
        zxr_object_ref(s->obj);
        *obj = s->obj;
        if (handle_rights != NULL)
            *handle_rights = s->rights;
    }
    pthread_mutex_unlock(&table_lock);
    return status;
}

zx_status_t zx_handle_close(zx_handle_t handle) {
    if (handle == ZX_HANDLE_INVALID)
        return ZX_OK;
    pthread_once(&table_once, table_init);
    pthread_mutex_lock(&table_lock);
    struct slot *s = lookup_locked(handle);
    struct zxr_object *obj = s != NULL ? remove_locked(s) : NULL;
    pthread_mutex_unlock(&table_lock);
    if (obj == NULL)
        return ZX_ERR_BAD_HANDLE;
    drop_handle(obj);
    return ZX_OK;
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
    pthread_once(&table_once, table_init);
    /* Checked first so that a bad out pointer leaves the original handle intact. */
    bool out_ok = zxr_user_writable(out, sizeof(*out));
    pthread_mutex_lock(&table_lock);
    struct slot *s = lookup_locked(handle);
    zx_status_t status = s != NULL ? ZX_OK : ZX_ERR_BAD_HANDLE;
    zx_rights_t new_rights = 0;
    if (status == ZX_OK)
        status = derived_rights(s->rights, rights, &new_rights);
    if (status == ZX_OK && !out_ok)
        status = ZX_ERR_INVALID_ARGS;
    zx_handle_t value = ZX_HANDLE_INVALID;
    struct zxr_object *old = NULL;
    if (status == ZX_OK) {
        status = add_locked(s->obj, new_rights, &value);
        if (status == ZX_OK)
            old = remove_locked(s);
    }
    pthread_mutex_unlock(&table_lock);
    if (old != NULL)
        drop_handle(old);
    if (status == ZX_OK && !zxr_copy_to_user(out, &value, sizeof(value))) {
        close_value(value);
        status = ZX_ERR_INVALID_ARGS;
    }
    return status;
}
