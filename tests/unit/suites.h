/* Every libcheck suite, once: TEST_SUITE(function that creates it). */
TEST_SUITE(errors_suite_create)
TEST_SUITE(sig_suite_create)
TEST_SUITE(auth_suite_create)
