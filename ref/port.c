/* Ports: a FIFO of packets. User packets are allocated per queue call; BELL packets come
 * from their trap's pre-allocated pool, so a trap firing never fails for memory. */
#include <time.h>

#include "zxr.h"

/* Zircon's limit on queued user packets; more gives ZX_ERR_SHOULD_WAIT. */
#define MAX_USER_PACKETS 16384u

struct zxr_packet_node {
    struct zxr_packet_node *next;
    struct zxr_packet_pool *pool; /* NULL for a user packet */
    zx_port_packet_t packet;
};

struct zxr_packet_pool {
    struct zxr_packet_node *free; /* guarded by the lock of the trap's port */
    struct zxr_packet_node nodes[ZXR_PACKETS_PER_TRAP];
};

struct zxr_port {
    struct zxr_object base;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a packet was queued or a pool packet came back */
    struct zxr_packet_node *head, *tail;
    uint32_t user_packets;
    bool closed; /* no handles left: nothing can be queued any more */
};

struct zxr_packet_pool *zxr_packet_pool_create(void) {
    struct zxr_packet_pool *pool = zxr_alloc(sizeof(*pool));
    if (pool == NULL)
        return NULL;
    for (size_t i = 0; i < ZXR_PACKETS_PER_TRAP; i++) {
        pool->nodes[i].pool = pool;
        pool->nodes[i].next = i + 1 < ZXR_PACKETS_PER_TRAP ? &pool->nodes[i + 1] : NULL;
    }
    pool->free = &pool->nodes[0];
    return pool;
}

void zxr_packet_pool_destroy(struct zxr_packet_pool *pool) { zxr_free(pool); }

/* Gives a dequeued or cancelled node back. Call with the port lock held. */
static void release_node_locked(struct zxr_port *port, struct zxr_packet_node *node) {
    if (node->pool != NULL) {
        node->next = node->pool->free;
        node->pool->free = node;
        pthread_cond_broadcast(&port->changed);
    } else {
        port->user_packets--;
        zxr_free(node);
    }
}

static void append_locked(struct zxr_port *port, struct zxr_packet_node *node) {
    node->next = NULL;
    if (port->tail != NULL)
        port->tail->next = node;
    else
        port->head = node;
    port->tail = node;
    pthread_cond_broadcast(&port->changed);
}

static void drain_locked(struct zxr_port *port) {
    while (port->head != NULL) {
        struct zxr_packet_node *node = port->head;
        port->head = node->next;
        release_node_locked(port, node);
    }
    port->tail = NULL;
}

static void port_on_zero_handles(struct zxr_object *obj) {
    struct zxr_port *port = (struct zxr_port *)obj;
    pthread_mutex_lock(&port->lock);
    port->closed = true;
    drain_locked(port);
    pthread_mutex_unlock(&port->lock);
}

static void port_destroy(struct zxr_object *obj) {
    struct zxr_port *port = (struct zxr_port *)obj;
    drain_locked(port);
    pthread_cond_destroy(&port->changed);
    pthread_mutex_destroy(&port->lock);
    zxr_free(port);
}

static const struct zxr_object_ops port_ops = {
    .type = ZX_OBJ_TYPE_PORT,
    .on_zero_handles = port_on_zero_handles,
    .destroy = port_destroy,
};

zx_status_t zx_port_create(uint32_t options, zx_handle_t *out) {
    if (options != 0 && options != ZX_PORT_BIND_TO_INTERRUPT)
        return ZX_ERR_INVALID_ARGS;
    struct zxr_port *port = zxr_alloc(sizeof(*port));
    if (port == NULL)
        return ZX_ERR_NO_MEMORY;
    zxr_object_init(&port->base, &port_ops);
    pthread_mutex_init(&port->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&port->changed, &attr);
    pthread_condattr_destroy(&attr);
    zx_status_t status = zxr_handle_create_out(&port->base, ZX_DEFAULT_PORT_RIGHTS, out);
    zxr_object_unref(&port->base);
    return status;
}

zx_status_t zx_port_queue(zx_handle_t handle, const zx_port_packet_t *packet) {
    struct zxr_object *obj;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_PORT, ZX_RIGHT_WRITE, &obj, NULL);
    if (status != ZX_OK)
        return status;
    struct zxr_port *port = (struct zxr_port *)obj;
    zx_port_packet_t copy;
    struct zxr_packet_node *node = NULL;
    if (!zxr_copy_from_user(&copy, packet, sizeof(copy))) {
        status = ZX_ERR_INVALID_ARGS;
    } else if ((node = zxr_alloc(sizeof(*node))) == NULL) {
        status = ZX_ERR_NO_MEMORY;
    } else {
        node->packet = copy;
        node->packet.type = ZX_PKT_TYPE_USER;
        pthread_mutex_lock(&port->lock);
        if (port->user_packets >= MAX_USER_PACKETS) {
            status = ZX_ERR_SHOULD_WAIT;
        } else {
            port->user_packets++;
            append_locked(port, node);
            node = NULL;
        }
        pthread_mutex_unlock(&port->lock);
    }
    zxr_free(node);
    zxr_object_unref(obj);
    return status;
}

static zx_time_t monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (zx_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

zx_status_t zx_port_wait(zx_handle_t handle, zx_time_t deadline, zx_port_packet_t *packet) {
    struct zxr_object *obj;
    zx_status_t status = zxr_handle_get(handle, ZX_OBJ_TYPE_PORT, ZX_RIGHT_READ, &obj, NULL);
    if (status != ZX_OK)
        return status;
    struct zxr_port *port = (struct zxr_port *)obj;
    /* Checked before dequeuing so that a bad pointer does not lose a packet. */
    if (!zxr_user_writable(packet, sizeof(*packet))) {
        zxr_object_unref(obj);
        return ZX_ERR_INVALID_ARGS;
    }
    struct timespec until = {
        .tv_sec = deadline / 1000000000,
        .tv_nsec = deadline % 1000000000,
    };
    zx_port_packet_t result;
    pthread_mutex_lock(&port->lock);
    while (port->head == NULL && status == ZX_OK) {
        if (deadline == ZX_TIME_INFINITE)
            pthread_cond_wait(&port->changed, &port->lock);
        else if (deadline <= monotonic_now())
            status = ZX_ERR_TIMED_OUT;
        else
            pthread_cond_timedwait(&port->changed, &port->lock, &until);
    }
    if (status == ZX_OK) {
        struct zxr_packet_node *node = port->head;
        port->head = node->next;
        if (port->head == NULL)
            port->tail = NULL;
        result = node->packet;
        release_node_locked(port, node);
    }
    pthread_mutex_unlock(&port->lock);
    zxr_object_unref(obj);
    if (status == ZX_OK && !zxr_copy_to_user(packet, &result, sizeof(result)))
        status = ZX_ERR_INVALID_ARGS;
    return status;
}

zx_status_t zxr_port_queue_from_pool(struct zxr_port *port, struct zxr_packet_pool *pool,
                                     const zx_port_packet_t *packet) {
    pthread_mutex_lock(&port->lock);
    while (!port->closed && pool->free == NULL)
        pthread_cond_wait(&port->changed, &port->lock);
    zx_status_t status = ZX_ERR_BAD_STATE;
    if (!port->closed) {
        struct zxr_packet_node *node = pool->free;
        pool->free = node->next;
        node->packet = *packet;
        append_locked(port, node);
        status = ZX_OK;
    }
    pthread_mutex_unlock(&port->lock);
    return status;
}

void zxr_port_cancel_pool(struct zxr_port *port, struct zxr_packet_pool *pool) {
    pthread_mutex_lock(&port->lock);
    struct zxr_packet_node **link = &port->head;
    port->tail = NULL;
    while (*link != NULL) {
        struct zxr_packet_node *node = *link;
        if (node->pool == pool) {
            *link = node->next;
            release_node_locked(port, node);
        } else {
            port->tail = node;
            link = &node->next;
        }
    }
    pthread_mutex_unlock(&port->lock);
}
