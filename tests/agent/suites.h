/*
 * Every agent unit suite, once: TEST_SUITE(name) declares `Suite *name(void)`.  Suites that
 * need root and namespaces skip their network cases (with a message) when not root.
 */
TEST_SUITE(doc_suite)
TEST_SUITE(tr_suite)
TEST_SUITE(reconcile_suite)
TEST_SUITE(nl_suite)
TEST_SUITE(vici_suite)
TEST_SUITE(strongswan_suite)
TEST_SUITE(health_suite)
TEST_SUITE(probe_suite)
TEST_SUITE(fault_tc_suite)
TEST_SUITE(listener_suite)
TEST_SUITE(peers_suite)
TEST_SUITE(flow_suite)
