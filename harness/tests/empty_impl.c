/* An implementation that exports none of the calls (harness-check): every test run against it
 * must end "not implemented", naming the first symbol it needed, and none may crash. */
const char zxconform_empty_implementation[] = "exports no zx_* call";
