/* results/<implementation>.json: run information and one record per test. Everything but the
 * date and the durations is a function of the implementation and the harness, so two runs can
 * be compared with a plain diff after dropping those fields. */
#include <stdio.h>
#include <string.h>

#include "results_json.h"

void zxc_json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_field(FILE *out, const char *indent, const char *key, const char *value,
                       bool last) {
    fprintf(out, "%s\"%s\": ", indent, key);
    zxc_json_string(out, value);
    fputs(last ? "\n" : ",\n", out);
}

static const char *call_of(const struct zxc_test *t, char *buf, size_t size) {
    if (t->row != NULL) return t->row->call->name;
    if (t->n_clauses == 0) return "";
    snprintf(buf, size, "%.*s", (int)strcspn(t->clauses[0], "."), t->clauses[0]);
    return buf;
}

static void write_test(FILE *out, const struct zxc_test *t, bool last) {
    const char *in = "      ";
    char call[128];
    fputs("    {\n", out);
    json_field(out, in, "name", t->name, false);
    json_field(out, in, "kind", t->row ? "table" : "guest", false);
    json_field(out, in, "call", call_of(t, call, sizeof call), false);
    json_field(out, in, "clause_id", t->n_clauses ? t->clauses[0] : "", false);
    fprintf(out, "%s\"clauses\": [", in);
    for (int i = 0; i < t->n_clauses; i++) {
        if (i) fputs(", ", out);
        zxc_json_string(out, t->clauses[i]);
    }
    fputs("],\n", out);
    json_field(out, in, "status", zxc_result_name(t->result), false);
    json_field(out, in, "expected_status", t->expectation ? "fail" : "pass", false);
    json_field(out, in, "expected_reason", t->expectation ? t->expectation->reason : "", false);
    json_field(out, in, "outcome", zxc_outcome_name(t->outcome), false);
    json_field(out, in, "message", t->message, false);
    fprintf(out, "%s\"duration_s\": %.3f\n", in, t->duration_s);
    fputs(last ? "    }\n" : "    },\n", out);
}

bool zxc_results_write_json(const char *path, const struct zxc_run *run,
                            const struct zxc_test_list *list) {
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return false;
    }
    size_t counts[4] = {0};
    for (size_t i = 0; i < list->count; i++) counts[list->tests[i].outcome]++;
    const char *in = "    ";
    fputs("{\n  \"run\": {\n", out);
    json_field(out, in, "name", run->name, false);
    json_field(out, in, "path", run->impl_path, false);
    json_field(out, in, "sha256", run->info.sha256, false);
    json_field(out, in, "host_kernel", run->info.kernel, false);
    json_field(out, in, "cpu", run->info.cpu, false);
    json_field(out, in, "date", run->info.date, false);
    json_field(out, in, "expect_file", run->expect_path, false);
    fprintf(out, "%s\"filters\": [", in);
    for (int i = 0; i < run->n_filters; i++) {
        if (i) fputs(", ", out);
        zxc_json_string(out, run->filters[i]);
    }
    fputs("]\n  },\n  \"summary\": {\n", out);
    fprintf(out, "    \"total\": %zu,\n", list->count);
    for (int o = 0; o < 4; o++)
        fprintf(out, "    \"%s\": %zu%s\n", zxc_outcome_name((enum zxc_outcome)o), counts[o],
                o == 3 ? "" : ",");
    fputs("  },\n  \"tests\": [\n", out);
    for (size_t i = 0; i < list->count; i++) write_test(out, &list->tests[i], i + 1 == list->count);
    fputs("  ]\n}\n", out);
    return fclose(out) == 0;
}
