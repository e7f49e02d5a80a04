'use strict';
// VPC route tables and route entries through both official SDKs against a live vpnlabd:
//   * @alicloud/vpc20160428 (generated SDK, V3 signature): every action through its own
//     request/response models, fields read as the SDK maps them (body.routerTableList…);
//   * @alicloud/pop-core (V2 signature, POST form): the same actions as Terraform's provider
//     calls them (DescribeRouteTableList by VpcId for the system table, DescribeRouteTables for
//     alicloud_route_entry's read), errors through each SDK's error type.
// Strict mode, two accounts: a next hop of the other account is not found.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Vpc = require('@alicloud/vpc20160428');
const { $OpenApiUtil, ClientError } = require('@alicloud/openapi-core');
const RPCClient = require('@alicloud/pop-core');
const { HOLD_MS, startServer, assertCleanExit, waitFor, rejection } = require('./sdk-harness.js');

const VpcClient = Vpc.default;
const REGION = 'cn-hangzhou';
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const A = { id: 'LTAI5tVpnlabRouteA01', secret: 'sEcReT-a-route-0123456789', account: '1234567890123456' };
const B = { id: 'LTAI5tVpnlabRouteB02', secret: 'sEcReT-b-route-9876543210', account: '1987654321098765' };

let srv;

before(async () => {
  srv = await startServer({
    auth: 'strict', credentials: [[A.id, A.secret, A.account], [B.id, B.secret, B.account]], delayMs: HOLD_MS,
  });
});

after(async () => {
  if (srv) assertCleanExit(await srv.stop(), 'vpnlabd (route tables)');
});

const v3 = (key) => new VpcClient(new $OpenApiUtil.Config({
  accessKeyId: key.id, accessKeySecret: key.secret, endpoint: srv.endpoint, protocol: 'http',
  readTimeout: 10000, connectTimeout: 5000,
}));

function pop(key) {
  const client = new RPCClient({ accessKeyId: key.id, accessKeySecret: key.secret, endpoint: srv.url, apiVersion: '2016-04-28' });
  return (action, params = {}) => client.request(action, { RegionId: REGION, ...params }, { method: 'POST', timeout: 10000 });
}

async function v3Error(promise, status, code) {
  const err = await rejection(promise);
  assert.ok(err instanceof ClientError, `a ClientError, got ${err && err.message}`);
  assert.equal(err.statusCode, status, `HTTP status of ${code}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.requestId, UUID);
}

async function popError(promise, status, code) {
  const err = await rejection(promise);
  assert.equal(err.code, code, err.message);
  assert.equal(err.name, `${code}Error`);
  assert.equal(err.entry.response.statusCode, status, `HTTP status of ${code}`);
}

/** A VPC with two vSwitches and a dual-tunnel VPN gateway, through pop-core as account key. */
async function network(key, third) {
  const call = pop(key);
  const n = { call };
  const made = await call('CreateVpc', { CidrBlock: `10.${third}.0.0/16` });
  Object.assign(n, { vpc: made.VpcId, system: made.RouteTableId, vrouter: made.VRouterId });
  await waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: n.vpc })).Vpcs.Vpc[0].Status === 'Available');
  n.vsw = [];
  for (const [i, zone] of ['cn-hangzhou-h', 'cn-hangzhou-i'].entries()) {
    n.vsw.push((await call('CreateVSwitch', { VpcId: n.vpc, ZoneId: zone, CidrBlock: `10.${third}.${i + 1}.0/24` })).VSwitchId);
  }
  await waitFor('vSwitches Available', async () => (await call('DescribeVSwitches', { VpcId: n.vpc })).VSwitches.VSwitch
    .every((v) => v.Status === 'Available'));
  n.gw = (await call('CreateVpnGateway', {
    VpcId: n.vpc, VSwitchId: n.vsw[0], DisasterRecoveryVSwitchId: n.vsw[1], Bandwidth: 10,
  })).VpnGatewayId;
  await waitFor('gateway active', async () => (await call('DescribeVpnGateway', { VpnGatewayId: n.gw })).Status === 'active');
  return n;
}

describe('V3 SDK @alicloud/vpc20160428: route tables and entries', () => {
  let c, n, other, table, entry;

  before(async () => {
    c = v3(A);
    n = await network(A, 1);
    other = await network(B, 9);
  });

  test('DescribeRouteTableList shows the VPC\'s system table with its vRouter', async () => {
    const body = (await c.describeRouteTableList(new Vpc.DescribeRouteTableListRequest({ regionId: REGION, vpcId: n.vpc }))).body;
    assert.ok(body instanceof Vpc.DescribeRouteTableListResponseBody);
    assert.equal(body.totalCount, 1);
    const t = body.routerTableList.routerTableListType[0];
    assert.equal(t.routeTableId, n.system);
    assert.equal(t.routeTableType, 'System');
    assert.equal(t.routerId, n.vrouter);
    assert.equal(t.routerType, 'VRouter');
    assert.equal(t.status, 'Available');
    assert.deepEqual(t.vSwitchIds.vSwitchId.sort(), [...n.vsw].sort());
  });

  test('CreateRouteTable, Pending then Available; ModifyRouteTableAttributes; AssociateRouteTable', async () => {
    const made = (await c.createRouteTable(new Vpc.CreateRouteTableRequest({
      regionId: REGION, vpcId: n.vpc, routeTableName: 'v3-table', description: 'by the V3 SDK',
    }))).body;
    assert.ok(made instanceof Vpc.CreateRouteTableResponseBody);
    assert.match(made.routeTableId, /^vtb-[a-z0-9]+$/);
    table = made.routeTableId;
    const list = async () => (await c.describeRouteTableList(new Vpc.DescribeRouteTableListRequest({
      regionId: REGION, routeTableId: table,
    }))).body.routerTableList.routerTableListType[0];
    assert.equal((await list()).status, 'Pending');
    await waitFor('table Available', async () => (await list()).status === 'Available');
    await c.modifyRouteTableAttributes(new Vpc.ModifyRouteTableAttributesRequest({
      regionId: REGION, routeTableId: table, routeTableName: 'renamed',
    }));
    assert.equal((await list()).routeTableName, 'renamed');
    await c.associateRouteTable(new Vpc.AssociateRouteTableRequest({ regionId: REGION, routeTableId: table, vSwitchId: n.vsw[1] }));
    await waitFor('vSwitch Available', async () => (await c.describeVSwitches(new Vpc.DescribeVSwitchesRequest({
      regionId: REGION, vSwitchId: n.vsw[1],
    }))).body.vSwitches.vSwitch[0].status === 'Available');
    assert.deepEqual((await list()).vSwitchIds.vSwitchId, [n.vsw[1]]);
  });

  test('CreateRouteEntry to the VPN gateway; errors: duplicate, system entry, other account, unknown table', async () => {
    const made = (await c.createRouteEntry(new Vpc.CreateRouteEntryRequest({
      regionId: REGION, routeTableId: table, destinationCidrBlock: '192.168.10.0/24', nextHopType: 'VpnGateway',
      nextHopId: n.gw, routeEntryName: 'to-branch',
    }))).body;
    assert.ok(made instanceof Vpc.CreateRouteEntryResponseBody);
    assert.match(made.routeEntryId, /^rte-[a-z0-9]+$/);
    entry = made.routeEntryId;
    await v3Error(c.createRouteEntry(new Vpc.CreateRouteEntryRequest({
      regionId: REGION, routeTableId: table, destinationCidrBlock: '192.168.10.0/24', nextHopType: 'VpnGateway', nextHopId: n.gw,
    })), 400, 'RouterEntryConflict.Duplicated');
    await v3Error(c.createRouteEntry(new Vpc.CreateRouteEntryRequest({
      regionId: REGION, routeTableId: table, destinationCidrBlock: '192.168.11.0/24', nextHopType: 'VpnGateway', nextHopId: other.gw,
    })), 400, 'InvalidNextHopId.NotFound');
    await v3Error(c.createRouteEntry(new Vpc.CreateRouteEntryRequest({
      regionId: REGION, routeTableId: 'vtb-doesnotexist', destinationCidrBlock: '192.168.11.0/24', nextHopType: 'VpnGateway', nextHopId: n.gw,
    })), 404, 'InvalidRouteTableId.NotFound');
    await v3Error(c.createRouteEntry(new Vpc.CreateRouteEntryRequest({
      regionId: REGION, routeTableId: table, destinationCidrBlock: '192.168.11.0/24', nextHopType: 'NatGateway', nextHopId: 'ngw-1',
    })), 400, 'IllegalParam.NextHopType');
    const system = (await c.describeRouteEntryList(new Vpc.DescribeRouteEntryListRequest({
      regionId: REGION, routeTableId: table, routeEntryType: 'System',
    }))).body.routeEntrys.routeEntry;
    assert.deepEqual(system.map((e) => e.destinationCidrBlock), ['10.1.1.0/24', '10.1.2.0/24', '100.64.0.0/10']);
    await v3Error(c.deleteRouteEntry(new Vpc.DeleteRouteEntryRequest({
      regionId: REGION, routeTableId: table, routeEntryId: system[0].routeEntryId,
    })), 400, 'InvalidRouteEntry.SystemRoute');
  });

  test('DescribeRouteEntryList pages with NextToken until it is absent; DescribeRouteTables lists the entries', async () => {
    const res = (await c.createRouteEntries(new Vpc.CreateRouteEntriesRequest({
      regionId: REGION,
      routeEntries: ['192.168.20.0/24', '192.168.21.0/24'].map((d) => new Vpc.CreateRouteEntriesRequestRouteEntries({
        routeTableId: table, dstCidrBlock: d, nextHopType: 'VpnGateway', nextHop: n.gw,
      })),
    }))).body;
    assert.equal(res.successCount, 2);
    assert.equal(res.failedCount, 0);
    assert.equal(res.routeEntryIds.length, 2);
    await waitFor('entries Available', async () => (await c.describeRouteEntryList(new Vpc.DescribeRouteEntryListRequest({
      regionId: REGION, routeTableId: table, routeEntryType: 'Custom', maxResult: 100,
    }))).body.routeEntrys.routeEntry.every((e) => e.status === 'Available'));
    const seen = [];
    let token;
    for (let pages = 0; pages < 10; pages++) {
      const body = (await c.describeRouteEntryList(new Vpc.DescribeRouteEntryListRequest({
        regionId: REGION, routeTableId: table, maxResult: 2, nextToken: token,
      }))).body;
      seen.push(...body.routeEntrys.routeEntry.map((e) => e.destinationCidrBlock));
      token = body.nextToken;
      if (token === undefined) break;
      assert.notEqual(token, '', 'a page is never followed by an empty token');
    }
    assert.equal(token, undefined);
    assert.equal(seen.length, 6);
    const t = (await c.describeRouteTables(new Vpc.DescribeRouteTablesRequest({ regionId: REGION, routeTableId: table })))
      .body.routeTables.routeTable[0];
    assert.equal(t.VRouterId, n.vrouter);
    const e = t.routeEntrys.routeEntry.find((x) => x.destinationCidrBlock === '192.168.10.0/24');
    assert.equal(e.instanceId, n.gw);
    assert.equal(e.nextHopType, 'VpnGateway');
    assert.equal(e.type, 'Custom');
  });

  test('ModifyRouteEntry, DeleteRouteEntries, DeleteRouteEntry, UnassociateRouteTable, DeleteRouteTable', async () => {
    await c.modifyRouteEntry(new Vpc.ModifyRouteEntryRequest({ regionId: REGION, routeEntryId: entry, routeEntryName: 'renamed' }));
    const named = (await c.describeRouteEntryList(new Vpc.DescribeRouteEntryListRequest({
      regionId: REGION, routeTableId: table, routeEntryName: 'renamed',
    }))).body.routeEntrys.routeEntry;
    assert.deepEqual(named.map((x) => x.routeEntryId), [entry]);
    const del = (await c.deleteRouteEntries(new Vpc.DeleteRouteEntriesRequest({
      regionId: REGION,
      routeEntries: ['192.168.20.0/24', '192.168.21.0/24'].map((d) => new Vpc.DeleteRouteEntriesRequestRouteEntries({
        routeTableId: table, dstCidrBlock: d,
      })),
    }))).body;
    assert.equal(del.successCount, 2);
    await c.deleteRouteEntry(new Vpc.DeleteRouteEntryRequest({ regionId: REGION, routeTableId: table, routeEntryId: entry }));
    await waitFor('entries gone', async () => (await c.describeRouteEntryList(new Vpc.DescribeRouteEntryListRequest({
      regionId: REGION, routeTableId: table, routeEntryType: 'Custom',
    }))).body.totalCount === 0);
    await c.unassociateRouteTable(new Vpc.UnassociateRouteTableRequest({ regionId: REGION, routeTableId: table, vSwitchId: n.vsw[1] }));
    await waitFor('vSwitch Available', async () => (await c.describeVSwitches(new Vpc.DescribeVSwitchesRequest({
      regionId: REGION, vSwitchId: n.vsw[1],
    }))).body.vSwitches.vSwitch[0].status === 'Available');
    await c.deleteRouteTable(new Vpc.DeleteRouteTableRequest({ regionId: REGION, routeTableId: table }));
    await waitFor('table gone', async () => (await c.describeRouteTableList(new Vpc.DescribeRouteTableListRequest({
      regionId: REGION, routeTableId: table,
    }))).body.totalCount === 0);
  });
});

describe('V2 SDK @alicloud/pop-core: route tables and entries as Terraform calls them', () => {
  let call, n, table, id;

  before(async () => {
    n = await network(B, 2);
    call = n.call;
  });

  test('alicloud_vpc reads its system table from DescribeRouteTableList by VpcId', async () => {
    const r = await call('DescribeRouteTableList', { VpcId: n.vpc, PageSize: 50, PageNumber: 1 });
    const system = r.RouterTableList.RouterTableListType.find((t) => t.RouteTableType === 'System');
    assert.equal(system.RouteTableId, n.system);
    assert.equal(system.RouterId, n.vrouter);
  });

  test('alicloud_route_table + attachment: create, wait Available, associate, read back', async () => {
    table = (await call('CreateRouteTable', { VpcId: n.vpc, RouteTableName: 'tf', ClientToken: 'tf-rt-1' })).RouteTableId;
    // the same ClientToken answers the same table
    assert.equal((await call('CreateRouteTable', { VpcId: n.vpc, RouteTableName: 'tf', ClientToken: 'tf-rt-1' })).RouteTableId, table);
    await waitFor('table Available', async () => (await call('DescribeRouteTableList', { RouteTableId: table }))
      .RouterTableList.RouterTableListType[0].Status === 'Available');
    await call('AssociateRouteTable', { RouteTableId: table, VSwitchId: n.vsw[0] });
    await popError(call('AssociateRouteTable', { RouteTableId: table, VSwitchId: n.vsw[0] }), 400, 'IncorrectVSwitchStatus');
    await waitFor('vSwitch Available', async () => (await call('DescribeVSwitches', { VSwitchId: n.vsw[0] }))
      .VSwitches.VSwitch[0].Status === 'Available');
    const t = (await call('DescribeRouteTableList', { RouteTableId: table })).RouterTableList.RouterTableListType[0];
    assert.deepEqual(t.VSwitchIds.VSwitchId, [n.vsw[0]]);
  });

  test('alicloud_route_entry: create, read by DescribeRouteTables with the vRouter in its id, delete, gone', async () => {
    const r = await call('CreateRouteEntry', {
      RouteTableId: table, DestinationCidrBlock: '172.16.0.0/16', NextHopType: 'VpnGateway', NextHopId: n.gw, ClientToken: 'tf-rte-1',
    });
    assert.match(r.RouteEntryId, /^rte-/);
    const rt = (await call('DescribeRouteTables', { RouteTableId: table })).RouteTables.RouteTable[0];
    id = [table, rt.VRouterId, '172.16.0.0/16', 'VpnGateway', n.gw].join(':');
    assert.equal(rt.VRouterId, n.vrouter);
    const find = async () => {
      const [tid, , cidr, type, hop] = id.split(':');
      const tables = (await call('DescribeRouteTables', { RouteTableId: tid })).RouteTables.RouteTable;
      return tables.flatMap((t) => t.RouteEntrys.RouteEntry)
        .find((e) => e.DestinationCidrBlock === cidr && e.NextHopType === type && e.InstanceId === hop);
    };
    assert.equal((await find()).Status, 'Pending');
    await waitFor('entry Available', async () => (await find()).Status === 'Available');
    await popError(call('CreateRouteEntry', {
      RouteTableId: table, DestinationCidrBlock: '172.16.0.0/16', NextHopType: 'VpnGateway', NextHopId: n.gw,
    }), 400, 'RouterEntryConflict.Duplicated');
    await call('DeleteRouteEntry', { RouteTableId: table, DestinationCidrBlock: '172.16.0.0/16', NextHopId: n.gw });
    await popError(call('DeleteRouteEntry', { RouteTableId: table, DestinationCidrBlock: '172.16.0.0/16', NextHopId: n.gw }),
      400, 'IncorrectRouteEntryStatus');
    await waitFor('entry gone', async () => (await find()) === undefined);
    await popError(call('DeleteRouteEntry', { RouteTableId: table, DestinationCidrBlock: '172.16.0.0/16', NextHopId: n.gw }),
      404, 'InvalidRouteEntry.NotFound');
  });

  test('DeleteRouteTable: refused while a vSwitch is bound, then gone; the system table is refused', async () => {
    await popError(call('DeleteRouteTable', { RouteTableId: table }), 400, 'DependencyViolation.VSwitch');
    await popError(call('DeleteRouteTable', { RouteTableId: n.system }), 400, 'OperationDenied.SystemRouteTable');
    await call('UnassociateRouteTable', { RouteTableId: table, VSwitchId: n.vsw[0] });
    await waitFor('vSwitch Available', async () => (await call('DescribeVSwitches', { VSwitchId: n.vsw[0] }))
      .VSwitches.VSwitch[0].Status === 'Available');
    await call('DeleteRouteTable', { RouteTableId: table });
    await waitFor('table gone', async () => (await call('DescribeRouteTableList', { RouteTableId: table })).TotalCount === 0);
    await popError(call('DeleteRouteTable', { RouteTableId: table }), 404, 'InvalidRouteTableId.NotFound');
  });
});
