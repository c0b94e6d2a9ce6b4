/* The JUnit XML report: one <testsuite> named after the implementation, one <testcase> per
 * test (classname = its call). An unexpected failure is a <failure> (a failed check) or an
 * <error> (crash, timeout, not implemented, not testable); an expected failure is <skipped>
 * with its reason; an unexpected pass is a <failure>, as it fails the run. */
#include <stdio.h>
#include <string.h>

#include "results_junit.h"

/* Escapes for attribute values and text; drops the control characters XML 1.0 forbids. */
static void xml_text(FILE *out, const char *s) {
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\n': fputs("&#10;", out); break;
        case '\t': fputs("&#9;", out); break;
        default:
            if (*p >= 0x20) fputc(*p, out);
        }
    }
}

static void attribute(FILE *out, const char *key, const char *value) {
    fprintf(out, " %s=\"", key);
    xml_text(out, value);
    fputc('"', out);
}

static const char *call_name(const struct zxc_test *t, char *buf, size_t size) {
    if (t->row != NULL) return t->row->call->name;
    snprintf(buf, size, "%.*s", t->n_clauses ? (int)strcspn(t->clauses[0], ".") : 0,
             t->n_clauses ? t->clauses[0] : "");
    return buf;
}

static void write_testcase(FILE *out, const struct zxc_run *run, const struct zxc_test *t) {
    char call[128], classname[256];
    snprintf(classname, sizeof classname, "%s.%s", run->name, call_name(t, call, sizeof call));
    fputs("    <testcase", out);
    attribute(out, "name", t->name);
    attribute(out, "classname", classname);
    fprintf(out, " time=\"%.3f\"", t->duration_s);
    bool failed_check = t->result == ZXC_RESULT_FAIL;
    switch (t->outcome) {
    case ZXC_OK:
        fputs("/>\n", out);
        return;
    case ZXC_EXPECTED_FAILURE:
        fputs(">\n      <skipped", out);
        attribute(out, "message", t->expectation->reason);
        fputs(">", out);
        xml_text(out, zxc_result_name(t->result));
        fputs(": ", out);
        xml_text(out, t->message);
        fputs("</skipped>\n", out);
        break;
    case ZXC_UNEXPECTED_FAILURE:
        fprintf(out, ">\n      <%s", failed_check ? "failure" : "error");
        attribute(out, "type", zxc_result_name(t->result));
        attribute(out, "message", t->message);
        fputs(">", out);
        for (int i = 0; i < t->n_clauses; i++) {
            const char *location = zxc_clause_location(t->clauses[i]);
            if (i) fputs("&#10;", out);
            xml_text(out, t->clauses[i]);
            fputs(" (", out);
            xml_text(out, location ? location : "spec: clause not found");
            fputs(")", out);
        }
        fprintf(out, "</%s>\n", failed_check ? "failure" : "error");
        break;
    case ZXC_UNEXPECTED_PASS:
        fputs(">\n      <failure type=\"unexpected_pass\"", out);
        attribute(out, "message", "passed, but the expectations say it fails");
        fputs(">", out);
        xml_text(out, t->expectation->reason);
        fputs("</failure>\n", out);
        break;
    }
    fputs("    </testcase>\n", out);
}

bool zxc_results_write_junit(const char *path, const struct zxc_run *run,
                             const struct zxc_test_list *list) {
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        perror(path);
        return false;
    }
    size_t failures = 0, errors = 0, skipped = 0;
    double time_s = 0;
    for (size_t i = 0; i < list->count; i++) {
        const struct zxc_test *t = &list->tests[i];
        time_s += t->duration_s;
        if (t->outcome == ZXC_EXPECTED_FAILURE)
            skipped++;
        else if (t->outcome == ZXC_UNEXPECTED_PASS)
            failures++;
        else if (t->outcome == ZXC_UNEXPECTED_FAILURE)
            *(t->result == ZXC_RESULT_FAIL ? &failures : &errors) += 1;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    attribute(out, "name", "zxconform");
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
            list->count, failures, errors, skipped, time_s);
    fputs("  <testsuite", out);
    attribute(out, "name", run->name);
    attribute(out, "timestamp", run->info.date);
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
            list->count, failures, errors, skipped, time_s);
    fputs("    <properties>\n", out);
    const char *properties[][2] = {
        {"implementation", run->impl_path}, {"sha256", run->info.sha256},
        {"host_kernel", run->info.kernel},  {"cpu", run->info.cpu},
        {"expect_file", run->expect_path ? run->expect_path : ""},
    };
    for (size_t i = 0; i < sizeof properties / sizeof properties[0]; i++) {
        fputs("      <property", out);
        attribute(out, "name", properties[i][0]);
        attribute(out, "value", properties[i][1]);
        fputs("/>\n", out);
    }
    fputs("    </properties>\n", out);
    for (size_t i = 0; i < list->count; i++) write_testcase(out, run, &list->tests[i]);
    fputs("  </testsuite>\n</testsuites>\n", out);
    return fclose(out) == 0;
}
