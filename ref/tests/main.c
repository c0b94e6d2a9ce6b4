/* Runs every suite of the reference implementation's own tests. */
#include <stdio.h>
#include <stdlib.h>

#include "ref_test.h"

int main(void) {
    SRunner *runner = srunner_create(handle_suite());
    srunner_add_suite(runner, vmo_port_suite());
    srunner_add_suite(runner, guest_suite());
    srunner_add_suite(runner, vcpu_suite());
    srunner_add_suite(runner, run_suite());
    srunner_add_suite(runner, fault_suite());
    srunner_add_suite(runner, user_pointer_suite());
    srunner_add_suite(runner, apic_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    int run = srunner_ntests_run(runner);
    srunner_free(runner);
    printf("ref_tests: %d of %d tests passed\n", run - failed, run);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
