/* Runs one row of the conformance table: build the call's baseline, apply the row's fault to
 * argument `arg`, call the implementation, and compare the status with the row's expected list. */
#include <stdio.h>
#include <string.h>

#include <zircon/syscalls/resource.h>

#include "baselines.h"
#include "table_runner.h"

/* "ZX_ERR_A" or "one of ZX_ERR_A, ZX_ERR_B". */
static void describe_expected(const struct zxc_row *row, char *out, size_t size) {
    size_t used = (size_t)snprintf(out, size, "%s", row->n_expected > 1 ? "one of " : "");
    for (int i = 0; i < row->n_expected && used < size; i++) {
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "",
                                 zxc_status_name(row->expected[i]));
    }
}

static bool status_expected(const struct zxc_row *row, zx_status_t status) {
    for (int i = 0; i < row->n_expected; i++) {
        if (row->expected[i] == status) return true;
    }
    return false;
}

static const char *arg_name(const struct zxc_row *row) {
    return row->arg >= 0 ? row->call->arg_names[row->arg] : "(none)";
}

static void check_status(const struct zxc_row *row, const char *fault, zx_status_t status) {
    if (status_expected(row, status)) return;
    char expected[256];
    describe_expected(row, expected, sizeof expected);
    zxc_fail(row->clause_id, "%s: %s(%s %s): expected %s, got %s", row->clause_text,
             row->call->name, arg_name(row), fault, expected, zxc_status_name(status));
}

static zx_status_t invoke(const struct zxc_row *row, void *fn, const uint64_t *args) {
    zxc_child_note_call(row->call->name);
    return row->call->invoke(fn, args);
}

/* Each replacement is checked on its own copy of the baseline's arguments. */
static void call_with(const struct zxc_row *row, void *fn, const struct zxc_baseline *b,
                      uint64_t value, const char *fault) {
    uint64_t args[8];
    memcpy(args, b->args, sizeof args);
    args[row->arg] = value;
    check_status(row, fault, invoke(row, fn, args));
}

static bool is_handle(enum zxc_arg_kind kind) {
    return kind >= ZXC_ARG_RESOURCE && kind <= ZXC_ARG_PORT;
}

static void require_handle_arg(const struct zxc_row *row, const struct zxc_baseline *b) {
    if (!is_handle(b->kinds[row->arg]))
        zxc_fail(NULL, "harness gap: row %s faults argument %s, which is not a handle in the "
                 "baseline of %s", row->test_name, arg_name(row), row->call->name);
}

/* BAD_HANDLE: the value of a handle to an object of the same kind, closed just before the
 * call, so the value is well-formed but names no handle. */
static void fault_bad_handle(const struct zxc_row *row, void *fn, struct zxc_baseline *b) {
    require_handle_arg(row, b);
    zx_handle_t closed = zxc_baseline_new_object(b, b->kinds[row->arg]);
    zxc_close(closed);
    call_with(row, fn, b, closed, "= a closed handle");
}

/* WRONG_TYPE: an event (no hypervisor call takes one) and a closely related object. */
static void fault_wrong_type(const struct zxc_row *row, void *fn, struct zxc_baseline *b) {
    require_handle_arg(row, b);
    static const enum zxc_arg_kind related[] = {
        [ZXC_ARG_RESOURCE] = ZXC_ARG_VMO, [ZXC_ARG_VMO] = ZXC_ARG_PORT,
        [ZXC_ARG_GUEST] = ZXC_ARG_VCPU,   [ZXC_ARG_VCPU] = ZXC_ARG_GUEST,
        [ZXC_ARG_PORT] = ZXC_ARG_VMO,
    };
    enum zxc_arg_kind kind = b->kinds[row->arg];
    static const char *kind_names[] = {
        [ZXC_ARG_RESOURCE] = "= a resource", [ZXC_ARG_VMO] = "= a VMO",
        [ZXC_ARG_GUEST] = "= a guest",       [ZXC_ARG_VCPU] = "= a VCPU",
        [ZXC_ARG_PORT] = "= a port",
    };
    if (zxc_impl.zx_event_create != NULL)
        call_with(row, fn, b, zxc_unrelated_handle(), "= an event");
    call_with(row, fn, b, zxc_baseline_new_object(b, related[kind]), kind_names[related[kind]]);
}

static void fault_missing_rights(const struct zxc_row *row, void *fn, struct zxc_baseline *b) {
    require_handle_arg(row, b);
    zx_handle_t original = (zx_handle_t)b->args[row->arg];
    zx_rights_t rights = zxc_handle_info(original).rights;
    char fault[64];
    snprintf(fault, sizeof fault, "without rights %#x", row->rights);
    call_with(row, fn, b, zxc_duplicate(original, rights & ~row->rights), fault);
}

/* RESOURCE_KIND: a resource of every other kind the implementation makes. The root kind is left
 * out: a page that requires one kind says nothing of the resource that stands for all kinds. */
static void fault_resource_kind(const struct zxc_row *row, void *fn, struct zxc_baseline *b) {
    require_handle_arg(row, b);
    if (zxc_impl.zxconf_resource == NULL)
        zxc_not_testable("implementation makes no resource of another kind (zxconf_resource)");
    static const char *kind_names[ZX_RSRC_KIND_COUNT] = {
        [ZX_RSRC_KIND_MMIO] = "MMIO", [ZX_RSRC_KIND_IRQ] = "IRQ",
        [ZX_RSRC_KIND_IOPORT] = "IOPORT", [ZX_RSRC_KIND_HYPERVISOR] = "HYPERVISOR",
        [ZX_RSRC_KIND_ROOT] = "ROOT", [ZX_RSRC_KIND_VMEX] = "VMEX", [ZX_RSRC_KIND_SMC] = "SMC",
    };
    int tried = 0;
    for (uint32_t kind = 0; kind < ZX_RSRC_KIND_COUNT; kind++) {
        if (kind == row->value || kind == ZX_RSRC_KIND_ROOT) continue;
        zx_handle_t resource;
        zx_status_t status = ZX(zxconf_resource)(kind, &resource);
        if (status == ZX_ERR_NOT_SUPPORTED) continue;
        if (status != ZX_OK)
            zxc_fail(NULL, "zxconf_resource(ZX_RSRC_KIND_%s): expected ZX_OK or "
                     "ZX_ERR_NOT_SUPPORTED, got %s", kind_names[kind], zxc_status_name(status));
        char fault[64];
        snprintf(fault, sizeof fault, "= a resource of kind ZX_RSRC_KIND_%s", kind_names[kind]);
        call_with(row, fn, b, resource, fault);
        zxc_close(resource);
        tried++;
    }
    if (tried == 0)
        zxc_not_testable("zxconf_resource makes no resource of a kind other than the one required");
}

/* Does the baseline's call write a new handle (into b->out_handle)? */
static int out_handle_arg(const struct zxc_baseline *b, const struct zxc_row *row) {
    for (int i = 0; i < row->call->n_args; i++) {
        if (b->kinds[i] == ZXC_ARG_OUT_POINTER && b->args[i] == (uintptr_t)&b->out_handle)
            return i;
    }
    return -1;
}

static bool names_a_handle(zx_handle_t handle) {
    zx_info_handle_basic_t info;
    return handle != ZX_HANDLE_INVALID &&
           ZX(zx_object_get_info)(handle, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) ==
               ZX_OK;
}

/* "Failure due to lack of memory" says what NO_MEMORY means when it comes, not that it must
 * come: with the next 1, 2 and 3 allocations failing, each call (on a fresh baseline) either
 * succeeds with its effect or returns NO_MEMORY without one. The effect the table can see is the
 * handle a call creates: written and valid after ZX_OK, none after NO_MEMORY. */
static void fault_no_memory(const struct zxc_row *row, void *fn, struct zxc_baseline *b) {
    if (zxc_impl.zxconf_fail_allocations == NULL)
        zxc_not_testable("implementation has no fault injection (zxconf_fail_allocations)");
    int no_memory_returned = 0;
    for (uint32_t count = 1; count <= 3; count++) {
        zxc_baseline_build(row->call->name, b);
        b->out_handle = ZX_HANDLE_INVALID;
        int out = out_handle_arg(b, row);
        ZX(zxconf_fail_allocations)(count);
        zx_status_t status = invoke(row, fn, b->args);
        ZX(zxconf_fail_allocations)(0);
        char fault[64];
        snprintf(fault, sizeof fault, "with the next %u allocation%s failing", count,
                 count > 1 ? "s" : "");
        if (status != ZX_OK && status != ZX_ERR_NO_MEMORY)
            zxc_fail(row->clause_id, "%s: %s(%s): expected ZX_OK (the call needed no memory "
                     "that failed) or ZX_ERR_NO_MEMORY, got %s", row->clause_text,
                     row->call->name, fault, zxc_status_name(status));
        if (status == ZX_ERR_NO_MEMORY) {
            no_memory_returned++;
            if (out >= 0 && names_a_handle(b->out_handle))
                zxc_fail(row->clause_id, "%s: %s(%s) returned ZX_ERR_NO_MEMORY but wrote a valid "
                         "handle (%#x) to %s: a failed call must create nothing",
                         row->clause_text, row->call->name, fault, b->out_handle,
                         row->call->arg_names[out]);
        } else if (out >= 0 && !names_a_handle(b->out_handle)) {
            zxc_fail(row->clause_id, "%s: %s(%s) returned ZX_OK but %s holds no valid handle "
                     "(%#x): a call that succeeds has its full effect", row->clause_text,
                     row->call->name, fault, row->call->arg_names[out], b->out_handle);
        }
    }
    /* The failure is temporary: once allocations work the same call succeeds. */
    zxc_baseline_build(row->call->name, b);
    zxc_expect_status(row->clause_id, "the same call after allocations recover", ZX_OK,
                      invoke(row, fn, b->args));
    if (no_memory_returned == 0)
        zxc_note("%s never returned ZX_ERR_NO_MEMORY with 1 to 3 allocations failing (it "
                 "succeeded each time, which the page allows): its NO_MEMORY path was not "
                 "exercised", row->call->name);
}

static void fault_default_rights(const struct zxc_row *row, void *fn, struct zxc_baseline *b) {
    zxc_expect_status(row->clause_id, "the baseline call", ZX_OK, invoke(row, fn, b->args));
    zx_handle_t created = *(const zx_handle_t *)(uintptr_t)b->args[row->arg];
    zx_rights_t rights = zxc_handle_info(created).rights;
    if ((rights & row->rights) != row->rights) {
        zxc_fail(row->clause_id, "%s: rights of the handle written to %s: expected %#x "
                 "included, got %#x (missing %#x)", row->clause_text, arg_name(row),
                 row->rights, rights, row->rights & ~rights);
    }
}

void zxc_run_row(const struct zxc_row *row) {
    /* A gap in the harness shows whatever the implementation exports. */
    if (!zxc_baseline_exists(row->call->name))
        zxc_fail(NULL, "harness gap: no baseline for %s (row %s, clause %s)", row->call->name,
                 row->test_name, row->clause_id);
    void *fn = zxc_impl_symbol(row->call->name);
    if (fn == NULL) zxc_not_implemented(row->call->name);
    struct zxc_baseline b;
    zxc_baseline_build(row->call->name, &b);
    char fault[64];
    switch (row->fault) {
    case ZXC_FAULT_NONE:
        check_status(row, "baseline", invoke(row, fn, b.args));
        return;
    case ZXC_FAULT_BAD_HANDLE:
        fault_bad_handle(row, fn, &b);
        return;
    case ZXC_FAULT_WRONG_TYPE:
        fault_wrong_type(row, fn, &b);
        return;
    case ZXC_FAULT_MISSING_RIGHTS:
        fault_missing_rights(row, fn, &b);
        return;
    case ZXC_FAULT_NULL_POINTER:
        call_with(row, fn, &b, 0, "= NULL");
        return;
    case ZXC_FAULT_UNMAPPED_POINTER:
        call_with(row, fn, &b, (uintptr_t)zxc_unmapped_page(), "= an unmapped address");
        return;
    case ZXC_FAULT_READONLY_POINTER:
        call_with(row, fn, &b, (uintptr_t)zxc_readonly_page(), "= a read-only page");
        return;
    case ZXC_FAULT_VALUE:
        snprintf(fault, sizeof fault, "= %#llx", (unsigned long long)row->value);
        call_with(row, fn, &b, row->value, fault);
        return;
    case ZXC_FAULT_OFFSET: {
        uint64_t value = b.args[row->arg] + row->value;
        snprintf(fault, sizeof fault, "= %#llx (the valid %#llx %+lld)", (unsigned long long)value,
                 (unsigned long long)b.args[row->arg], (long long)row->value);
        call_with(row, fn, &b, value, fault);
        return;
    }
    case ZXC_FAULT_RESOURCE_KIND:
        fault_resource_kind(row, fn, &b);
        return;
    case ZXC_FAULT_WRAP: {
        uint64_t other = b.args[row->other_arg];
        if (other == 0)
            zxc_fail(NULL, "harness gap: row %s needs a nonzero %s in the baseline of %s",
                     row->test_name, row->call->arg_names[row->other_arg], row->call->name);
        char values[256];
        snprintf(values, sizeof values, "= %#llx (%s)", (unsigned long long)(0 - other),
                 row->value_text);
        call_with(row, fn, &b, 0 - other, values);
        return;
    }
    case ZXC_FAULT_KIND_OFFSET: {
        b.args[row->other_arg] = row->other_value; /* this row's baseline: the other value */
        char values[256];
        snprintf(values, sizeof values, "= %#llx (%s)", (unsigned long long)row->value,
                 row->value_text);
        call_with(row, fn, &b, row->value, values);
        return;
    }
    case ZXC_FAULT_NO_MEMORY:
        fault_no_memory(row, fn, &b);
        return;
    case ZXC_FAULT_DEFAULT_RIGHTS:
        fault_default_rights(row, fn, &b);
        return;
    }
    zxc_fail(NULL, "harness gap: row %s has unknown fault %d", row->test_name, (int)row->fault);
}
