/* The soak report of --repeat (see soak.h). */
#include <stdlib.h>
#include <string.h>

#include "soak.h"

void zxc_soak_init(struct zxc_soak *soak, const struct zxc_test_list *list) {
    *soak = (struct zxc_soak){.count = list->count};
    soak->tests = calloc(list->count ? list->count : 1, sizeof *soak->tests);
}

static void keep_message(struct zxc_soak_test *s, const char *message) {
    for (int i = 0; i < ZXC_SOAK_MESSAGES; i++) {
        if (s->messages[i] == NULL) {
            s->messages[i] = strdup(message);
            s->message_counts[i] = 1;
            return;
        }
        if (strcmp(s->messages[i], message) == 0) {
            s->message_counts[i]++;
            return;
        }
    }
    s->other_messages++;
}

int zxc_soak_add(struct zxc_soak *soak, const struct zxc_test_list *list) {
    int unexpected = 0;
    for (size_t i = 0; i < list->count; i++) {
        const struct zxc_test *t = &list->tests[i];
        if (t->outcome != ZXC_UNEXPECTED_FAILURE && t->outcome != ZXC_UNEXPECTED_PASS) continue;
        unexpected++;
        soak->tests[i].unexpected++;
        keep_message(&soak->tests[i], t->outcome == ZXC_UNEXPECTED_PASS
                                          ? "passed, but the expectations file says it fails"
                                          : t->message);
    }
    soak->runs++;
    soak->unclean_runs += unexpected > 0;
    return unexpected;
}

void zxc_soak_print(const struct zxc_soak *soak, const struct zxc_test_list *list, FILE *out) {
    size_t flaky = 0;
    for (size_t i = 0; i < soak->count; i++) flaky += soak->tests[i].unexpected > 0;
    fprintf(out, "\nzxconform: soak: %d runs of %zu tests: %d runs with unexpected results, "
            "%zu tests affected\n", soak->runs, list->count, soak->unclean_runs, flaky);
    if (flaky == 0) return;
    fprintf(out, "  %-56s %s\n", "test", "unexpected results");
    for (size_t i = 0; i < soak->count; i++) {
        const struct zxc_soak_test *s = &soak->tests[i];
        if (s->unexpected == 0) continue;
        fprintf(out, "  %-56s %d of %d\n", list->tests[i].name, s->unexpected, soak->runs);
        for (int m = 0; m < ZXC_SOAK_MESSAGES && s->messages[m]; m++)
            fprintf(out, "      %dx %s\n", s->message_counts[m], s->messages[m]);
        if (s->other_messages) fprintf(out, "      %dx other messages\n", s->other_messages);
    }
}

bool zxc_soak_write_json(const char *path, const struct zxc_run *run,
                         const struct zxc_soak *soak, const struct zxc_test_list *list) {
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return false;
    }
    fputs("{\n  \"implementation\": ", out);
    zxc_json_string(out, run->name);
    fputs(",\n  \"sha256\": ", out);
    zxc_json_string(out, run->info.sha256);
    fprintf(out, ",\n  \"runs\": %d,\n  \"tests_per_run\": %zu,\n  \"unclean_runs\": %d,\n"
            "  \"unexpected\": [", soak->runs, list->count, soak->unclean_runs);
    bool first = true;
    for (size_t i = 0; i < soak->count; i++) {
        const struct zxc_soak_test *s = &soak->tests[i];
        if (s->unexpected == 0) continue;
        fputs(first ? "\n    {\"test\": " : ",\n    {\"test\": ", out);
        first = false;
        zxc_json_string(out, list->tests[i].name);
        fprintf(out, ", \"count\": %d, \"messages\": [", s->unexpected);
        for (int m = 0; m < ZXC_SOAK_MESSAGES && s->messages[m]; m++) {
            fprintf(out, "%s{\"count\": %d, \"message\": ", m ? ", " : "", s->message_counts[m]);
            zxc_json_string(out, s->messages[m]);
            fputc('}', out);
        }
        fprintf(out, "], \"other_messages\": %d}", s->other_messages);
    }
    fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
    if (fclose(out) != 0) {
        perror(path);
        return false;
    }
    return true;
}
