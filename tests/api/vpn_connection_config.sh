#!/bin/sh
# API tests over real HTTP (curl) of what the customer device of an IPsec-VPN connection needs:
# DownloadVpnConnectionConfig (dual-tunnel and unbound single-tunnel answers: exact keys,
# types, the customer's point of view), the vpnlab extension LabDownloadCustomerSwanctlConfig
# (the text read back key by key; and, where strongSwan is installed, loaded into a private
# charon inside its own network and mount namespaces, which sends nothing anywhere), and
# DescribeVpnConnectionLogs (window rules and their errors, an empty answer without a data
# plane, then lines written into the store while the server is stopped, as the data plane
# would, served by window, tunnel and page).
# Usage: tests/api/vpn_connection_config.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

DB="$T_TMP/vcc.db"
t_api_server "$BIN" vcc.db || exit 1
R="Version=2016-04-28&RegionId=cn-hangzhou"
Q="$B/?$R"

post() { t_req POST "$B/" -H "$FORM" --data "$R&$1"; }

# wait_gateway ID: until the gateway is active again
wait_gateway() { t_gateway_idle "$Q" "$1"; }

# ---- a dual-tunnel gateway and two customer gateways ----
t_rpc_gateway_network "$Q" || exit 1
t_req GET "$Q&Action=CreateCustomerGateway&IpAddress=203.0.113.10&Asn=65001"; CG1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$Q&Action=CreateCustomerGateway&IpAddress=203.0.113.11"; CG2=$(t_json 'b["CustomerGatewayId"]')

T1="TunnelOptionsSpecification.1"; T2="TunnelOptionsSpecification.2"
# master: IKEv2 aes256/sha256/group14 3600 s, an FQDN LocalId, a key with syntax characters,
# ESP without PFS; slave: IKEv1 aggressive with the defaults, DPD off
post "Action=CreateVpnConnection&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.0.0%2F16,172.16.0.0%2F12&$T1.CustomerGatewayId=$CG1&$T1.Role=master&$T1.TunnelIkeConfig.IkeVersion=ikev2&$T1.TunnelIkeConfig.IkeEncAlg=aes256&$T1.TunnelIkeConfig.IkeAuthAlg=sha256&$T1.TunnelIkeConfig.IkePfs=group14&$T1.TunnelIkeConfig.IkeLifetime=3600&$T1.TunnelIkeConfig.LocalId=vpn.example.com&$T1.TunnelIkeConfig.Psk=k%22%23%7Bx%7D&$T1.TunnelIpsecConfig.IpsecPfs=disabled&$T2.CustomerGatewayId=$CG2&$T2.Role=slave&$T2.EnableDpd=false&$T2.TunnelIkeConfig.IkeMode=aggressive&$T2.TunnelIkeConfig.Psk=0xslave"
t_expect "create dual" 200; VCO=$(t_json 'b["VpnConnectionId"]')
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$VCO"
TUN1=$(t_json 'b["TunnelOptionsSpecification"]["TunnelOptions"][0]["TunnelId"]')
TUN2=$(t_json 'b["TunnelOptionsSpecification"]["TunnelOptions"][1]["TunnelId"]')
PSK2=$(t_json 'b["TunnelOptionsSpecification"]["TunnelOptions"][1]["TunnelIkeConfig"]["Psk"]')

# ---- DownloadVpnConnectionConfig ----
t_req GET "$Q&Action=DownloadVpnConnectionConfig&VpnConnectionId=$VCO"; t_expect "download" 200
t_check "top-level keys" 'sorted(b)' "['RequestId', 'VpnConnectionConfig']"
C='b["VpnConnectionConfig"]'
t_check "dual-tunnel keys" "sorted($C)" "['LocalSubnet', 'RemoteSubnet', 'TunnelsConfig']"
t_check "customer side subnets" "[$C['LocalSubnet'], $C['RemoteSubnet']]" "['192.168.0.0/16,172.16.0.0/12', '10.0.0.0/16']"
M="$C['TunnelsConfig']['TunnelConfig'][0]"; S="$C['TunnelsConfig']['TunnelConfig'][1]"
t_check "tunnel keys" "sorted($M)" "['IkeConfig', 'IpsecConfig', 'Local', 'Remote', 'TunnelId']"
t_check "tunnel ids, master first" "[$M['TunnelId'], $S['TunnelId']]" "['$TUN1', '$TUN2']"
t_check "local is the customer gateway" "[$M['Local'], $S['Local']]" "['203.0.113.10', '203.0.113.11']"
t_check "remote is the tunnel address" "[$M['Remote'], $S['Remote']]" "['$GWIP', '$GWIP2']"
t_check "ike keys" "sorted($M['IkeConfig'])" "['IkeAuthAlg', 'IkeEncAlg', 'IkeLifetime', 'IkeMode', 'IkePfs', 'IkeVersion', 'LocalId', 'Psk', 'RemoteId']"
t_check "ids swapped" "[$M['IkeConfig']['LocalId'], $M['IkeConfig']['RemoteId'], $S['IkeConfig']['RemoteId']]" "['203.0.113.10', 'vpn.example.com', '$GWIP2']"
t_check "ike values" "[$M['IkeConfig'][k] for k in ('IkeVersion','IkeMode','IkeEncAlg','IkeAuthAlg','IkePfs','Psk')]" "['ikev2', 'main', 'aes256', 'sha256', 'group14', 'k\"#{x}']"
t_check "lifetimes are numbers" "[$M['IkeConfig']['IkeLifetime'], $S['IkeConfig']['IkeLifetime'], $M['IpsecConfig']['IpsecLifetime']]" "[3600, 86400, 86400]"
t_check "ipsec" "[$M['IpsecConfig'][k] for k in ('IpsecEncAlg','IpsecAuthAlg','IpsecPfs')] + [$S['IpsecConfig']['IpsecPfs']]" "['aes', 'md5', 'disabled', 'group2']"
t_req GET "$Q&Action=DownloadVpnConnectionConfig&VpnConnectionId=vco-nothere"; t_expect "unknown connection" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$Q&Action=DownloadVpnConnectionConfig"; t_expect "id required" 400 MissingVpnConnectionId
t_req GET "$Q&Action=DownloadVpnConnectionConfig&VpnConnectionId=$VCO&AccessKeyId=1000000000000003"; t_expect "other account" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$B/?Version=2016-04-28&Action=DownloadVpnConnectionConfig&VpnConnectionId=$VCO"; t_expect "region inferred" 200

# ---- an unbound single-tunnel connection: no gateway address until a transit router ----
t_req GET "$Q&Action=CreateVpnAttachment&LocalSubnet=10.8.0.0%2F16&RemoteSubnet=172.20.0.0%2F16&CustomerGatewayId=$CG1" -G \
	--data-urlencode 'IkeConfig={"IkeVersion":"ikev2","Psk":"attach-key"}' --data-urlencode 'BgpConfig={"EnableBgp":"true","TunnelCidr":"169.254.30.0/30","LocalBgpIp":"169.254.30.1"}'
t_expect "attachment" 200; ATT=$(t_json 'b["VpnConnectionId"]')
t_req GET "$Q&Action=DownloadVpnConnectionConfig&VpnConnectionId=$ATT"; t_expect "download unbound" 200
t_check "single-tunnel keys" "sorted($C)" "['BgpConfigs', 'IkeConfig', 'IpsecConfig', 'Local', 'LocalSubnet', 'Remote', 'RemoteSubnet']"
t_check "no address yet" "[$C['Local'], $C['Remote'], $C['IkeConfig']['LocalId'], $C['IkeConfig']['RemoteId']]" "['203.0.113.10', '', '203.0.113.10', '']"
t_check "subnets" "[$C['LocalSubnet'], $C['RemoteSubnet']]" "['172.20.0.0/16', '10.8.0.0/16']"
t_check "bgp from the customer side" "$C['BgpConfigs']['BgpConfig']" "[{'LocalAsn': '65001', 'LocalBgpIp': '169.254.30.2', 'PeerAsn': '45104', 'PeerBgpIp': '169.254.30.1', 'TunnelCidr': '169.254.30.0/30'}]"
t_req GET "$Q&Action=LabDownloadCustomerSwanctlConfig&VpnConnectionId=$ATT"; t_expect "no swanctl without an address" 400 IncorrectStatus.VpnConnection

# ---- malformed JSON parameters: refused in either form, nothing changed (issue 10) ----
# modify VPN_CONNECTION_ID NAME=JSON: a POST form with Name=touched and one JSON parameter
modify() { t_req POST "$B/" -H "$FORM" --data "$R&Action=ModifyVpnConnectionAttribute&VpnConnectionId=$1&Name=touched" --data-urlencode "$2"; }
wait_gateway "$GW"
# a dual-tunnel connection does not use the single-tunnel parameters, but refuses bad ones
modify "$VCO" 'IkeConfig=[]'; t_expect "dual: IkeConfig []" 400 InvalidIkeConfig
modify "$VCO" 'IkeConfig=null'; t_expect "dual: IkeConfig null" 400 InvalidIkeConfig
modify "$VCO" 'IkeConfig=7'; t_expect "dual: IkeConfig a number" 400 InvalidIkeConfig
modify "$VCO" 'IkeConfig={"Psk":"x","psk":"y"}'; t_expect "dual: a key twice, ignoring case" 400 InvalidIkeConfig
modify "$VCO" 'IpsecConfig=[]'; t_expect "dual: IpsecConfig []" 400 InvalidIpsecConfig
modify "$VCO" 'HealthCheckConfig={"dip":"10.0.0.1","DIP":"10.0.0.2"}'; t_expect "dual: HealthCheckConfig key twice" 400 InvalidHealthCheckConfig
modify "$VCO" 'BgpConfig=null'; t_expect "dual: BgpConfig null" 400 InvalidBgpConfig
t_req PATCH "$B/v1/vpn-connections/$VCO" -H 'Content-Type: application/json' -d '{"RegionId":"cn-hangzhou","Name":"touched","IkeConfig":[]}'
t_expect "dual over REST: IkeConfig []" 400 InvalidIkeConfig
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$VCO"
t_check "dual: nothing changed" '[b["Name"] != "touched", b["TunnelOptionsSpecification"]["TunnelOptions"][1]["TunnelIkeConfig"]["Psk"]]' "[True, '$PSK2']"
# the single-tunnel form: the same documents are refused the same way
modify "$ATT" 'IkeConfig={"Psk":"x","psk":"y"}'; t_expect "single: a key twice, ignoring case" 400 InvalidIkeConfig
t_check "says which parameter" 'b["Message"]' "Specified parameter IkeConfig is not valid."
modify "$ATT" 'IkeConfig={"IKEVERSION":"ikev1","ikeVersion":"ikev2"}'; t_expect "single: IkeVersion twice" 400 InvalidIkeConfig
modify "$ATT" 'IpsecConfig={"IpsecPfs":"group2","ipsecpfs":"group5"}'; t_expect "single: IpsecPfs twice" 400 InvalidIpsecConfig
modify "$ATT" 'IkeConfig=[]'; t_expect "single: IkeConfig []" 400 InvalidIkeConfig
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$ATT"
t_check "single: nothing changed" '[b["Name"] != "touched", b["IkeConfig"]["Psk"], b["IkeConfig"]["IkeVersion"]]' "[True, 'attach-key', 'ikev2']"
# keys in another case are still the same keys, once each
modify "$ATT" 'IkeConfig={"psk":"new-key","IKEVERSION":"ikev1"}'; t_expect "single: other case, once each" 200
t_check "applied" '[b["IkeConfig"]["Psk"], b["IkeConfig"]["IkeVersion"]]' "['new-key', 'ikev1']"

# ---- LabDownloadCustomerSwanctlConfig (vpnlab extension) ----
t_req GET "$Q&Action=LabDownloadCustomerSwanctlConfig&VpnConnectionId=$VCO"; t_expect "swanctl" 200
t_check "answer keys" 'sorted(b)' "['RequestId', 'SwanctlConf', 'VpnConnectionId']"
t_check "connection id" 'b["VpnConnectionId"]' "$VCO"
printf '%s' "$T_BODY" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["SwanctlConf"])' > "$T_TMP/swanctl.conf"
# read the text back with a small reader of the strongswan.conf syntax: key path -> value
cat > "$T_TMP/swanread.py" <<'EOF'
import json, re, sys
path, out, depth = [], {}, 0
for n, raw in enumerate(open(sys.argv[1]).read().split("\n"), 1):
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    if line == "}":
        path.pop(); continue
    m = re.fullmatch(r'([^.,:{}="#\s]+) \{', line)
    if m:
        path.append(m.group(1)); continue
    m = re.fullmatch(r'([^.,:{}="#\s]+) = (.*)', line)
    if not m:
        sys.exit("line %d: %s" % (n, line))
    v = m.group(2)
    if v.startswith('"'):
        assert re.fullmatch(r'"(?:[^"\\]|\\.)*"', v), "line %d: quoting" % n
        v = re.sub(r'\\(.)', r'\1', v[1:-1])
    else:
        assert not re.search(r'[#{}"\s]', v), "line %d: bare value" % n
    key = ".".join(path + [m.group(1)])
    assert key not in out, "duplicate " + key
    out[key] = v
assert not path, "unbalanced braces"
json.dump(out, sys.stdout)
EOF
if python3 "$T_TMP/swanread.py" "$T_TMP/swanctl.conf" > "$T_TMP/swan.json"; then t_ok; else t_bad "swanctl text does not parse"; fi
T_BODY=$(cat "$T_TMP/swan.json")
c1="connections.$TUN1"; c2="connections.$TUN2"
t_check "two connections named after the tunnels" "sorted({k.split('.')[1] for k in b if k.startswith('connections.')})" "$(python3 -c "print(sorted(['$TUN1', '$TUN2']))")"
t_check "versions" "[b['$c1.version'], b['$c2.version']]" "['2', '1']"
t_check "addresses" "[b['$c1.local_addrs'], b['$c1.remote_addrs'], b['$c2.local_addrs'], b['$c2.remote_addrs']]" "['203.0.113.10', '$GWIP', '203.0.113.11', '$GWIP2']"
t_check "ike proposals" "[b['$c1.proposals'], b['$c2.proposals']]" "['aes256-sha256-modp2048', 'aes128-md5-modp1024']"
t_check "aggressive only on the IKEv1 tunnel" "['$c1.aggressive' in b, b['$c2.aggressive']]" "[False, 'yes']"
t_check "ike lifetimes" "[b['$c1.rekey_time'], b['$c1.over_time'], b['$c2.rekey_time']]" "['3240s', '360s', '77760s']"
t_check "dpd" "[b['$c1.dpd_delay'], '$c2.dpd_delay' in b]" "['30s', False]"
t_check "identities" "[b['$c1.local.id'], b['$c1.remote.id'], b['$c2.remote.id'], b['$c1.local.auth'], b['$c2.remote.auth']]" "['203.0.113.10', 'fqdn:vpn.example.com', '$GWIP2', 'psk', 'psk']"
t_check "ikev2 child: selectors swapped, no pfs" "[b['$c1.children.$TUN1.' + k] for k in ('local_ts','remote_ts','esp_proposals','rekey_time','life_time','dpd_action','start_action')]" "['192.168.0.0/16,172.16.0.0/12', '10.0.0.0/16', 'aes128-md5', '77760s', '86400s', 'restart', 'start']"
t_check "ikev1 children: one per selector pair" "[b['$c2.children.$TUN2-%d.%s' % (i, k)] for i in (1, 2) for k in ('local_ts', 'remote_ts')]" "['192.168.0.0/16', '10.0.0.0/16', '172.16.0.0/12', '10.0.0.0/16']"
t_check "secrets" "[b['secrets.ike-$TUN1.id-local'], b['secrets.ike-$TUN1.id-remote'], b['secrets.ike-$TUN1.secret']]" "['203.0.113.10', 'fqdn:vpn.example.com', 'k\"#{x}']"
t_check "hex for a key swanctl would read as hex" "bytes.fromhex(b['secrets.ike-$TUN2.secret'][2:]).decode()" "$PSK2"
t_req GET "$Q&Action=LabDownloadCustomerSwanctlConfig&VpnConnectionId=vco-nothere"; t_expect "swanctl: unknown" 404 InvalidVpnConnectionInstanceId.NotFound

# ---- the text loaded by strongSwan itself, where installed ----
# A private charon in new network and mount namespaces: only its own loopback, its own
# /run (so its vici socket and pid files are its own); it is killed by PID and bounded
# by timeout.
swan_load() {
	cat > "$T_TMP/swan-ns.sh" <<EOF
set -u
mount -t tmpfs tmpfs /run || exit 3
ip link set lo up 2>/dev/null || true
timeout 50 /usr/sbin/charon-systemd > "$T_TMP/charon.log" 2>&1 &
CH=\$!
trap 'kill \$CH 2>/dev/null; wait \$CH 2>/dev/null' EXIT
i=0; while [ \$i -lt 100 ] && [ ! -S /run/charon.vici ]; do sleep 0.1; i=\$((i + 1)); done
swanctl --load-all --noprompt --file "$T_TMP/swanctl.conf" > "$T_TMP/swan-load.txt" 2>&1 || exit 4
swanctl --list-conns --raw > "$T_TMP/swan-conns.txt" 2>/dev/null || exit 5
EOF
	timeout 60 unshare -n -m --propagation private sh "$T_TMP/swan-ns.sh"
}
if [ -x /usr/sbin/swanctl ] && [ -x /usr/sbin/charon-systemd ] && [ "$(id -u)" = 0 ] && unshare -n -m true 2>/dev/null; then
	if swan_load; then t_ok; else t_bad "swanctl --load-all failed: $(cat "$T_TMP/swan-load.txt" 2>/dev/null | grep -v '^plugin\|^opening')"; fi
	if grep -q "successfully loaded 2 connections, 0 unloaded" "$T_TMP/swan-load.txt"; then t_ok; else t_bad "strongSwan did not load both connections: $(grep -v '^plugin\|^opening' "$T_TMP/swan-load.txt")"; fi
	if grep -q "loaded ike secret 'ike-$TUN1'" "$T_TMP/swan-load.txt" && grep -q "loaded ike secret 'ike-$TUN2'" "$T_TMP/swan-load.txt"; then t_ok; else t_bad "secrets not loaded"; fi
	if grep -q "$TUN1 {.*version=IKEv2.*rekey_time=3240.*id=vpn.example.com.*local-ts=\[192.168.0.0/16 172.16.0.0/12\] remote-ts=\[10.0.0.0/16\]" "$T_TMP/swan-conns.txt" \
		&& grep -q "$TUN2 {.*version=IKEv1.*id=$GWIP2.*$TUN2-2 {.*local-ts=\[172.16.0.0/12\]" "$T_TMP/swan-conns.txt"; then t_ok; else t_bad "strongSwan's view differs: $(cat "$T_TMP/swan-conns.txt")"; fi
else
	echo "vpn_connection_config: strongSwan (swanctl, charon-systemd) or namespaces unavailable: load check skipped"
fi

# ---- DescribeVpnConnectionLogs ----
L="Action=DescribeVpnConnectionLogs&VpnConnectionId=$VCO"
t_req GET "$Q&$L&MinutePeriod=10"; t_expect "logs" 200
t_check "answer keys" 'sorted(b)' "['Count', 'Data', 'IsCompleted', 'PageNumber', 'PageSize', 'RequestId']"
t_check "no data plane, no lines" '[b["Count"], b["Data"], b["IsCompleted"], b["PageNumber"], b["PageSize"]]' "[0, {'Logs': []}, True, 1, 10]"
t_req GET "$Q&$L"; t_expect "window needed" 400 MissingMinutePeriod
t_req GET "$Q&$L&From=1671003744"; t_expect "from alone" 400 MissingMinutePeriod
t_req GET "$Q&$L&To=1671003744"; t_expect "to alone" 400 MissingMinutePeriod
t_req GET "$Q&$L&From=1671004344&To=1671003744"; t_expect "from after to" 400 IllegalParam.To
t_req GET "$Q&$L&MinutePeriod=11"; t_expect "period range" 400 InvalidMinutePeriod
t_req GET "$Q&$L&MinutePeriod=0"; t_expect "period range low" 400 InvalidMinutePeriod
t_req GET "$Q&$L&From=-1&To=5"; t_expect "from range" 400 InvalidFrom
t_req GET "$Q&$L&MinutePeriod=1&PageSize=51"; t_expect "page size" 400 InvalidPageSize
t_req GET "$Q&$L&MinutePeriod=1&TunnelId=tun-nothere"; t_expect "unknown tunnel" 404 InvalidTunnelId.NotFound
t_req GET "$Q&$L&MinutePeriod=1&TunnelId=$TUN2"; t_expect "tunnel filter" 200
t_req GET "$Q&Action=DescribeVpnConnectionLogs&VpnConnectionId=$ATT&MinutePeriod=1&TunnelId=$TUN1"; t_expect "single-tunnel has no tunnels" 404 InvalidTunnelId.NotFound
t_req GET "$Q&Action=DescribeVpnConnectionLogs&VpnConnectionId=vco-nothere&MinutePeriod=1"; t_expect "logs: unknown" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$Q&Action=DescribeVpnConnectionLogs&MinutePeriod=1"; t_expect "logs: id required" 400 MissingVpnConnectionId

# lines written into the store as the data plane would, while the server is stopped
t_stop_server "$T_LAST_PID"
NOW=$(date +%s)
python3 - "$DB" "$VCO" "$TUN1" "$TUN2" "$NOW" <<'EOF'
import sqlite3, sys
db, vco, t1, t2, now = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
c = sqlite3.connect(db)
rows = [(t1, now - 7200, "old"), (t1, now - 120, "a1"), (t2, now - 90, "b1"), (t1, now - 60, "a2"), (t2, now - 30, "b2")]
c.executemany("INSERT INTO vpn_connection_logs (vpn_connection_id, tunnel_id, time_ms, line) VALUES (?,?,?,?)",
              [(vco, t, s * 1000, "2026-11-28 00:00:00 %s [DEBUG]: %s" % (vco, l)) for t, s, l in rows])
c.commit()
EOF
# restarted with --dpd-delay-s 1: the texts handed out probe every second
t_start_server "$BIN" "$PORT" "$DB" --transition-delay-ms "$T_HOLD_MS" --log off --dpd-delay-s 1 || exit 1
t_req GET "$Q&Action=LabDownloadCustomerSwanctlConfig&VpnConnectionId=$VCO"; t_expect "swanctl after restart" 200
printf '%s' "$T_BODY" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["SwanctlConf"])' > "$T_TMP/swanctl-dpd.conf"
if grep -q "^        dpd_delay = 1s$" "$T_TMP/swanctl-dpd.conf" && ! grep -q "dpd_delay = 30s" "$T_TMP/swanctl-dpd.conf"; then t_ok; else t_bad "--dpd-delay-s 1 not in the text: $(grep dpd_delay "$T_TMP/swanctl-dpd.conf")"; fi
lines='[l.rsplit(" ", 1)[1] for l in b["Data"]["Logs"]]'
t_req GET "$Q&$L&MinutePeriod=10"; t_expect "logs after" 200
t_check "both tunnels, oldest first" "$lines" "['a1', 'b1', 'a2', 'b2']"
t_check "count is the page's" 'b["Count"]' 4
t_check "lines as written" 'b["Data"]["Logs"][0]' "2026-11-28 00:00:00 $VCO [DEBUG]: a1"
t_req GET "$Q&$L&MinutePeriod=10&TunnelId=$TUN1"; t_check "one tunnel" "$lines" "['a1', 'a2']"
t_req GET "$Q&$L&MinutePeriod=10&PageSize=3&PageNumber=2"; t_check "second page" "[$lines, b['Count'], b['PageNumber'], b['PageSize']]" "[['b2'], 1, 2, 3]"
t_req GET "$Q&$L&From=$((NOW - 7300))&To=$((NOW - 90))"; t_check "from and to" "$lines" "['old', 'a1', 'b1']"
t_req GET "$Q&$L&To=$((NOW - 60))&MinutePeriod=1"; t_check "to and period" "$lines" "['a1', 'b1', 'a2']"
t_req GET "$Q&$L&From=$((NOW - 7200))&MinutePeriod=1"; t_check "from and period" "$lines" "['old']"

# a deleted connection takes its lines along
wait_gateway "$GW"
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "delete" 200
t_stop_server "$T_LAST_PID"
left=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM vpn_connection_logs').fetchone()[0])" "$DB")
if [ "$left" = 0 ]; then t_ok; else t_bad "log lines left after delete: $left"; fi

t_summary "vpn_connection_config"
