'use strict';
// The seed scenario of the Alibaba Cloud docs, "connect a data center to a VPC by IPsec-VPN",
// driven end to end through both official SDKs, each against its own strict-mode vpnlabd
// (signatures verified, short but non-zero transition delay):
//   * @alicloud/vpc20160428 (V3 signature; typed request classes; tunnel options as the SDK
//     models them, which it sends flattened in the form body)
//   * @alicloud/pop-core (V2 signature, POST form; the flattened TunnelOptionsSpecification.N.*
//     parameters written out, since pop-core flattens only one level of a list)
// One VPC, two vSwitches in two zones, one dual-tunnel VPN gateway (waited for by polling
// DescribeVpnGateway, as an SDK user or Terraform does), two customer gateways, two dual-tunnel
// IPsec connections (A: AutoConfigRoute default; B: AutoConfigRoute=false with an explicit
// route, plus a standby route via A), the checks of DescribeVpnConnection(s) and
// DescribeVpnRouteEntries, DownloadVpnConnectionConfig when the server has it, then the
// teardown in dependency order with the refusals along the way, until nothing is left.
// Response fields are read exactly as each SDK maps them (camelCase model properties for the
// V3 SDK, the raw PascalCase keys for pop-core).

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const Vpc = require('@alicloud/vpc20160428');
const { $OpenApiUtil, ClientError } = require('@alicloud/openapi-core');
const RPCClient = require('@alicloud/pop-core');
const { VPNLABD, HOLD_MS, startServer, assertCleanExit, waitFor, rejection } = require('./sdk-harness.js');

const VpcClient = Vpc.default;
const REGION = 'cn-hangzhou';
const DELAY_MS = HOLD_MS; // transitional states hold until a waitFor settles them
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const NOW_MS = () => Date.now();
/** Rows in a fixed order (by their JSON text), so lists can be compared whatever the ids are. */
const rows = (list) => list.map((r) => JSON.stringify(r)).sort();

const KEY_V3 = { id: 'LTAI5tScenarioV3Key001', secret: 'sEcReT-scenario-v3-0123456789abc', account: '1357913579135791' };
const KEY_POP = { id: 'LTAI5tScenarioPopKey02', secret: 'sEcReT-scenario-pop-9876543210fe', account: '1246824682468246' };

// Customer gateways: documentation addresses (RFC 5737), not in the refused ranges.
const CGW1_IP = '203.0.113.10';
const CGW2_IP = '198.51.100.20';
const VPC_CIDR = '10.0.0.0/16';
const A_REMOTE = '192.168.10.0/24,192.168.11.0/24'; // connection A: one auto route per block
const B_REMOTE = '172.20.0.0/16'; // connection B: routed by hand

// The DownloadVpnConnectionConfig action is being added by another engineer: the test runs
// only when the server under test lists it in its action reference (the table actions.md is
// generated from).
const HAS_DOWNLOAD = (() => {
  try {
    return /^## DownloadVpnConnectionConfig /m.test(execFileSync(VPNLABD, ['--dump-actions'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();
const NO_DOWNLOAD = 'DownloadVpnConnectionConfig is not in the action table of this vpnlabd ' +
  '(vpnlabd --dump-actions, api-docs/actions.md) yet';

// ---- expected refusals (code, HTTP status, message) ----

const CONFIGURING = { status: 400, code: 'VpnGateway.Configuring', message: 'The specified service is configuring.' };
const VPC_HAS_VSWITCHES = { status: 400, code: 'DependencyViolation.VSwitch', message: 'Specified object has dependent resources' };
const VSWITCH_IN_USE = { status: 400, code: 'DependencyViolation', message: 'Specified object has dependent resources.' };
// the documented message of both refusals names the customer gateway (sic, DeleteVpnGateway too)
const HAS_CONNECTIONS = {
  status: 400, code: 'DependencyViolation.VpnConnection',
  message: 'There are vpn connections on specified customer gateway not deleted.',
};
const GW_NOT_FOUND = {
  status: 404, code: 'InvalidVpnGatewayInstanceId.NotFound', message: 'The specified vpn gateway instance id does not exist.',
};
const VCO_NOT_FOUND = {
  status: 404, code: 'InvalidVpnConnectionInstanceId.NotFound', message: 'The specified vpn connection instance id does not exist.',
};
const CGW_NOT_FOUND = {
  status: 404, code: 'InvalidCustomerGatewayInstanceId.NotFound',
  message: 'The specified customer gateway instance id does not exist.',
};

// ---- each SDK's error object ----


/** V3 SDK: an openapi-core ClientError with statusCode, code, requestId and the body in data. */
async function v3Error(promise, { status, code, message }) {
  const err = await rejection(promise);
  assert.ok(err instanceof ClientError, `a ClientError, got ${err && err.name}: ${err && err.message}`);
  assert.equal(err.statusCode, status, `HTTP status of ${code}`);
  assert.equal(err.code, code);
  assert.equal(err.data.Code, code);
  assert.equal(err.data.Message, message);
  assert.match(err.requestId, UUID);
  assert.equal(err.data.RequestId, err.requestId);
  assert.equal(err.data.HostId, 'vpc.aliyuncs.com');
  assert.equal(err.message, `${code}: code: ${status}, ${message} request id: ${err.requestId}`);
  return err;
}

/** pop-core: an Error named <Code>Error with code, data (the body) and the HTTP response. */
async function popError(srv, promise, { status, code, message }) {
  const err = await rejection(promise);
  assert.ok(err instanceof Error);
  assert.equal(err.name, `${code}Error`);
  assert.equal(err.code, code);
  assert.equal(err.data.Code, code);
  assert.equal(err.data.Message, message);
  assert.match(err.data.RequestId, UUID);
  assert.equal(err.data.HostId, 'vpc.aliyuncs.com');
  assert.equal(err.entry.response.statusCode, status, `HTTP status of ${code}`);
  assert.equal(err.entry.response.headers['x-acs-request-id'], err.data.RequestId);
  assert.ok(err.message.startsWith(`${message}, URL: ${srv.url}/`), err.message);
  return err;
}

async function startStrict(key) {
  return startServer({ auth: 'strict', credentials: [[key.id, key.secret, key.account]], delayMs: DELAY_MS });
}

// =====================================================================================
describe('IPsec-VPN scenario through @alicloud/vpc20160428 (V3 signature, typed requests)', () => {
  let srv;
  let c;
  const zones = ['cn-hangzhou-j', 'cn-hangzhou-k'];
  const s = {}; // what the scenario made: ids and addresses

  before(async () => {
    srv = await startStrict(KEY_V3);
    c = new VpcClient(new $OpenApiUtil.Config({
      accessKeyId: KEY_V3.id, accessKeySecret: KEY_V3.secret, endpoint: srv.endpoint, protocol: 'http',
      readTimeout: 10000, connectTimeout: 5000,
    }));
  });

  after(async () => {
    if (srv) assertCleanExit(await srv.stop(), 'vpnlabd (V3 scenario)');
  });

  const gateway = async () =>
    (await c.describeVpnGateway(new Vpc.DescribeVpnGatewayRequest({ regionId: REGION, vpnGatewayId: s.gw }))).body;
  // what Terraform does after every change on the gateway: poll until active again
  const gatewayActive = () => waitFor('VPN gateway active', async () => (await gateway()).status === 'active', 10000, 50);
  const connection = async (id) =>
    (await c.describeVpnConnection(new Vpc.DescribeVpnConnectionRequest({ regionId: REGION, vpnConnectionId: id }))).body;
  const routes = async () =>
    (await c.describeVpnRouteEntries(new Vpc.DescribeVpnRouteEntriesRequest({ regionId: REGION, vpnGatewayId: s.gw, pageSize: 50 }))).body;
  const connections = async () =>
    (await c.describeVpnConnections(new Vpc.DescribeVpnConnectionsRequest({ regionId: REGION, vpnGatewayId: s.gw }))).body;
  const customerGateways = async () =>
    (await c.describeCustomerGateways(new Vpc.DescribeCustomerGatewaysRequest({ regionId: REGION }))).body;
  const tunnelSpec = (fields) => new Vpc.CreateVpnConnectionRequestTunnelOptionsSpecification(fields);
  const ike = (fields) => new Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig(fields);
  const ipsec = (fields) => new Vpc.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIpsecConfig(fields);

  test('a VPC with two vSwitches in two zones', async () => {
    const vpc = (await c.createVpc(new Vpc.CreateVpcRequest({ regionId: REGION, cidrBlock: VPC_CIDR, vpcName: 'vpn-lab' }))).body;
    s.vpc = vpc.vpcId;
    assert.match(s.vpc, /^vpc-[a-z0-9]+$/);
    await waitFor('VPC Available', async () => (await c.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION, vpcId: s.vpc })))
      .body.vpcs.vpc[0].status === 'Available');
    s.vsw = [];
    for (const [i, zoneId] of zones.entries()) {
      const r = (await c.createVSwitch(new Vpc.CreateVSwitchRequest({
        regionId: REGION, vpcId: s.vpc, zoneId, cidrBlock: `10.0.${i + 1}.0/24`, vSwitchName: `tunnel-${i + 1}`,
      }))).body;
      assert.match(r.vSwitchId, /^vsw-[a-z0-9]+$/);
      s.vsw.push(r.vSwitchId);
    }
    const list = await waitFor('vSwitches Available', async () => {
      const got = (await c.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION, vpcId: s.vpc }))).body;
      return got.vSwitches.vSwitch.every((v) => v.status === 'Available') && got;
    });
    assert.equal(list.totalCount, 2);
    assert.deepEqual(list.vSwitches.vSwitch.map((v) => [v.vSwitchId, v.zoneId]).sort(),
      [[s.vsw[0], zones[0]], [s.vsw[1], zones[1]]].sort());
  });

  test('a dual-tunnel VPN gateway: provisioning, then active (polled by DescribeVpnGateway)', async () => {
    const res = await c.createVpnGateway(new Vpc.CreateVpnGatewayRequest({
      regionId: REGION, vpcId: s.vpc, vSwitchId: s.vsw[0], disasterRecoveryVSwitchId: s.vsw[1], bandwidth: 10,
      name: 'vpn-lab-gw', enableIpsec: true, enableSsl: false, instanceChargeType: 'POSTPAY', autoPay: true,
    }));
    assert.equal(res.statusCode, 200);
    const made = res.body;
    assert.ok(made instanceof Vpc.CreateVpnGatewayResponseBody);
    assert.match(made.requestId, UUID);
    assert.match(made.vpnGatewayId, /^vpn-[a-z0-9]+$/);
    assert.equal(made.name, 'vpn-lab-gw');
    assert.equal(typeof made.orderId, 'number');
    s.gw = made.vpnGatewayId;

    assert.equal((await gateway()).status, 'provisioning');
    await gatewayActive();
    const g = await gateway();
    assert.ok(g instanceof Vpc.DescribeVpnGatewayResponseBody);
    assert.equal(g.vpnGatewayId, s.gw);
    assert.equal(g.vpcId, s.vpc);
    assert.equal(g.vSwitchId, s.vsw[0]);
    assert.equal(g.disasterRecoveryVSwitchId, s.vsw[1]);
    assert.equal(g.status, 'active');
    assert.equal(g.businessStatus, 'Normal');
    assert.equal(g.spec, '10M');
    assert.equal(g.networkType, 'public');
    assert.equal(g.ipsecVpn, 'enable');
    assert.equal(g.sslVpn, 'disable');
    assert.equal(g.chargeType, 'PostpayByFlow');
    assert.match(g.internetIp, IPV4);
    assert.match(g.disasterRecoveryInternetIp, IPV4);
    assert.notEqual(g.internetIp, g.disasterRecoveryInternetIp, 'one public address per tunnel');
    assert.equal(g.eniInstanceIds.eniInstanceId.length, 2, 'one interface per tunnel');
    s.ip = [g.internetIp, g.disasterRecoveryInternetIp];
  });

  test('two customer gateways', async () => {
    const one = (await c.createCustomerGateway(new Vpc.CreateCustomerGatewayRequest({
      regionId: REGION, ipAddress: CGW1_IP, asn: '65001', name: 'branch-primary',
    }))).body;
    const two = (await c.createCustomerGateway(new Vpc.CreateCustomerGatewayRequest({
      regionId: REGION, ipAddress: CGW2_IP, name: 'branch-backup',
    }))).body;
    for (const [r, ip] of [[one, CGW1_IP], [two, CGW2_IP]]) {
      assert.match(r.customerGatewayId, /^cgw-[a-z0-9]+$/);
      assert.equal(r.ipAddress, ip);
      assert.ok(Math.abs(r.createTime - NOW_MS()) < 60000, 'CreateTime in ms');
    }
    s.cgw = [one.customerGatewayId, two.customerGatewayId];
    const list = await customerGateways();
    assert.equal(list.totalCount, 2);
    const byId = Object.fromEntries(list.customerGateways.customerGateway.map((g) => [g.customerGatewayId, g]));
    assert.equal(byId[s.cgw[0]].asn, 65001);
    assert.equal(byId[s.cgw[0]].name, 'branch-primary');
    assert.equal(byId[s.cgw[1]].ipAddress, CGW2_IP);
  });

  test('connection A (dual-tunnel, AutoConfigRoute default): the gateway is updating; a second change meanwhile is refused', async () => {
    const res = await c.createVpnConnection(new Vpc.CreateVpnConnectionRequest({
      regionId: REGION, vpnGatewayId: s.gw, name: 'to-branch', localSubnet: VPC_CIDR, remoteSubnet: A_REMOTE,
      tunnelOptionsSpecification: [
        tunnelSpec({
          customerGatewayId: s.cgw[0], role: 'master', enableDpd: true, enableNatTraversal: true,
          tunnelIkeConfig: ike({
            psk: 'Master-Key.2024', ikeVersion: 'ikev2', ikeMode: 'main', ikeEncAlg: 'aes256', ikeAuthAlg: 'sha256',
            ikePfs: 'group14', ikeLifetime: 28800, remoteId: 'branch.example.com',
          }),
          tunnelIpsecConfig: ipsec({ ipsecEncAlg: 'aes256', ipsecAuthAlg: 'sha256', ipsecPfs: 'group14', ipsecLifetime: 3600 }),
        }),
        // the standby tunnel gives only a key and a version: everything else is defaulted
        tunnelSpec({
          customerGatewayId: s.cgw[1], role: 'slave', enableNatTraversal: false,
          tunnelIkeConfig: ike({ psk: 'standby-key!2', ikeVersion: 'ikev2' }),
        }),
      ],
    }));
    const made = res.body;
    assert.ok(made instanceof Vpc.CreateVpnConnectionResponseBody);
    assert.match(made.requestId, UUID);
    assert.match(made.vpnConnectionId, /^vco-[a-z0-9]+$/);
    assert.equal(made.name, 'to-branch');
    assert.ok(Math.abs(made.createTime - NOW_MS()) < 60000, 'CreateTime in ms');
    s.vcoA = made.vpnConnectionId;

    // asynchronous: the gateway applies the change while it is updating
    assert.equal((await gateway()).status, 'updating');
    await v3Error(c.createVpnConnection(new Vpc.CreateVpnConnectionRequest({
      regionId: REGION, vpnGatewayId: s.gw, localSubnet: VPC_CIDR, remoteSubnet: B_REMOTE, autoConfigRoute: false,
      tunnelOptionsSpecification: [
        tunnelSpec({ customerGatewayId: s.cgw[1], role: 'master' }),
        tunnelSpec({ customerGatewayId: s.cgw[0], role: 'slave' }),
      ],
    })), CONFIGURING);
    await gatewayActive();
    const list = await connections();
    assert.deepEqual(list.vpnConnections.vpnConnection.map((x) => x.vpnConnectionId), [s.vcoA], 'the refused one was not made');
  });

  test('DescribeVpnConnection A: state, negotiation status, tunnels with the gateway\'s addresses, defaults', async () => {
    const v = await connection(s.vcoA);
    assert.ok(v instanceof Vpc.DescribeVpnConnectionResponseBody);
    assert.match(v.requestId, UUID);
    assert.equal(v.vpnConnectionId, s.vcoA);
    assert.equal(v.vpnGatewayId, s.gw);
    assert.equal(v.name, 'to-branch');
    assert.equal(v.state, 'active');
    assert.equal(v.status, 'ike_sa_not_established', 'no peer ever negotiated: never established');
    assert.equal(v.localSubnet, VPC_CIDR);
    assert.equal(v.remoteSubnet, A_REMOTE);
    assert.equal(v.effectImmediately, false);
    assert.equal(v.enableTunnelsBgp, false);
    assert.equal(v.attachType, 'VPNGW');
    assert.equal(v.networkType, 'public');
    assert.equal(v.spec, '10M');
    assert.equal(v.internetIp, s.ip[0]);
    assert.deepEqual(v.tags.tag, []);

    const t = v.tunnelOptionsSpecification.tunnelOptions;
    assert.equal(t.length, 2);
    const [m, sl] = t;
    assert.deepEqual([m.role, m.tunnelIndex, sl.role, sl.tunnelIndex], ['master', 1, 'slave', 2]);
    assert.match(m.tunnelId, /^tun-[a-z0-9]+$/);
    assert.match(sl.tunnelId, /^tun-[a-z0-9]+$/);
    assert.notEqual(m.tunnelId, sl.tunnelId);
    assert.deepEqual([m.customerGatewayId, sl.customerGatewayId], s.cgw, 'each tunnel its own customer gateway');
    assert.deepEqual([m.internetIp, sl.internetIp], s.ip, 'tunnel addresses: InternetIp, DisasterRecoveryInternetIp');
    assert.deepEqual([m.zoneNo, sl.zoneNo], zones, 'each tunnel in its vSwitch\'s zone');
    for (const x of t) {
      assert.equal(x.state, 'active');
      assert.equal(x.status, 'ike_sa_not_established');
    }
    // the model types these as strings in DescribeVpnConnection
    assert.deepEqual([m.enableDpd, m.enableNatTraversal, sl.enableDpd, sl.enableNatTraversal], ['true', 'true', 'true', 'false']);
    const mi = m.tunnelIkeConfig;
    assert.deepEqual([mi.psk, mi.ikeVersion, mi.ikeMode, mi.ikeEncAlg, mi.ikeAuthAlg, mi.ikePfs, mi.ikeLifetime],
      ['Master-Key.2024', 'ikev2', 'main', 'aes256', 'sha256', 'group14', '28800']);
    assert.equal(mi.localId, s.ip[0], 'LocalId defaults to the tunnel address');
    assert.equal(mi.remoteId, 'branch.example.com');
    const mp = m.tunnelIpsecConfig;
    assert.deepEqual([mp.ipsecEncAlg, mp.ipsecAuthAlg, mp.ipsecPfs, mp.ipsecLifetime], ['aes256', 'sha256', 'group14', '3600']);
    const si = sl.tunnelIkeConfig;
    assert.deepEqual([si.psk, si.ikeVersion, si.ikeMode, si.ikeEncAlg, si.ikeAuthAlg, si.ikePfs, si.ikeLifetime],
      ['standby-key!2', 'ikev2', 'main', 'aes', 'md5', 'group2', '86400'], 'IKE defaults');
    assert.equal(si.localId, s.ip[1]);
    assert.equal(si.remoteId, CGW2_IP, 'RemoteId defaults to the customer gateway address');
    const sp = sl.tunnelIpsecConfig;
    assert.deepEqual([sp.ipsecEncAlg, sp.ipsecAuthAlg, sp.ipsecPfs, sp.ipsecLifetime], ['aes', 'md5', 'group2', '86400'], 'IPsec defaults');
    assert.equal(m.tunnelBgpConfig.peerAsn, '65001', 'the customer gateway\'s ASN');
    assert.equal(m.tunnelBgpConfig.localAsn, '45104');

    // the routes AutoConfigRoute made: one per remote block, next hop A, published
    const r = await routes();
    assert.deepEqual(r.vpnRouteEntries.vpnRouteEntry.map((e) => [e.routeDest, e.nextHop, e.weight, e.state]).sort(),
      [['192.168.10.0/24', s.vcoA, 100, 'published'], ['192.168.11.0/24', s.vcoA, 100, 'published']]);
  });

  test('connection B (AutoConfigRoute=false) with an explicit route and a standby route', async () => {
    const made = (await c.createVpnConnection(new Vpc.CreateVpnConnectionRequest({
      regionId: REGION, vpnGatewayId: s.gw, name: 'to-branch-dc2', localSubnet: VPC_CIDR, remoteSubnet: B_REMOTE,
      autoConfigRoute: false, effectImmediately: true,
      tunnelOptionsSpecification: [
        tunnelSpec({
          customerGatewayId: s.cgw[1], role: 'master',
          tunnelIkeConfig: ike({ ikeVersion: 'ikev1', ikeMode: 'aggressive', ikeAuthAlg: 'sha1' }),
          tunnelIpsecConfig: ipsec({ ipsecPfs: 'disabled', ipsecLifetime: 7200 }),
        }),
        tunnelSpec({ customerGatewayId: s.cgw[0], role: 'slave', enableDpd: false }),
      ],
    }))).body;
    s.vcoB = made.vpnConnectionId;
    assert.match(s.vcoB, /^vco-[a-z0-9]+$/);
    await gatewayActive();
    const v = await connection(s.vcoB);
    assert.equal(v.state, 'active');
    assert.equal(v.status, 'ike_sa_not_established');
    assert.equal(v.effectImmediately, true);
    const [m, sl] = v.tunnelOptionsSpecification.tunnelOptions;
    assert.deepEqual([m.customerGatewayId, sl.customerGatewayId], [s.cgw[1], s.cgw[0]]);
    assert.deepEqual([m.internetIp, sl.internetIp], s.ip);
    assert.equal(m.tunnelIkeConfig.ikeMode, 'aggressive');
    assert.equal(m.tunnelIkeConfig.remoteId, CGW2_IP);
    assert.equal(sl.tunnelIkeConfig.remoteId, CGW1_IP);
    assert.equal(m.tunnelIpsecConfig.ipsecPfs, 'disabled');
    assert.equal(m.tunnelIpsecConfig.ipsecLifetime, '7200');
    assert.equal(sl.enableDpd, 'false');
    for (const x of [m, sl]) assert.equal(x.tunnelIkeConfig.psk.length, 16, 'a generated 16-character key');
    assert.notEqual(m.tunnelIkeConfig.psk, sl.tunnelIkeConfig.psk);
    assert.equal((await routes()).totalCount, 2, 'AutoConfigRoute=false: no route for B');

    const active = (await c.createVpnRouteEntry(new Vpc.CreateVpnRouteEntryRequest({
      regionId: REGION, vpnGatewayId: s.gw, routeDest: B_REMOTE, nextHop: s.vcoB, weight: 100, publishVpc: true,
      description: 'dc2 via B',
    }))).body;
    assert.ok(active instanceof Vpc.CreateVpnRouteEntryResponseBody);
    assert.deepEqual([active.vpnInstanceId, active.routeDest, active.nextHop, active.weight, active.state, active.overlayMode,
      active.description], [s.gw, B_REMOTE, s.vcoB, 100, 'published', 'Ipsec', 'dc2 via B']);
    assert.equal((await gateway()).status, 'updating');
    await gatewayActive();

    // the standby route: same destination, the other connection, weight 0.  On a gateway with
    // dual-tunnel connections the weight "does not take effect" and is shown as 100.
    const standby = (await c.createVpnRouteEntry(new Vpc.CreateVpnRouteEntryRequest({
      regionId: REGION, vpnGatewayId: s.gw, routeDest: B_REMOTE, nextHop: s.vcoA, weight: 0, publishVpc: false,
    }))).body;
    assert.deepEqual([standby.nextHop, standby.weight, standby.state], [s.vcoA, 100, 'normal']);
    await gatewayActive();
  });

  test('DescribeVpnRouteEntries and DescribeVpnConnections', async () => {
    const r = await routes();
    assert.ok(r instanceof Vpc.DescribeVpnRouteEntriesResponseBody);
    assert.equal(r.totalCount, 4);
    assert.equal(r.pageNumber, 1);
    assert.equal(r.pageSize, 50);
    assert.deepEqual(rows(r.vpnRouteEntries.vpnRouteEntry.map((e) => [e.routeDest, e.nextHop, e.weight, e.state])), rows([
      [B_REMOTE, s.vcoA, 100, 'normal'],
      [B_REMOTE, s.vcoB, 100, 'published'],
      ['192.168.10.0/24', s.vcoA, 100, 'published'],
      ['192.168.11.0/24', s.vcoA, 100, 'published'],
    ]));
    for (const e of r.vpnRouteEntries.vpnRouteEntry) {
      assert.equal(e.vpnInstanceId, s.gw);
      assert.equal(e.routeEntryType, 'custom');
    }
    assert.deepEqual(r.vpnRouteCounts.vpnRouteCount.map((x) => [x.routeEntryType, x.routeCount]), [['custom', 4]]);

    const list = await connections();
    assert.equal(list.totalCount, 2);
    assert.deepEqual(list.vpnConnections.vpnConnection.map((x) => x.vpnConnectionId).sort(), [s.vcoA, s.vcoB].sort());
    for (const x of list.vpnConnections.vpnConnection) {
      assert.equal(x.status, 'ike_sa_not_established', 'still not established, seconds later');
      assert.deepEqual(x.tunnelOptionsSpecification.tunnelOptions.map((t) => t.internetIp), s.ip);
    }
    const viaCgw = (await c.describeVpnConnections(new Vpc.DescribeVpnConnectionsRequest({
      regionId: REGION, customerGatewayId: s.cgw[1],
    }))).body;
    assert.equal(viaCgw.totalCount, 2, 'both connections have a tunnel to the second customer gateway');
  });

  test('DownloadVpnConnectionConfig: the peer\'s view of connection A', { skip: HAS_DOWNLOAD ? false : NO_DOWNLOAD }, async () => {
    const v = await connection(s.vcoA);
    const d = (await c.downloadVpnConnectionConfig(new Vpc.DownloadVpnConnectionConfigRequest({
      regionId: REGION, vpnConnectionId: s.vcoA,
    }))).body;
    assert.ok(d instanceof Vpc.DownloadVpnConnectionConfigResponseBody);
    assert.match(d.requestId, UUID);
    const cfg = d.vpnConnectionConfig;
    // documented from the customer device's side: Local/LocalSubnet/LocalId are the data
    // center's, Remote/RemoteSubnet/RemoteId the VPC's (SDK model doc comments of the top
    // level); the tunnel items have no doc comments and are read the same way
    assert.equal(cfg.localSubnet, A_REMOTE);
    assert.equal(cfg.remoteSubnet, VPC_CIDR);
    const tunnels = cfg.tunnelsConfig.tunnelConfig;
    assert.equal(tunnels.length, 2);
    for (const want of v.tunnelOptionsSpecification.tunnelOptions) {
      const got = tunnels.find((x) => x.tunnelId === want.tunnelId);
      assert.ok(got, `tunnel ${want.tunnelId} is in the download`);
      const cgwIp = want.customerGatewayId === s.cgw[0] ? CGW1_IP : CGW2_IP;
      assert.equal(got.local, cgwIp);
      assert.equal(got.remote, want.internetIp);
      const wi = want.tunnelIkeConfig;
      const gi = got.ikeConfig;
      assert.deepEqual([gi.psk, gi.ikeVersion, gi.ikeMode, gi.ikeEncAlg, gi.ikeAuthAlg, gi.ikePfs, gi.ikeLifetime],
        [wi.psk, wi.ikeVersion, wi.ikeMode, wi.ikeEncAlg, wi.ikeAuthAlg, wi.ikePfs, Number(wi.ikeLifetime)]);
      assert.equal(gi.localId, wi.remoteId, 'the peer\'s LocalId is the gateway\'s RemoteId');
      assert.equal(gi.remoteId, wi.localId);
      const wp = want.tunnelIpsecConfig;
      const gp = got.ipsecConfig;
      assert.deepEqual([gp.ipsecEncAlg, gp.ipsecAuthAlg, gp.ipsecPfs, gp.ipsecLifetime],
        [wp.ipsecEncAlg, wp.ipsecAuthAlg, wp.ipsecPfs, Number(wp.ipsecLifetime)]);
    }
    await v3Error(c.downloadVpnConnectionConfig(new Vpc.DownloadVpnConnectionConfigRequest({
      regionId: REGION, vpnConnectionId: 'vco-doesnotexist000000',
    })), VCO_NOT_FOUND);
  });

  test('refusals: VPC with vSwitches, vSwitch used by the gateway, customer gateway and gateway used by connections', async () => {
    await v3Error(c.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId: s.vpc })), VPC_HAS_VSWITCHES);
    for (const id of s.vsw) {
      await v3Error(c.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: id })), VSWITCH_IN_USE);
    }
    for (const id of s.cgw) {
      await v3Error(c.deleteCustomerGateway(new Vpc.DeleteCustomerGatewayRequest({ regionId: REGION, customerGatewayId: id })),
        HAS_CONNECTIONS);
    }
    await v3Error(c.deleteVpnGateway(new Vpc.DeleteVpnGatewayRequest({ regionId: REGION, vpnGatewayId: s.gw })), HAS_CONNECTIONS);
    // nothing changed
    assert.equal((await gateway()).status, 'active');
    assert.equal((await connections()).totalCount, 2);
    assert.equal((await customerGateways()).totalCount, 2);
    assert.equal((await c.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION, vpcId: s.vpc }))).body.totalCount, 2);
  });

  test('teardown in dependency order until nothing is left', async () => {
    // the two routes made by hand (weight as DescribeVpnRouteEntries shows it)
    for (const nextHop of [s.vcoB, s.vcoA]) {
      const del = await c.deleteVpnRouteEntry(new Vpc.DeleteVpnRouteEntryRequest({
        regionId: REGION, vpnGatewayId: s.gw, routeDest: B_REMOTE, nextHop, weight: 100,
      }));
      assert.match(del.body.requestId, UUID);
      await gatewayActive();
    }
    assert.equal((await routes()).totalCount, 2);

    // the connections, one change at a time: a delete right after another is refused
    await c.deleteVpnConnection(new Vpc.DeleteVpnConnectionRequest({ regionId: REGION, vpnConnectionId: s.vcoA }));
    await v3Error(c.deleteVpnConnection(new Vpc.DeleteVpnConnectionRequest({ regionId: REGION, vpnConnectionId: s.vcoB })),
      CONFIGURING);
    await gatewayActive();
    await v3Error(connection(s.vcoA), VCO_NOT_FOUND);
    assert.equal((await connection(s.vcoB)).state, 'active', 'the refused delete left B alone');
    // B still holds both customer gateways
    await v3Error(c.deleteCustomerGateway(new Vpc.DeleteCustomerGatewayRequest({ regionId: REGION, customerGatewayId: s.cgw[0] })),
      HAS_CONNECTIONS);
    await c.deleteVpnConnection(new Vpc.DeleteVpnConnectionRequest({ regionId: REGION, vpnConnectionId: s.vcoB }));
    await gatewayActive();
    assert.equal((await connections()).totalCount, 0);
    const r = await routes();
    assert.equal(r.totalCount, 0, 'the automatic routes went with connection A');
    assert.deepEqual(r.vpnRouteEntries.vpnRouteEntry, []);

    for (const id of s.cgw) {
      await c.deleteCustomerGateway(new Vpc.DeleteCustomerGatewayRequest({ regionId: REGION, customerGatewayId: id }));
    }
    const cgws = await customerGateways();
    assert.equal(cgws.totalCount, 0);
    assert.deepEqual(cgws.customerGateways.customerGateway, []);
    await v3Error(c.describeCustomerGateway(new Vpc.DescribeCustomerGatewayRequest({ regionId: REGION, customerGatewayId: s.cgw[0] })),
      CGW_NOT_FOUND);

    await c.deleteVpnGateway(new Vpc.DeleteVpnGatewayRequest({ regionId: REGION, vpnGatewayId: s.gw }));
    await v3Error(gateway(), GW_NOT_FOUND);
    const gws = (await c.describeVpnGateways(new Vpc.DescribeVpnGatewaysRequest({ regionId: REGION }))).body;
    assert.equal(gws.totalCount, 0);
    assert.deepEqual(gws.vpnGateways.vpnGateway, []);

    for (const id of s.vsw) await c.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: id }));
    await c.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId: s.vpc }));
    const vpcs = (await c.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION }))).body;
    assert.equal(vpcs.totalCount, 0);
    assert.deepEqual(vpcs.vpcs.vpc, []);
    assert.equal((await c.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION }))).body.totalCount, 0);
    assert.equal((await c.describeVpnConnections(new Vpc.DescribeVpnConnectionsRequest({ regionId: REGION }))).body.totalCount, 0);
  });
});

// =====================================================================================
describe('IPsec-VPN scenario through @alicloud/pop-core (V2 signature, POST form)', () => {
  let srv;
  let call;
  const zones = ['cn-hangzhou-h', 'cn-hangzhou-i'];
  const s = {};

  before(async () => {
    srv = await startStrict(KEY_POP);
    const client = new RPCClient({
      accessKeyId: KEY_POP.id, accessKeySecret: KEY_POP.secret, endpoint: srv.url, apiVersion: '2016-04-28',
    });
    // pop-core defaults to GET; send every parameter in a signed POST form body
    call = (action, params = {}) => client.request(action, { RegionId: REGION, ...params }, { method: 'POST', timeout: 10000 });
  });

  after(async () => {
    if (srv) assertCleanExit(await srv.stop(), 'vpnlabd (pop-core scenario)');
  });

  const refused = (promise, expected) => popError(srv, promise, expected);
  const gateway = () => call('DescribeVpnGateway', { VpnGatewayId: s.gw });
  const gatewayActive = () => waitFor('VPN gateway active', async () => (await gateway()).Status === 'active', 10000, 50);
  const connection = (id) => call('DescribeVpnConnection', { VpnConnectionId: id });
  const routes = () => call('DescribeVpnRouteEntries', { VpnGatewayId: s.gw, PageSize: 50 });
  const connections = () => call('DescribeVpnConnections', { VpnGatewayId: s.gw });
  /** Tunnel N's parameters, flattened the way the cloud reads them: TunnelOptionsSpecification.N.<path>. */
  const tunnel = (n, fields) =>
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [`TunnelOptionsSpecification.${n}.${k}`, v]));
  const plain = (x) => JSON.parse(JSON.stringify(x)); // json-bigint answers null-prototype objects

  test('a VPC with two vSwitches in two zones', async () => {
    s.vpc = (await call('CreateVpc', { CidrBlock: VPC_CIDR, VpcName: 'vpn-lab' })).VpcId;
    assert.match(s.vpc, /^vpc-[a-z0-9]+$/);
    await waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: s.vpc })).Vpcs.Vpc[0].Status === 'Available');
    s.vsw = [];
    for (const [i, ZoneId] of zones.entries()) {
      const r = await call('CreateVSwitch', { VpcId: s.vpc, ZoneId, CidrBlock: `10.0.${i + 1}.0/24`, VSwitchName: `tunnel-${i + 1}` });
      assert.match(r.VSwitchId, /^vsw-[a-z0-9]+$/);
      s.vsw.push(r.VSwitchId);
    }
    const list = await waitFor('vSwitches Available', async () => {
      const got = await call('DescribeVSwitches', { VpcId: s.vpc });
      return got.VSwitches.VSwitch.every((v) => v.Status === 'Available') && got;
    });
    assert.equal(list.TotalCount, 2);
    assert.deepEqual(list.VSwitches.VSwitch.map((v) => [v.VSwitchId, v.ZoneId]).sort(),
      [[s.vsw[0], zones[0]], [s.vsw[1], zones[1]]].sort());
  });

  test('a dual-tunnel VPN gateway: provisioning, then active (polled by DescribeVpnGateway)', async () => {
    const made = await call('CreateVpnGateway', {
      VpcId: s.vpc, VSwitchId: s.vsw[0], DisasterRecoveryVSwitchId: s.vsw[1], Bandwidth: 10, Name: 'vpn-lab-gw',
      EnableIpsec: true, EnableSsl: false, InstanceChargeType: 'POSTPAY', AutoPay: true,
    });
    assert.deepEqual(Object.keys(made).sort(), ['Name', 'OrderId', 'RequestId', 'VpnGatewayId']);
    assert.match(made.RequestId, UUID);
    assert.match(made.VpnGatewayId, /^vpn-[a-z0-9]+$/);
    assert.equal(made.Name, 'vpn-lab-gw');
    assert.match(String(made.OrderId), /^\d+$/);
    s.gw = made.VpnGatewayId;

    assert.equal((await gateway()).Status, 'provisioning');
    await gatewayActive();
    const g = await gateway();
    assert.equal(g.VpnGatewayId, s.gw);
    assert.equal(g.VpcId, s.vpc);
    assert.equal(g.VSwitchId, s.vsw[0]);
    assert.equal(g.DisasterRecoveryVSwitchId, s.vsw[1]);
    assert.equal(g.Status, 'active');
    assert.equal(g.BusinessStatus, 'Normal');
    assert.equal(g.Spec, '10M');
    assert.equal(g.NetworkType, 'public');
    assert.equal(g.IpsecVpn, 'enable');
    assert.equal(g.SslVpn, 'disable');
    assert.equal(g.ChargeType, 'PostpayByFlow');
    assert.match(g.InternetIp, IPV4);
    assert.match(g.DisasterRecoveryInternetIp, IPV4);
    assert.notEqual(g.InternetIp, g.DisasterRecoveryInternetIp);
    assert.equal(g.EniInstanceIds.EniInstanceId.length, 2);
    s.ip = [g.InternetIp, g.DisasterRecoveryInternetIp];
  });

  test('two customer gateways', async () => {
    const one = await call('CreateCustomerGateway', { IpAddress: CGW1_IP, Asn: '65001', Name: 'branch-primary' });
    const two = await call('CreateCustomerGateway', { IpAddress: CGW2_IP, Name: 'branch-backup' });
    for (const [r, ip] of [[one, CGW1_IP], [two, CGW2_IP]]) {
      assert.match(r.CustomerGatewayId, /^cgw-[a-z0-9]+$/);
      assert.equal(r.IpAddress, ip);
      assert.ok(Math.abs(r.CreateTime - NOW_MS()) < 60000);
    }
    s.cgw = [one.CustomerGatewayId, two.CustomerGatewayId];
    const got = await call('DescribeCustomerGateway', { CustomerGatewayId: s.cgw[0] });
    assert.deepEqual([got.IpAddress, got.Asn, got.Name], [CGW1_IP, 65001, 'branch-primary']);
    assert.equal((await call('DescribeCustomerGateways')).TotalCount, 2);
  });

  test('connection A (dual-tunnel, AutoConfigRoute default): the gateway is updating; a second change meanwhile is refused', async () => {
    const made = await call('CreateVpnConnection', {
      VpnGatewayId: s.gw, Name: 'to-branch', LocalSubnet: VPC_CIDR, RemoteSubnet: A_REMOTE,
      ...tunnel(1, {
        CustomerGatewayId: s.cgw[0], Role: 'master', EnableDpd: true, EnableNatTraversal: true,
        'TunnelIkeConfig.Psk': 'Master-Key.2024', 'TunnelIkeConfig.IkeVersion': 'ikev2', 'TunnelIkeConfig.IkeMode': 'main',
        'TunnelIkeConfig.IkeEncAlg': 'aes256', 'TunnelIkeConfig.IkeAuthAlg': 'sha256', 'TunnelIkeConfig.IkePfs': 'group14',
        'TunnelIkeConfig.IkeLifetime': 28800, 'TunnelIkeConfig.RemoteId': 'branch.example.com',
        'TunnelIpsecConfig.IpsecEncAlg': 'aes256', 'TunnelIpsecConfig.IpsecAuthAlg': 'sha256',
        'TunnelIpsecConfig.IpsecPfs': 'group14', 'TunnelIpsecConfig.IpsecLifetime': 3600,
      }),
      ...tunnel(2, {
        CustomerGatewayId: s.cgw[1], Role: 'slave', EnableNatTraversal: false,
        'TunnelIkeConfig.Psk': 'standby-key!2', 'TunnelIkeConfig.IkeVersion': 'ikev2',
      }),
    });
    assert.deepEqual(Object.keys(made).sort(), ['CreateTime', 'Name', 'RequestId', 'VpnConnectionId']);
    assert.match(made.VpnConnectionId, /^vco-[a-z0-9]+$/);
    assert.equal(made.Name, 'to-branch');
    s.vcoA = made.VpnConnectionId;

    assert.equal((await gateway()).Status, 'updating');
    await refused(call('CreateVpnConnection', {
      VpnGatewayId: s.gw, LocalSubnet: VPC_CIDR, RemoteSubnet: B_REMOTE, AutoConfigRoute: false,
      ...tunnel(1, { CustomerGatewayId: s.cgw[1], Role: 'master' }),
      ...tunnel(2, { CustomerGatewayId: s.cgw[0], Role: 'slave' }),
    }), CONFIGURING);
    await gatewayActive();
    const list = await connections();
    assert.deepEqual(list.VpnConnections.VpnConnection.map((x) => x.VpnConnectionId), [s.vcoA]);
  });

  test('DescribeVpnConnection A: state, negotiation status, tunnels with the gateway\'s addresses, defaults', async () => {
    const v = await connection(s.vcoA);
    assert.match(v.RequestId, UUID);
    assert.equal(v.VpnConnectionId, s.vcoA);
    assert.equal(v.VpnGatewayId, s.gw);
    assert.equal(v.State, 'active');
    assert.equal(v.Status, 'ike_sa_not_established');
    assert.equal(v.LocalSubnet, VPC_CIDR);
    assert.equal(v.RemoteSubnet, A_REMOTE);
    assert.equal(v.EffectImmediately, false);
    assert.equal(v.EnableTunnelsBgp, false);
    assert.equal(v.AttachType, 'VPNGW');
    assert.equal(v.Spec, '10M');
    assert.equal(v.InternetIp, s.ip[0]);

    const t = v.TunnelOptionsSpecification.TunnelOptions;
    assert.equal(t.length, 2);
    const [m, sl] = t;
    assert.deepEqual([m.Role, m.TunnelIndex, sl.Role, sl.TunnelIndex], ['master', 1, 'slave', 2]);
    assert.notEqual(m.TunnelId, sl.TunnelId);
    assert.deepEqual([m.CustomerGatewayId, sl.CustomerGatewayId], s.cgw);
    assert.deepEqual([m.InternetIp, sl.InternetIp], s.ip);
    assert.deepEqual([m.ZoneNo, sl.ZoneNo], zones);
    for (const x of t) assert.deepEqual([x.State, x.Status], ['active', 'ike_sa_not_established']);
    assert.deepEqual([m.EnableDpd, m.EnableNatTraversal, sl.EnableDpd, sl.EnableNatTraversal], ['true', 'true', 'true', 'false']);
    assert.deepEqual(plain(m.TunnelIkeConfig), {
      Psk: 'Master-Key.2024', IkeVersion: 'ikev2', IkeMode: 'main', IkeEncAlg: 'aes256', IkeAuthAlg: 'sha256',
      IkePfs: 'group14', IkeLifetime: '28800', LocalId: s.ip[0], RemoteId: 'branch.example.com',
    });
    assert.deepEqual(plain(m.TunnelIpsecConfig), { IpsecEncAlg: 'aes256', IpsecAuthAlg: 'sha256', IpsecPfs: 'group14', IpsecLifetime: '3600' });
    assert.deepEqual(plain(sl.TunnelIkeConfig), {
      Psk: 'standby-key!2', IkeVersion: 'ikev2', IkeMode: 'main', IkeEncAlg: 'aes', IkeAuthAlg: 'md5',
      IkePfs: 'group2', IkeLifetime: '86400', LocalId: s.ip[1], RemoteId: CGW2_IP,
    }, 'IKE defaults');
    assert.deepEqual(plain(sl.TunnelIpsecConfig), { IpsecEncAlg: 'aes', IpsecAuthAlg: 'md5', IpsecPfs: 'group2', IpsecLifetime: '86400' },
      'IPsec defaults');

    const r = await routes();
    assert.deepEqual(r.VpnRouteEntries.VpnRouteEntry.map((e) => [e.RouteDest, e.NextHop, e.Weight, e.State]).sort(),
      [['192.168.10.0/24', s.vcoA, 100, 'published'], ['192.168.11.0/24', s.vcoA, 100, 'published']]);
  });

  test('connection B (AutoConfigRoute=false) with an explicit route and a standby route', async () => {
    const made = await call('CreateVpnConnection', {
      VpnGatewayId: s.gw, Name: 'to-branch-dc2', LocalSubnet: VPC_CIDR, RemoteSubnet: B_REMOTE,
      AutoConfigRoute: false, EffectImmediately: true,
      ...tunnel(1, {
        CustomerGatewayId: s.cgw[1], Role: 'master', 'TunnelIkeConfig.IkeVersion': 'ikev1',
        'TunnelIkeConfig.IkeMode': 'aggressive', 'TunnelIkeConfig.IkeAuthAlg': 'sha1',
        'TunnelIpsecConfig.IpsecPfs': 'disabled', 'TunnelIpsecConfig.IpsecLifetime': 7200,
      }),
      ...tunnel(2, { CustomerGatewayId: s.cgw[0], Role: 'slave', EnableDpd: false }),
    });
    s.vcoB = made.VpnConnectionId;
    await gatewayActive();
    const v = await connection(s.vcoB);
    assert.deepEqual([v.State, v.Status, v.EffectImmediately], ['active', 'ike_sa_not_established', true]);
    const [m, sl] = v.TunnelOptionsSpecification.TunnelOptions;
    assert.deepEqual([m.CustomerGatewayId, sl.CustomerGatewayId], [s.cgw[1], s.cgw[0]]);
    assert.deepEqual([m.InternetIp, sl.InternetIp], s.ip);
    assert.deepEqual([m.TunnelIkeConfig.IkeMode, m.TunnelIkeConfig.RemoteId, sl.TunnelIkeConfig.RemoteId], ['aggressive', CGW2_IP, CGW1_IP]);
    assert.deepEqual([m.TunnelIpsecConfig.IpsecPfs, m.TunnelIpsecConfig.IpsecLifetime, sl.EnableDpd], ['disabled', '7200', 'false']);
    for (const x of [m, sl]) assert.equal(x.TunnelIkeConfig.Psk.length, 16);
    assert.equal((await routes()).TotalCount, 2, 'AutoConfigRoute=false: no route for B');

    const active = await call('CreateVpnRouteEntry', {
      VpnGatewayId: s.gw, RouteDest: B_REMOTE, NextHop: s.vcoB, Weight: 100, PublishVpc: true, Description: 'dc2 via B',
    });
    assert.deepEqual([active.VpnInstanceId, active.RouteDest, active.NextHop, active.Weight, active.State, active.OverlayMode,
      active.Description], [s.gw, B_REMOTE, s.vcoB, 100, 'published', 'Ipsec', 'dc2 via B']);
    // a second route change while the first one is applied
    await refused(call('CreateVpnRouteEntry', {
      VpnGatewayId: s.gw, RouteDest: B_REMOTE, NextHop: s.vcoA, Weight: 0, PublishVpc: false,
    }), CONFIGURING);
    await gatewayActive();
    const standby = await call('CreateVpnRouteEntry', {
      VpnGatewayId: s.gw, RouteDest: B_REMOTE, NextHop: s.vcoA, Weight: 0, PublishVpc: false,
    });
    assert.deepEqual([standby.NextHop, standby.Weight, standby.State], [s.vcoA, 100, 'normal'], 'dual-tunnel: the weight has no effect');
    await gatewayActive();
  });

  test('DescribeVpnRouteEntries and DescribeVpnConnections', async () => {
    const r = await routes();
    assert.deepEqual([r.TotalCount, r.PageNumber, r.PageSize], [4, 1, 50]);
    assert.deepEqual(rows(r.VpnRouteEntries.VpnRouteEntry.map((e) => [e.RouteDest, e.NextHop, e.Weight, e.State])), rows([
      [B_REMOTE, s.vcoA, 100, 'normal'],
      [B_REMOTE, s.vcoB, 100, 'published'],
      ['192.168.10.0/24', s.vcoA, 100, 'published'],
      ['192.168.11.0/24', s.vcoA, 100, 'published'],
    ]));
    assert.ok(r.VpnRouteEntries.VpnRouteEntry.every((e) => e.VpnInstanceId === s.gw && e.RouteEntryType === 'custom'));
    assert.deepEqual(r.VpnRouteCounts.VpnRouteCount.map((x) => [x.RouteEntryType, x.RouteCount]), [['custom', 4]]);

    const list = await connections();
    assert.equal(list.TotalCount, 2);
    for (const x of list.VpnConnections.VpnConnection) {
      assert.equal(x.Status, 'ike_sa_not_established');
      assert.deepEqual(x.TunnelOptionsSpecification.TunnelOptions.map((t) => t.InternetIp), s.ip);
    }
    assert.equal((await call('DescribeVpnConnections', { CustomerGatewayId: s.cgw[0] })).TotalCount, 2);
  });

  test('DownloadVpnConnectionConfig: the peer\'s view of connection B', { skip: HAS_DOWNLOAD ? false : NO_DOWNLOAD }, async () => {
    const v = await connection(s.vcoB);
    const d = await call('DownloadVpnConnectionConfig', { VpnConnectionId: s.vcoB });
    assert.match(d.RequestId, UUID);
    const cfg = d.VpnConnectionConfig;
    assert.equal(cfg.LocalSubnet, B_REMOTE);
    assert.equal(cfg.RemoteSubnet, VPC_CIDR);
    const tunnels = cfg.TunnelsConfig.TunnelConfig;
    assert.equal(tunnels.length, 2);
    for (const want of v.TunnelOptionsSpecification.TunnelOptions) {
      const got = tunnels.find((x) => x.TunnelId === want.TunnelId);
      assert.ok(got, `tunnel ${want.TunnelId} is in the download`);
      assert.equal(got.Local, want.CustomerGatewayId === s.cgw[0] ? CGW1_IP : CGW2_IP);
      assert.equal(got.Remote, want.InternetIp);
      const wi = want.TunnelIkeConfig;
      const gi = got.IkeConfig;
      assert.deepEqual([gi.Psk, gi.IkeVersion, gi.IkeMode, gi.IkeEncAlg, gi.IkeAuthAlg, gi.IkePfs, gi.IkeLifetime, gi.LocalId, gi.RemoteId],
        [wi.Psk, wi.IkeVersion, wi.IkeMode, wi.IkeEncAlg, wi.IkeAuthAlg, wi.IkePfs, Number(wi.IkeLifetime), wi.RemoteId, wi.LocalId]);
      const wp = want.TunnelIpsecConfig;
      const gp = got.IpsecConfig;
      assert.deepEqual([gp.IpsecEncAlg, gp.IpsecAuthAlg, gp.IpsecPfs, gp.IpsecLifetime],
        [wp.IpsecEncAlg, wp.IpsecAuthAlg, wp.IpsecPfs, Number(wp.IpsecLifetime)]);
    }
  });

  test('refusals: VPC with vSwitches, vSwitch used by the gateway, customer gateway and gateway used by connections', async () => {
    await refused(call('DeleteVpc', { VpcId: s.vpc }), VPC_HAS_VSWITCHES);
    for (const id of s.vsw) await refused(call('DeleteVSwitch', { VSwitchId: id }), VSWITCH_IN_USE);
    for (const id of s.cgw) await refused(call('DeleteCustomerGateway', { CustomerGatewayId: id }), HAS_CONNECTIONS);
    await refused(call('DeleteVpnGateway', { VpnGatewayId: s.gw }), HAS_CONNECTIONS);
    assert.equal((await gateway()).Status, 'active');
    assert.equal((await connections()).TotalCount, 2);
    assert.equal((await call('DescribeCustomerGateways')).TotalCount, 2);
    assert.equal((await call('DescribeVSwitches', { VpcId: s.vpc })).TotalCount, 2);
  });

  test('teardown in dependency order until nothing is left', async () => {
    for (const NextHop of [s.vcoB, s.vcoA]) {
      const del = await call('DeleteVpnRouteEntry', { VpnGatewayId: s.gw, RouteDest: B_REMOTE, NextHop, Weight: 100 });
      assert.deepEqual(Object.keys(del), ['RequestId']);
      await gatewayActive();
    }
    assert.equal((await routes()).TotalCount, 2);

    await call('DeleteVpnConnection', { VpnConnectionId: s.vcoA });
    await refused(call('DeleteVpnConnection', { VpnConnectionId: s.vcoB }), CONFIGURING);
    await gatewayActive();
    await refused(connection(s.vcoA), VCO_NOT_FOUND);
    assert.equal((await connection(s.vcoB)).State, 'active');
    await refused(call('DeleteCustomerGateway', { CustomerGatewayId: s.cgw[1] }), HAS_CONNECTIONS);
    await call('DeleteVpnConnection', { VpnConnectionId: s.vcoB });
    await gatewayActive();
    assert.equal((await connections()).TotalCount, 0);
    const r = await routes();
    assert.equal(r.TotalCount, 0, 'the automatic routes went with connection A');
    assert.deepEqual(plain(r.VpnRouteEntries.VpnRouteEntry), []);

    for (const id of s.cgw) await call('DeleteCustomerGateway', { CustomerGatewayId: id });
    const cgws = await call('DescribeCustomerGateways');
    assert.equal(cgws.TotalCount, 0);
    assert.deepEqual(plain(cgws.CustomerGateways.CustomerGateway), []);
    await refused(call('DescribeCustomerGateway', { CustomerGatewayId: s.cgw[1] }), CGW_NOT_FOUND);

    await call('DeleteVpnGateway', { VpnGatewayId: s.gw });
    await refused(gateway(), GW_NOT_FOUND);
    const gws = await call('DescribeVpnGateways');
    assert.equal(gws.TotalCount, 0);
    assert.deepEqual(plain(gws.VpnGateways.VpnGateway), []);

    for (const id of s.vsw) await call('DeleteVSwitch', { VSwitchId: id });
    await call('DeleteVpc', { VpcId: s.vpc });
    const vpcs = await call('DescribeVpcs');
    assert.equal(vpcs.TotalCount, 0);
    assert.deepEqual(plain(vpcs.Vpcs.Vpc), []);
    assert.equal((await call('DescribeVSwitches')).TotalCount, 0);
    assert.equal((await call('DescribeVpnConnections')).TotalCount, 0);
  });
});
