'use strict';
// The seed scenario "connect to transit routers over IPsec tunnels", driven end to end through
// @alicloud/pop-core (V2 signature, signed POST form) against a strict-mode vpnlabd with a short
// but non-zero transition delay: one client with apiVersion 2017-09-12 (CBN: CEN, transit
// router, attachments, route tables) and one with 2016-04-28 (VPC, customer gateways, IPsec
// connections), both on the local server.  Every wait polls the documented target status the
// way an SDK user or Terraform does (Active, Attached, Available, attached, init), never sleeps.
//
//   VPC 10.0.0.0/16 (vSwitches 10.0.1.0/24 zone h, 10.0.2.0/24 zone i) ── VPC attachment ──┐
//   IPsec connections 1..17 (CreateVpnAttachment, unbound), all RemoteSubnet 172.16.0.0/16 ─┼─ TR ── custom route table
//                                                                                          │   (192.168.250.0/24 CIDR block)
//
// The custom table: the VPC attachment and connections 1 and 2 are associated with it (it is
// their forwarding table); the VPC attachment and every IPsec attachment propagate into it.
// Checked: two Active propagated routes to 172.16.0.0/16 with two next hops (ECMP); with 17
// members, exactly 16 Active and the 17th Candidate (research-tr-route.md §6: the ECMP limit is
// 16 IPsec connections per transit router, the first 16 propagations enabled are Active);
// a forced delete of an Active member promotes the Candidate; DescribeVpnConnection of an
// attached connection (AttachType CEN, TransitRouterId, State attached, Status
// ike_sa_not_established); then the teardown in dependency order with every refusal along the
// way read from pop-core's error object (name, code, data.Code/Message/RequestId/HostId, HTTP
// status), until DescribeCens, ListTransitRouters and the VPC side are empty.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const RPCClient = require('@alicloud/pop-core');
const { HOLD_MS, startServer, assertCleanExit, waitFor, rejection } = require('./sdk-harness.js');

const REGION = 'cn-hangzhou';
const DELAY_MS = HOLD_MS; // transitional states hold until a waitFor settles them
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const KEY = { id: 'LTAI5tCbnScenarioKey03', secret: 'sEcReT-cbn-scenario-a1b2c3d4e5f6', account: '1122334455667788' };

const VPC_CIDR = '10.0.0.0/16';
const ZONES = ['cn-hangzhou-h', 'cn-hangzhou-i'];
const VSW_CIDRS = ['10.0.1.0/24', '10.0.2.0/24'];
const TR_CIDR = '192.168.250.0/24'; // the router's block: tunnel addresses of private connections
const BRANCH = '172.16.0.0/16'; // the branch network every IPsec connection reaches (RemoteSubnet)
const CGW_IPS = ['203.0.113.10', '198.51.100.20']; // RFC 5737 documentation addresses
const CONNECTIONS = 17; // 2 for the ECMP pair, then 15 more: a 17th member and beyond
const ECMP_MAX = 16;

// ---- expected refusals: HTTP status, code, message ----

const ATTACHED_CHILD = {
  status: 400, code: 'InvalidOperation.AttachedChildInstanceExist',
  message: 'Operation is invalid because the transit router has network instance connections.',
};
const TR_DELETE_FAILED = {
  status: 400, code: 'OperationFailed.DeleteTransitRouter',
  message: 'Operation failed because TransitRouterRouteTable or TransitRouterRouteEntry or BandwidthTransitRegion exists.',
};
const CEN_WITH_TABLE = {
  status: 400, code: 'OperationFailed.DeleteCenWithCustomRouteTable',
  message: 'Operation failed because you are not allowed to delete the CEN with the custom transit router route table.',
};
const CEN_CREATING = { status: 400, code: 'IncorrectStatus.CenInstance', message: 'The status of CenInstance is incorrect.' };
const CEN_BUSY = {
  status: 409, code: 'InvalidOperation.CenInstanceStatus', message: 'The CEN instance is not in a valid state for the operation.',
};
const TR_BUSY = { status: 400, code: 'IncorrectStatus.TransitRouterInstance', message: 'The status of TransitRouter is incorrect.' };
const ATT_ASSOCIATED = {
  status: 400, code: 'OperationFailed.RouteTableAssociationExist', message: 'Operation failed because there is associated routing table.',
};
const ATT_PROPAGATING = {
  status: 400, code: 'OperationFailed.RouteTablePropagationExist',
  message: 'The specified TransitRouterAttachment has configured RouteTablePropagation. Please remove the configuration first.',
};
const VPN_ATT_BUSY = {
  status: 400, code: 'IncorrectStatus.ResourceStatus', message: 'The resource is not in a valid state for the attachment operation.',
};
// inferred code (research-cen.md §4); the emulator names the connection in the message
const VPN_ALREADY_ATTACHED = (vco) => ({
  status: 400, code: 'IncorrectStatus.VpnConnection', message: `The IPsec-VPN connection ${vco} is already attached to a transit router.`,
});
const TABLE_ASSOCIATED = {
  status: 400, code: 'OperationFailed.DeleteRouteTableWithAssociation',
  message: 'Operation failed because you are not allowed to delete TransitRouterRouteTable with association',
};
const TABLE_PROPAGATING = {
  status: 400, code: 'OperationFailed.DeleteRouteTableWithPropagation',
  message: 'Operation failed because you are not allowed to delete transit router route table with propagation',
};
const PAIR_BUSY = {
  status: 400, code: 'IncorrectStatus.AttachmentOrRouteTable', message: 'The resource is not in a valid state for the operation.',
};
const ATT_NOT_FOUND = { status: 400, code: 'InvalidTransitRouterAttachmentId.NotFound', message: 'TransitRouterAttachmentId is not found.' };
const TR_NOT_FOUND = { status: 400, code: 'InvalidTransitRouterInstance.NotFound', message: 'The Transit Router instance is not found.' };
const CEN_NOT_FOUND = { status: 400, code: 'ParameterCenInstanceId', message: 'The specified CEN instance does not exist.' };
// VPC API (2016-04-28)
// the emulator names the connection and its router in the message
const VCO_ATTACHED = (vco, tr) => ({
  status: 400, code: 'IncorrectStatus.VpnConnection',
  message: `The IPsec-VPN connection ${vco} is attached to transit router ${tr}: delete the transit router attachment first.`,
});
const VCO_CONFIGURING = { status: 400, code: 'VpnConnection.Configuring', message: 'The specified vpn connection is configuring.' };
const VCO_NOT_FOUND = {
  status: 404, code: 'InvalidVpnConnectionInstanceId.NotFound', message: 'The specified vpn connection instance id does not exist.',
};
const CGW_IN_USE = {
  status: 400, code: 'DependencyViolation.VpnConnection', message: 'There are vpn connections on specified customer gateway not deleted.',
};
const VSWITCH_IN_USE = { status: 400, code: 'DependencyViolation', message: 'Specified object has dependent resources.' };
const VPC_HAS_VSWITCHES = { status: 400, code: 'DependencyViolation.VSwitch', message: 'Specified object has dependent resources' };

// ---- pop-core's error object ----


/** pop-core: an Error named <Code>Error with code, data (the body) and the HTTP response in entry. */
async function popError(srv, host, promise, { status, code, message }) {
  const err = await rejection(promise);
  assert.ok(err instanceof Error);
  assert.equal(err.name, `${code}Error`, err.message);
  assert.equal(err.code, code);
  assert.equal(err.data.Code, code);
  assert.equal(err.data.Message, message);
  assert.match(err.data.RequestId, UUID);
  assert.equal(err.data.HostId, host);
  assert.equal(err.entry.response.statusCode, status, `HTTP status of ${code}`);
  assert.equal(err.entry.response.headers['x-acs-request-id'], err.data.RequestId);
  assert.ok(err.message.startsWith(`${message}, URL: ${srv.url}/`), err.message);
  return err;
}

const plain = (x) => JSON.parse(JSON.stringify(x)); // json-bigint answers null-prototype objects

// =====================================================================================
describe('CEN scenario: a VPC and 17 IPsec connections on one transit router (pop-core, V2 signature)', () => {
  let srv;
  let cbn; // CBN 2017-09-12
  let vpc; // VPC / VPN 2016-04-28
  const s = { vco: [], att: [] }; // what the scenario made

  before(async () => {
    srv = await startServer({ auth: 'strict', credentials: [[KEY.id, KEY.secret, KEY.account]], delayMs: DELAY_MS });
    const client = (apiVersion) => new RPCClient({
      accessKeyId: KEY.id, accessKeySecret: KEY.secret, endpoint: srv.url, apiVersion,
    });
    const cbnClient = client('2017-09-12');
    const vpcClient = client('2016-04-28');
    // pop-core defaults to GET; every parameter goes in a signed POST form body.  CBN actions
    // take RegionId only where the API has it: it is passed explicitly below.
    cbn = (action, params = {}) => cbnClient.request(action, params, { method: 'POST', timeout: 10000 });
    vpc = (action, params = {}) => vpcClient.request(action, { RegionId: REGION, ...params }, { method: 'POST', timeout: 10000 });
  });

  after(async () => {
    if (srv) assertCleanExit(await srv.stop(), 'vpnlabd (CBN scenario)');
  });

  const cbnRefused = (promise, expected) => popError(srv, 'cbn.aliyuncs.com', promise, expected);
  const vpcRefused = (promise, expected) => popError(srv, 'vpc.aliyuncs.com', promise, expected);

  const cens = (id) => cbn('DescribeCens', { Filter: [{ Key: 'CenId', Value: [id] }] });
  const router = async () => (await cbn('ListTransitRouters', { TransitRouterId: s.tr })).TransitRouters[0];
  const vpnAttachment = async (id) =>
    (await cbn('ListTransitRouterVpnAttachments', { TransitRouterAttachmentId: id })).TransitRouterAttachments[0];
  const vpnAttachments = () => cbn('ListTransitRouterVpnAttachments', { TransitRouterId: s.tr, MaxResults: 100 });
  const connection = (id) => vpc('DescribeVpnConnection', { VpnConnectionId: id });
  const associations = () => cbn('ListTransitRouterRouteTableAssociations', { TransitRouterRouteTableId: s.rt });
  const propagations = () => cbn('ListTransitRouterRouteTablePropagations', { TransitRouterRouteTableId: s.rt, MaxResults: 100 });
  /** The routes of the custom table to BRANCH in the given status (All: every one). */
  const branchRoutes = async (status) => (await cbn('ListTransitRouterRouteEntries', {
    TransitRouterRouteTableId: s.rt, RouteFilter: [{ Key: 'PrefixExactMatchCidrs', Value: [BRANCH] }],
    MaxResults: 100, ...(status ? { TransitRouterRouteEntryStatus: status } : {}),
  })).TransitRouterRouteEntries;
  const nextHops = (routes) => routes.map((r) => r.TransitRouterRouteEntryNextHopId);
  const sorted = (list) => [...list].sort();
  /** Every IPsec connection's parameters: dual-tunnel, both customer gateways, the branch as remote network. */
  const ipsec = (i, networkType) => ({
    Name: `branch-${i + 1}`, LocalSubnet: VPC_CIDR, RemoteSubnet: BRANCH, ...(networkType ? { NetworkType: networkType } : {}),
    'TunnelOptionsSpecification.1.CustomerGatewayId': s.cgw[0], 'TunnelOptionsSpecification.1.TunnelIndex': 1,
    'TunnelOptionsSpecification.2.CustomerGatewayId': s.cgw[1], 'TunnelOptionsSpecification.2.TunnelIndex': 2,
  });
  const allAttached = (ids) => waitFor(`${ids.length} IPsec attachments Attached`, async () => {
    const got = (await vpnAttachments()).TransitRouterAttachments;
    return ids.every((id) => got.some((a) => a.TransitRouterAttachmentId === id && a.Status === 'Attached'));
  });

  test('a VPC with two vSwitches in two zones', async () => {
    s.vpc = (await vpc('CreateVpc', { CidrBlock: VPC_CIDR, VpcName: 'tr-lab' })).VpcId;
    assert.match(s.vpc, /^vpc-[a-z0-9]+$/);
    await waitFor('VPC Available', async () => (await vpc('DescribeVpcs', { VpcId: s.vpc })).Vpcs.Vpc[0].Status === 'Available');
    s.vsw = [];
    for (const [i, ZoneId] of ZONES.entries()) {
      const r = await vpc('CreateVSwitch', { VpcId: s.vpc, ZoneId, CidrBlock: VSW_CIDRS[i], VSwitchName: `tr-${i + 1}` });
      assert.match(r.VSwitchId, /^vsw-[a-z0-9]+$/);
      s.vsw.push(r.VSwitchId);
    }
    await waitFor('vSwitches Available', async () =>
      (await vpc('DescribeVSwitches', { VpcId: s.vpc })).VSwitches.VSwitch.every((v) => v.Status === 'Available'));
  });

  test('CreateCen: Creating, a router meanwhile refused, then Active', async () => {
    const made = await cbn('CreateCen', { Name: 'branch-mesh', Description: 'IPsec to transit router' });
    assert.deepEqual(Object.keys(made).sort(), ['CenId', 'RequestId']);
    assert.match(made.RequestId, UUID);
    assert.match(made.CenId, /^cen-[a-z0-9]+$/);
    s.cen = made.CenId;
    const first = await cens(s.cen);
    assert.deepEqual([first.TotalCount, first.Cens.Cen[0].Status], [1, 'Creating']);
    await cbnRefused(cbn('CreateTransitRouter', { RegionId: REGION, CenId: s.cen }), CEN_CREATING);
    await waitFor('CEN Active', async () => (await cens(s.cen)).Cens.Cen[0].Status === 'Active');
    const c = (await cens(s.cen)).Cens.Cen[0];
    assert.deepEqual([c.CenId, c.Name, c.Description, c.ProtectionLevel], [s.cen, 'branch-mesh', 'IPsec to transit router', 'REDUCED']);
  });

  test('CreateTransitRouter with a TransitRouterCidrList: Creating, then Active', async () => {
    const made = await cbn('CreateTransitRouter', {
      RegionId: REGION, CenId: s.cen, TransitRouterName: 'hub',
      // one JSON parameter, as the SDKs send it (the shrink of the list in "json" style)
      TransitRouterCidrList: JSON.stringify([{ Cidr: TR_CIDR, Name: 'ipsec', Description: 'tunnel addresses' }]),
    });
    assert.deepEqual(Object.keys(made).sort(), ['RequestId', 'TransitRouterId']);
    assert.match(made.TransitRouterId, /^tr-[a-z0-9]+$/);
    s.tr = made.TransitRouterId;
    assert.equal((await router()).Status, 'Creating');
    // the router is not ready for attachments yet
    await cbnRefused(cbn('CreateTransitRouterVpcAttachment', {
      RegionId: REGION, TransitRouterId: s.tr, VpcId: s.vpc, ZoneMappings: [{ ZoneId: ZONES[0], VSwitchId: s.vsw[0] }],
    }), TR_BUSY);
    await waitFor('transit router Active', async () => (await router()).Status === 'Active');
    const tr = await router();
    assert.deepEqual([tr.TransitRouterId, tr.CenId, tr.RegionId, tr.Type, tr.TransitRouterName, tr.SupportMulticast],
      [s.tr, s.cen, REGION, 'Enterprise', 'hub', false]);
    assert.deepEqual(tr.TransitRouterCidrList.map((c) => [c.Cidr, c.Name, c.Description, c.PublishCidrRoute]),
      [[TR_CIDR, 'ipsec', 'tunnel addresses', true]]);
    assert.match(tr.TransitRouterCidrList[0].TransitRouterCidrId, /^cidr-[a-z0-9]+$/);
    const tables = await cbn('ListTransitRouterRouteTables', { TransitRouterId: s.tr });
    assert.deepEqual(tables.TransitRouterRouteTables.map((t) => [t.TransitRouterRouteTableType, t.TransitRouterRouteTableStatus]),
      [['System', 'Active']], 'every Enterprise router has its System route table');
    s.sys = tables.TransitRouterRouteTables[0].TransitRouterRouteTableId;
  });

  test('the VPC attached with ZoneMappings in two zones: Attaching, then Attached', async () => {
    const made = await cbn('CreateTransitRouterVpcAttachment', {
      RegionId: REGION, TransitRouterId: s.tr, VpcId: s.vpc, TransitRouterAttachmentName: 'vpc',
      ZoneMappings: ZONES.map((ZoneId, i) => ({ ZoneId, VSwitchId: s.vsw[i] })),
    });
    assert.deepEqual(Object.keys(made).sort(), ['RequestId', 'TransitRouterAttachmentId']);
    assert.match(made.TransitRouterAttachmentId, /^tr-attach-[a-z0-9]+$/);
    s.vpcAtt = made.TransitRouterAttachmentId;
    const list = () => cbn('ListTransitRouterVpcAttachments', { TransitRouterAttachmentId: s.vpcAtt });
    assert.equal((await list()).TransitRouterAttachments[0].Status, 'Attaching');
    await waitFor('VPC attachment Attached', async () => (await list()).TransitRouterAttachments[0].Status === 'Attached');
    const a = (await list()).TransitRouterAttachments[0];
    assert.deepEqual([a.ResourceType, a.VpcId, a.VpcRegionId, a.TransitRouterId, a.CenId, a.AutoPublishRouteEnabled],
      ['VPC', s.vpc, REGION, s.tr, s.cen, false]);
    assert.deepEqual(a.ZoneMappings.map((z) => [z.ZoneId, z.VSwitchId]), ZONES.map((z, i) => [z, s.vsw[i]]));
    for (const z of a.ZoneMappings) assert.match(z.NetworkInterfaceId, /^eni-[a-z0-9]+$/);
  });

  test('two customer gateways', async () => {
    s.cgw = [];
    for (const [i, IpAddress] of CGW_IPS.entries()) {
      const r = await vpc('CreateCustomerGateway', { IpAddress, Name: `branch-cpe-${i + 1}` });
      assert.match(r.CustomerGatewayId, /^cgw-[a-z0-9]+$/);
      assert.equal(r.IpAddress, IpAddress);
      s.cgw.push(r.CustomerGatewayId);
    }
    assert.equal((await vpc('DescribeCustomerGateways')).TotalCount, 2);
  });

  test('two unbound dual-tunnel IPsec connections (CreateVpnAttachment), attached to the router', async () => {
    // connection 1 public (default), connection 2 private: its tunnels take addresses of the router's block
    for (const [i, networkType] of [[0, undefined], [1, 'private']]) {
      const made = await vpc('CreateVpnAttachment', ipsec(i, networkType));
      assert.match(made.VpnConnectionId, /^vco-[a-z0-9]+$/);
      s.vco.push(made.VpnConnectionId);
      const v = await connection(made.VpnConnectionId);
      assert.deepEqual([v.State, v.AttachType, v.RemoteSubnet, v.NetworkType], ['init', 'NO_ASSOCIATED', BRANCH, networkType || 'public']);
    }
    for (const [i, VpnId] of s.vco.entries()) {
      // a dual-tunnel connection: Zone.N is left empty, as the API page says
      const made = await cbn('CreateTransitRouterVpnAttachment', {
        RegionId: REGION, TransitRouterId: s.tr, VpnId, TransitRouterAttachmentName: `branch-${i + 1}`,
      });
      assert.deepEqual(Object.keys(made).sort(), ['RequestId', 'TransitRouterAttachmentId']);
      assert.match(made.TransitRouterAttachmentId, /^tr-attach-[a-z0-9]+$/);
      s.att.push(made.TransitRouterAttachmentId);
    }
    assert.equal((await vpnAttachment(s.att[0])).Status, 'Attaching');
    assert.equal((await connection(s.vco[0])).State, 'attaching');
    // the connection is being moved: it cannot be deleted meanwhile
    await vpcRefused(vpc('DeleteVpnConnection', { VpnConnectionId: s.vco[0] }), VCO_CONFIGURING);
    await allAttached(s.att);
    await waitFor('connections attached', async () => {
      for (const id of s.vco) if ((await connection(id)).State !== 'attached') return false;
      return true;
    });
    for (const [i, id] of s.att.entries()) {
      const a = await vpnAttachment(id);
      assert.deepEqual([a.ResourceType, a.VpnId, a.VpnRegionId, a.TransitRouterId, a.CenId, a.AutoPublishRouteEnabled, a.ChargeType],
        ['VPN', s.vco[i], REGION, s.tr, s.cen, true, 'POSTPAY']);
      assert.equal(a.Zones.length, 2, 'one zone per tunnel');
    }
    // one router per connection
    await cbnRefused(cbn('CreateTransitRouterVpnAttachment', { RegionId: REGION, TransitRouterId: s.tr, VpnId: s.vco[0] }),
      VPN_ALREADY_ATTACHED(s.vco[0]));
  });

  test('DescribeVpnConnection: attached to the transit router, not negotiated', async () => {
    for (const [i, id] of s.vco.entries()) {
      const v = await connection(id);
      assert.match(v.RequestId, UUID);
      assert.equal(v.VpnConnectionId, id);
      assert.equal(v.AttachType, 'CEN');
      assert.equal(v.TransitRouterId, s.tr);
      assert.equal(v.TransitRouterName, 'hub');
      assert.equal(v.AttachInstanceId, s.cen);
      assert.equal(v.State, 'attached');
      assert.equal(v.Status, 'ike_sa_not_established', 'no peer ever answered');
      const t = v.TunnelOptionsSpecification.TunnelOptions;
      assert.equal(t.length, 2);
      assert.deepEqual(t.map((x) => x.CustomerGatewayId), s.cgw);
      assert.deepEqual(t.map((x) => x.Status), ['ike_sa_not_established', 'ike_sa_not_established']);
      for (const x of t) assert.match(x.InternetIp, IPV4);
      assert.notEqual(t[0].InternetIp, t[1].InternetIp, 'one address per tunnel');
      assert.deepEqual(t.map((x) => x.ZoneNo), (await vpnAttachment(s.att[i])).Zones.map((z) => z.ZoneId));
      if (i === 1) {
        // private: from 192.168.250.0/24
        for (const x of t) assert.match(x.InternetIp, /^192\.168\.250\.\d+$/, 'a private tunnel address from the router\'s block');
      }
    }
  });

  test('a custom route table: associations and propagations (not made by default)', async () => {
    assert.equal((await cbn('ListTransitRouterRouteTableAssociations', { TransitRouterAttachmentId: s.att[0] }))
      .TotalCount, 0, 'a new attachment is not associated');
    const made = await cbn('CreateTransitRouterRouteTable', { TransitRouterId: s.tr, TransitRouterRouteTableName: 'branches' });
    assert.deepEqual(Object.keys(made).sort(), ['RequestId', 'TransitRouterRouteTableId']);
    assert.match(made.TransitRouterRouteTableId, /^vtb-[a-z0-9]+$/);
    s.rt = made.TransitRouterRouteTableId;
    const table = async () => (await cbn('ListTransitRouterRouteTables', { TransitRouterRouteTableIds: [s.rt] })).TransitRouterRouteTables[0];
    assert.equal((await table()).TransitRouterRouteTableStatus, 'Creating');
    // a table that is not Active yet takes no association
    await cbnRefused(cbn('AssociateTransitRouterAttachmentWithRouteTable', {
      TransitRouterAttachmentId: s.vpcAtt, TransitRouterRouteTableId: s.rt,
    }), PAIR_BUSY);
    await waitFor('route table Active', async () => (await table()).TransitRouterRouteTableStatus === 'Active');
    assert.deepEqual([(await table()).TransitRouterRouteTableType, (await table()).TransitRouterId], ['Custom', s.tr]);

    // the forwarding table of the VPC and of the two connections
    for (const id of [s.vpcAtt, s.att[0], s.att[1]]) {
      const r = await cbn('AssociateTransitRouterAttachmentWithRouteTable', { TransitRouterAttachmentId: id, TransitRouterRouteTableId: s.rt });
      assert.deepEqual(Object.keys(r), ['RequestId']);
    }
    assert.deepEqual((await associations()).TransitRouterAssociations.map((a) => a.Status), ['Associating', 'Associating', 'Associating']);
    await waitFor('associations Active', async () => {
      const a = await associations();
      return a.TotalCount === 3 && a.TransitRouterAssociations.every((x) => x.Status === 'Active');
    });
    assert.deepEqual(rowsOf((await associations()).TransitRouterAssociations, ['TransitRouterAttachmentId', 'ResourceId', 'ResourceType']),
      rowsOf([[s.vpcAtt, s.vpc, 'VPC'], [s.att[0], s.vco[0], 'VPN'], [s.att[1], s.vco[1], 'VPN']]));

    // what the table learns: the VPC's vSwitch CIDRs, the connections' remote subnet
    for (const id of [s.vpcAtt, s.att[0], s.att[1]]) {
      const r = await cbn('EnableTransitRouterRouteTablePropagation', { TransitRouterAttachmentId: id, TransitRouterRouteTableId: s.rt });
      assert.deepEqual(Object.keys(r), ['RequestId']);
    }
    assert.deepEqual((await propagations()).TransitRouterPropagations.map((p) => p.Status), ['Enabling', 'Enabling', 'Enabling']);
    assert.deepEqual(await branchRoutes('All'), [], 'an Enabling propagation teaches nothing yet');
    await waitFor('propagations Active', async () => {
      const p = await propagations();
      return p.TotalCount === 3 && p.TransitRouterPropagations.every((x) => x.Status === 'Active');
    });
  });

  test('ListTransitRouterRouteEntries: two Active propagated routes to the branch, two next hops (ECMP)', async () => {
    const all = (await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: s.rt })).TransitRouterRouteEntries;
    assert.deepEqual(all.map((r) => [r.TransitRouterRouteEntryDestinationCidrBlock, r.TransitRouterRouteEntryNextHopId,
      r.TransitRouterRouteEntryStatus]), [
      [VSW_CIDRS[0], s.vpcAtt, 'Active'],
      [VSW_CIDRS[1], s.vpcAtt, 'Active'],
      [BRANCH, s.att[0], 'Active'],
      [BRANCH, s.att[1], 'Active'],
    ]);
    const ecmp = await branchRoutes();
    assert.equal(ecmp.length, 2);
    assert.deepEqual(sorted(nextHops(ecmp)), sorted(s.att.slice(0, 2)), 'two different next hops');
    for (const [i, r] of ecmp.entries()) {
      assert.equal(r.TransitRouterRouteEntryDestinationCidrBlock, BRANCH);
      assert.equal(r.TransitRouterRouteEntryType, 'Propagated');
      assert.equal(r.TransitRouterRouteEntryStatus, 'Active');
      assert.equal(r.TransitRouterRouteEntryNextHopType, 'Attachment');
      assert.equal(r.TransitRouterRouteEntryNextHopResourceType, 'VPN');
      assert.equal(r.TransitRouterRouteEntryNextHopResourceId, s.vco[s.att.indexOf(ecmp[i].TransitRouterRouteEntryNextHopId)]);
      assert.equal(r.TransitRouterRouteEntryOriginResourceType, 'VPN');
      assert.equal(r.OperationalMode, false, 'a learned route cannot be deleted by the user');
      assert.equal(r.TransitRouterRouteEntryId, undefined, 'learned routes have no entry ID');
    }
    assert.deepEqual(await branchRoutes('All'), ecmp, 'nothing held back');
    // only the custom table learns: nothing propagates into the System table by default
    assert.equal((await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: s.sys, TransitRouterRouteEntryStatus: 'All' }))
      .TotalCount, 0);
  });

  test('15 more connections to the same branch: 16 Active ECMP members, the 17th Candidate', async () => {
    for (let i = 2; i < CONNECTIONS; i++) s.vco.push((await vpc('CreateVpnAttachment', ipsec(i, 'private'))).VpnConnectionId);
    for (let i = 2; i < CONNECTIONS; i++) {
      s.att.push((await cbn('CreateTransitRouterVpnAttachment', {
        RegionId: REGION, TransitRouterId: s.tr, VpnId: s.vco[i], TransitRouterAttachmentName: `branch-${i + 1}`,
      })).TransitRouterAttachmentId);
    }
    assert.equal(new Set(s.att).size, CONNECTIONS);
    // an attachment that is still Attaching cannot propagate yet
    await cbnRefused(cbn('EnableTransitRouterRouteTablePropagation', {
      TransitRouterAttachmentId: s.att[CONNECTIONS - 1], TransitRouterRouteTableId: s.rt,
    }), PAIR_BUSY);
    await allAttached(s.att);
    assert.equal((await vpnAttachments()).TotalCount, CONNECTIONS);
    // one at a time, in order: the order propagations are enabled decides which are the 16
    for (let i = 2; i < CONNECTIONS; i++) {
      await cbn('EnableTransitRouterRouteTablePropagation', { TransitRouterAttachmentId: s.att[i], TransitRouterRouteTableId: s.rt });
    }
    await waitFor('18 propagations Active', async () => {
      const p = await propagations();
      return p.TotalCount === CONNECTIONS + 1 && p.TransitRouterPropagations.every((x) => x.Status === 'Active');
    });

    const every = await branchRoutes('All');
    assert.equal(every.length, CONNECTIONS, 'one learned route per connection');
    assert.deepEqual(sorted(nextHops(every)), sorted(s.att));
    const active = every.filter((r) => r.TransitRouterRouteEntryStatus === 'Active');
    const held = every.filter((r) => r.TransitRouterRouteEntryStatus !== 'Active');
    assert.equal(active.length, ECMP_MAX, 'exactly 16 ECMP members');
    assert.deepEqual(sorted(nextHops(active)), sorted(s.att.slice(0, ECMP_MAX)), 'the first 16 enabled');
    assert.deepEqual(held.map((r) => [r.TransitRouterRouteEntryNextHopId, r.TransitRouterRouteEntryStatus]),
      [[s.att[ECMP_MAX], 'Candidate']]);
    // the default listing shows Active routes only; the status filter finds the held-back one
    assert.deepEqual(sorted(nextHops(await branchRoutes())), sorted(nextHops(active)));
    assert.deepEqual(nextHops(await branchRoutes('Candidate')), [s.att[ECMP_MAX]]);
    assert.deepEqual(await branchRoutes('Standby'), []);

    // the 17th connection is attached all the same
    const v = await connection(s.vco[ECMP_MAX]);
    assert.deepEqual([v.AttachType, v.TransitRouterId, v.State, v.Status], ['CEN', s.tr, 'attached', 'ike_sa_not_established']);
  });

  test('refusals while the topology stands', async () => {
    await cbnRefused(cbn('DeleteTransitRouter', { TransitRouterId: s.tr }), ATTACHED_CHILD);
    await cbnRefused(cbn('DeleteCen', { CenId: s.cen }), ATTACHED_CHILD);
    await cbnRefused(cbn('DeleteTransitRouterRouteTable', { TransitRouterRouteTableId: s.rt }), TABLE_ASSOCIATED);
    // an attachment with an association or a propagation stays (without Force)
    await cbnRefused(cbn('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: s.vpcAtt }), ATT_ASSOCIATED);
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: s.att[0] }), ATT_ASSOCIATED);
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: s.att[2] }), ATT_PROPAGATING);
    // the VPC action does not know an IPsec attachment
    await cbnRefused(cbn('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: s.att[2] }), ATT_NOT_FOUND);
    // the VPC side: attached connections, the customer gateways they use, the attached vSwitches
    await vpcRefused(vpc('DeleteVpnConnection', { VpnConnectionId: s.vco[0] }), VCO_ATTACHED(s.vco[0], s.tr));
    for (const id of s.cgw) await vpcRefused(vpc('DeleteCustomerGateway', { CustomerGatewayId: id }), CGW_IN_USE);
    for (const id of s.vsw) await vpcRefused(vpc('DeleteVSwitch', { VSwitchId: id }), VSWITCH_IN_USE);
    await vpcRefused(vpc('DeleteVpc', { VpcId: s.vpc }), VPC_HAS_VSWITCHES);
    // nothing changed
    assert.equal((await vpnAttachments()).TotalCount, CONNECTIONS);
    assert.ok((await vpnAttachments()).TransitRouterAttachments.every((a) => a.Status === 'Attached'));
    assert.equal((await propagations()).TotalCount, CONNECTIONS + 1);
    assert.equal((await associations()).TotalCount, 3);
    assert.equal((await router()).Status, 'Active');
    assert.equal((await cens(s.cen)).Cens.Cen[0].Status, 'Active');
    assert.equal((await connection(s.vco[0])).State, 'attached');
  });

  test('a forced delete of an Active member: its routes go with it, the Candidate becomes Active', async () => {
    const gone = s.att[4];
    const r = await cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: gone, Force: true });
    assert.deepEqual(Object.keys(r), ['RequestId']);
    assert.equal((await vpnAttachment(gone)).Status, 'Detaching');
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: gone }), VPN_ATT_BUSY);
    // Force took the propagation with the request
    assert.ok(!(await propagations()).TransitRouterPropagations.some((p) => p.TransitRouterAttachmentId === gone));
    const every = await branchRoutes('All');
    assert.equal(every.length, CONNECTIONS - 1);
    assert.ok(!nextHops(every).includes(gone));
    assert.ok(every.every((x) => x.TransitRouterRouteEntryStatus === 'Active'), 'the 17th took the free place');
    assert.ok(nextHops(every).includes(s.att[ECMP_MAX]));
    // the connection goes back: unbound at once, init when the detach is over
    const v = await connection(s.vco[4]);
    assert.deepEqual([v.AttachType, v.TransitRouterId, v.State], ['NO_ASSOCIATED', '', 'detaching']);
    await vpcRefused(vpc('DeleteVpnConnection', { VpnConnectionId: s.vco[4] }), VCO_CONFIGURING);
    await waitFor('attachment gone', async () => (await cbn('ListTransitRouterVpnAttachments', { TransitRouterAttachmentId: gone }))
      .TotalCount === 0);
    await waitFor('connection init', async () => (await connection(s.vco[4])).State === 'init');
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: gone }), ATT_NOT_FOUND);
    assert.deepEqual((await connection(s.vco[4])).TunnelOptionsSpecification.TunnelOptions.map((t) => t.InternetIp), ['', ''],
      'the tunnel addresses went back');
    await vpc('DeleteVpnConnection', { VpnConnectionId: s.vco[4] });
    await vpcRefused(connection(s.vco[4]), VCO_NOT_FOUND);
  });

  test('teardown: the 14 extra members (disable, then detach), back to a two-member ECMP', async () => {
    const extra = s.att.slice(2).filter((_, i) => i !== 2); // all but the first two and the one deleted above
    const extraVco = s.vco.slice(2).filter((_, i) => i !== 2);
    assert.equal(extra.length, CONNECTIONS - 3);
    for (const id of extra) {
      await cbn('DisableTransitRouterRouteTablePropagation', { TransitRouterAttachmentId: id, TransitRouterRouteTableId: s.rt });
    }
    // Disabling: the routes are gone at once, the propagation rows stay until Disabled
    assert.deepEqual(sorted(nextHops(await branchRoutes('All'))), sorted(s.att.slice(0, 2)));
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: extra[0] }), ATT_PROPAGATING);
    await waitFor('propagations of the extra members gone', async () => (await propagations()).TotalCount === 3);
    for (const id of extra) await cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: id });
    await waitFor('extra attachments gone', async () => (await vpnAttachments()).TotalCount === 2);
    await waitFor('extra connections init', async () => {
      for (const id of extraVco) if ((await connection(id)).State !== 'init') return false;
      return true;
    });
    for (const id of extraVco) await vpc('DeleteVpnConnection', { VpnConnectionId: id });
    assert.equal((await vpc('DescribeVpnConnections')).TotalCount, 2);
    const ecmp = await branchRoutes('All');
    assert.deepEqual(ecmp.map((r) => r.TransitRouterRouteEntryStatus), ['Active', 'Active']);
    assert.deepEqual(sorted(nextHops(ecmp)), sorted(s.att.slice(0, 2)));
  });

  test('teardown: associations, propagations, the last attachments, with the refusals in between', async () => {
    const linked = [s.vpcAtt, s.att[0], s.att[1]];
    for (const id of linked) {
      await cbn('DissociateTransitRouterAttachmentFromRouteTable', { TransitRouterAttachmentId: id, TransitRouterRouteTableId: s.rt });
    }
    assert.deepEqual((await associations()).TransitRouterAssociations.map((a) => a.Status), ['Dissociating', 'Dissociating', 'Dissociating']);
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: s.att[0] }), ATT_ASSOCIATED);
    await waitFor('associations gone', async () => (await associations()).TotalCount === 0);
    // no association left, but still propagating
    await cbnRefused(cbn('DeleteTransitRouterRouteTable', { TransitRouterRouteTableId: s.rt }), TABLE_PROPAGATING);
    await cbnRefused(cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: s.att[0] }), ATT_PROPAGATING);
    await cbnRefused(cbn('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: s.vpcAtt }), ATT_PROPAGATING);
    for (const id of linked) {
      await cbn('DisableTransitRouterRouteTablePropagation', { TransitRouterAttachmentId: id, TransitRouterRouteTableId: s.rt });
    }
    assert.deepEqual(await branchRoutes('All'), []);
    await waitFor('propagations gone', async () => (await propagations()).TotalCount === 0);
    assert.equal((await cbn('ListTransitRouterRouteEntries', { TransitRouterRouteTableId: s.rt, TransitRouterRouteEntryStatus: 'All' }))
      .TotalCount, 0, 'the table learned nothing any more');

    await cbn('DeleteTransitRouterVpcAttachment', { TransitRouterAttachmentId: s.vpcAtt });
    for (const id of s.att.slice(0, 2)) await cbn('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: id });
    // detaching still counts as an attachment of the router
    await cbnRefused(cbn('DeleteTransitRouter', { TransitRouterId: s.tr }), ATTACHED_CHILD);
    await waitFor('VPC attachment gone', async () => (await cbn('ListTransitRouterVpcAttachments', { TransitRouterId: s.tr })).TotalCount === 0);
    await waitFor('IPsec attachments gone', async () => (await vpnAttachments()).TotalCount === 0);
    await waitFor('connections init', async () => {
      for (const id of s.vco.slice(0, 2)) if ((await connection(id)).State !== 'init') return false;
      return true;
    });
    for (const id of s.vco.slice(0, 2)) {
      const v = await connection(id);
      assert.deepEqual([v.AttachType, v.TransitRouterId, v.State], ['NO_ASSOCIATED', '', 'init']);
    }
  });

  test('teardown: the custom table, the router, the CEN, then the VPC side, until nothing is left', async () => {
    // no attachment left, the custom table still there
    await cbnRefused(cbn('DeleteTransitRouter', { TransitRouterId: s.tr }), TR_DELETE_FAILED);
    await cbnRefused(cbn('DeleteCen', { CenId: s.cen }), CEN_WITH_TABLE);
    await cbn('DeleteTransitRouterRouteTable', { TransitRouterRouteTableId: s.rt });
    await waitFor('custom table gone', async () =>
      (await cbn('ListTransitRouterRouteTables', { TransitRouterId: s.tr, TransitRouterRouteTableType: 'Custom' })).TotalCount === 0);

    const del = await cbn('DeleteTransitRouter', { TransitRouterId: s.tr });
    assert.deepEqual(Object.keys(del), ['RequestId']);
    assert.equal((await router()).Status, 'Deleting');
    await cbnRefused(cbn('DeleteTransitRouter', { TransitRouterId: s.tr }), TR_BUSY);
    await cbnRefused(cbn('DeleteCen', { CenId: s.cen }), TR_BUSY);
    await waitFor('transit router gone', async () => (await cbn('ListTransitRouters', { CenId: s.cen })).TotalCount === 0);
    await cbnRefused(cbn('DeleteTransitRouter', { TransitRouterId: s.tr }), TR_NOT_FOUND);

    await cbn('DeleteCen', { CenId: s.cen });
    assert.equal((await cens(s.cen)).Cens.Cen[0].Status, 'Deleting');
    await cbnRefused(cbn('DeleteCen', { CenId: s.cen }), CEN_BUSY);
    await waitFor('CEN gone', async () => (await cbn('DescribeCens')).TotalCount === 0);
    const left = await cbn('DescribeCens');
    assert.deepEqual([left.TotalCount, plain(left.Cens.Cen)], [0, []]);
    await cbnRefused(cbn('DeleteCen', { CenId: s.cen }), CEN_NOT_FOUND);
    assert.equal((await cbn('ListTransitRouters')).TotalCount, 0);

    for (const id of s.vco.slice(0, 2)) await vpc('DeleteVpnConnection', { VpnConnectionId: id });
    assert.equal((await vpc('DescribeVpnConnections')).TotalCount, 0);
    for (const id of s.cgw) await vpc('DeleteCustomerGateway', { CustomerGatewayId: id });
    assert.equal((await vpc('DescribeCustomerGateways')).TotalCount, 0);
    for (const id of s.vsw) await vpc('DeleteVSwitch', { VSwitchId: id });
    await vpc('DeleteVpc', { VpcId: s.vpc });
    assert.equal((await vpc('DescribeVpcs')).TotalCount, 0);
    assert.equal((await vpc('DescribeVSwitches')).TotalCount, 0);
  });
});

/** Rows in a fixed order: from objects (the named keys) or from arrays. */
function rowsOf(list, keys) {
  return list.map((r) => JSON.stringify(keys ? keys.map((k) => r[k]) : r)).sort();
}
