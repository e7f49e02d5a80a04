/* A valid desired-state document used by the doc tests and as a fuzz seed. */
#ifndef VL_DOC_FIXTURE_H
#define VL_DOC_FIXTURE_H
#define DOC_FIXTURE                                                                                        \
	"{\"version\":2,\"generation\":3,\"agent_id\":\"agt-1\",\"underlay\":{\"vni\":4242,\"peers\":[]},"   \
	"\"vpcs\":[{\"id\":\"vpc-1\",\"cidr\":\"10.0.0.0/16\",\"vswitches\":[{\"id\":\"vsw-1\","             \
	"\"cidr\":\"10.0.1.0/24\",\"gateway_ip\":\"10.0.1.253\"}],\"routes\":[{\"dest\":\"192.168.0.0/24\"," \
	"\"nexthops\":[{\"via\":\"10.0.1.10\",\"weight\":100,\"endpoint\":\"vpn-1-1\",\"tunnel\":\"vco-1\"}]}]}]," \
	"\"endpoints\":[{\"id\":\"vpn-1-1\",\"kind\":\"gateway\",\"public_ip\":\"198.18.0.1\","             \
	"\"lan\":{\"vpc\":\"vpc-1\",\"vswitch\":\"vsw-1\",\"ip\":\"10.0.1.10\",\"prefix\":24,"               \
	"\"gateway\":\"10.0.1.253\"},\"bandwidth_mbps\":10,"                                               \
	"\"tunnels\":[{\"name\":\"vco-1\",\"connection_id\":\"vco-1\",\"tunnel_id\":\"\",\"role\":\"single\"," \
	"\"peer_ip\":\"203.0.113.1\",\"local_ts\":[\"10.0.0.0/16\"],\"remote_ts\":[\"192.168.0.0/24\"],"     \
	"\"ipsec\":{\"local_ip\":\"198.18.0.1\",\"local_id\":\"198.18.0.1\",\"remote_id\":\"branch.example\","  \
	"\"psk\":\"s3cret\",\"ike\":{\"version\":2,\"mode\":\"main\",\"proposal\":{\"enc\":\"aes128\","     \
	"\"integ\":\"sha1\",\"dh\":\"modp1024\"},\"rekey_s\":82080,\"lifetime_s\":86400},"                   \
	"\"esp\":{\"proposal\":{\"enc\":\"aes256\",\"integ\":\"sha256\",\"dh\":\"none\"},\"rekey_s\":3420,"  \
	"\"lifetime_s\":3600},\"dpd_delay_s\":30,\"nat_traversal\":true,\"initiator\":false,"              \
	"\"standby\":false},"                                                                              \
	"\"health_check\":{\"enable\":true,\"sip\":\"10.0.1.99\",\"dip\":\"192.168.0.1\",\"interval\":1,"   \
	"\"retry\":3},\"liveness\":{\"sip\":\"10.0.1.10\",\"dip\":\"192.168.0.1\",\"interval_ms\":300," \
	"\"retry\":3},\"cut\":false}]},"                                                                     \
	"{\"id\":\"site-1-1\",\"kind\":\"site_device\",\"public_ip\":\"203.0.113.1\","                       \
	"\"lan\":{\"site\":\"site-1\",\"ip\":\"192.168.0.1\",\"prefix\":24},\"tunnels\":[]}]," \
	"\"sites\":[{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\"}],"                                   \
	"\"hosts\":[{\"id\":\"host-1\",\"lan\":{\"vpc\":\"vpc-1\",\"vswitch\":\"vsw-1\",\"ip\":\"10.0.1.1\"," \
	"\"prefix\":24,\"gateway\":\"10.0.1.253\"}}]}"
#endif
