'use strict';
// What the Terraform alicloud provider sends, replayed with @alicloud/pop-core (V2 signature,
// POST form: the provider's client.RpcPost goes through tea-rpc, also V2 HMAC-SHA1).
//
// For each resource the provider's own sequence, read from aliyun/terraform-provider-alicloud
// (alicloud/resource_alicloud_<name>.go and service_alicloud_*.go; functions cited at each
// step): create -> wait (BuildStateConf) -> the Update that Create ends with (Terraform's
// Update runs right after Create, so SetResourceTags calls TagResources even when the create
// carried the tags) -> read -> a second apply changing name and tags -> delete -> wait until
// gone.  The provider's NotFoundError() counts any HTTP 404 as "gone" (and a "NotFound" in the
// message), so a missing Describe action would silently pass a delete: every wait-gone step
// here first checks that the read action exists on the live server.
//
// Steps that need the VPC route-table actions (DescribeRouteTableList for alicloud_vpc,
// DescribeRouteTables / CreateRouteEntry / DeleteRouteEntry for alicloud_route_entry) come
// with the route-table work of the same issue; they fail until it is merged.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const RPCClient = require('@alicloud/pop-core');
const { startServer, assertCleanExit, sleep } = require('./sdk-harness.js');

const REGION = 'cn-hangzhou';
const ZONE_A = 'cn-hangzhou-h';
const ZONE_B = 'cn-hangzhou-i';
// The provider polls every few seconds; a short transition delay keeps the waits real
// (resources really are Pending / provisioning / Creating first) and the test quick.
const DELAY_MS = 150;
const WAIT_MS = 30000;

let srv;
let vpcApi; // Vpc 2016-04-28
let cbnApi; // Cbn 2017-09-12
const calls = []; // every action sent, in order: the replay's trace

before(async () => {
  srv = await startServer({ auth: 'open', delayMs: DELAY_MS });
  vpcApi = client('2016-04-28');
  cbnApi = client('2017-09-12');
});

after(async () => {
  if (srv) assertCleanExit(await srv.stop(), 'vpnlabd (terraform replay)');
});

function client(apiVersion) {
  const c = new RPCClient({
    accessKeyId: 'terraform', accessKeySecret: 'secret', endpoint: srv.url, apiVersion,
  });
  return {
    // client.RpcPost(product, version, action, query, request, autoRetry): every parameter
    // signed, POST; the provider adds RegionId itself where it sends it.
    call: (action, params) => {
      calls.push(action);
      return c.request(action, params, { method: 'POST', timeout: 10000 });
    },
  };
}

// ---- the provider's helpers, as JavaScript ----

/** alicloud/errors.go NotFoundError: a tea.SDKError with StatusCode 404 or "NotFound" in its message. */
function notFoundError(err) {
  const status = err && err.entry && err.entry.response && err.entry.response.statusCode;
  return status === 404 || /NotFound/.test(`${err && err.code} ${err && err.message}`);
}

/** NeedRetry / IsExpectedErrors(err, codes): the provider retries these codes. */
async function retry(what, codes, fn) {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!codes.includes(err.code) || Date.now() > until) throw err;
      await sleep(50);
    }
  }
}

/**
 * BuildStateConf(pending, target, timeout, delay, refresh).WaitForState(): refresh returns
 * [object, status]; a NotFound read is status "" (the *StateRefreshFunc convention).
 */
async function waitForState(what, targets, refresh) {
  const until = Date.now() + WAIT_MS;
  let last;
  for (;;) {
    let status;
    try {
      [, status] = await refresh();
    } catch (err) {
      if (!notFoundError(err)) throw err;
      status = '';
    }
    last = status;
    if (targets.includes(status)) return status;
    if (Date.now() > until) assert.fail(`${what}: still "${last}", waiting for ${JSON.stringify(targets)}`);
    await sleep(50);
  }
}

/** A delete's wait: the target is "" (or no target: not found at all). */
async function waitGone(what, read, readAction) {
  // any 404 is "gone" to the provider, including "this API does not exist": make sure it does
  const probe = await rawCall(readAction.version, readAction.action, readAction.params);
  assert.notEqual(probe.Code, 'InvalidApi.NotFound', `${readAction.action} must exist for ${what}'s wait`);
  await waitForState(`${what} gone`, [''], read);
}

async function rawCall(version, action, params) {
  const qs = new URLSearchParams({ Action: action, Version: version, ...params });
  const res = await fetch(`${srv.url}/?${qs}`);
  return res.json();
}

const tagsOf = (list) => Object.fromEntries((list || []).map((t) => [t.Key ?? t.TagKey, t.Value ?? t.TagValue]));

/**
 * service_alicloud_vpc_v2.go VpcServiceV2.SetResourceTags (and the VPNGateway and CEN
 * services' copies): UnTagResources (CBN: UntagResources) with the removed keys, then
 * TagResources with the added pairs, each for ResourceId.1.
 */
async function setResourceTags(api, untagAction, id, type, oldTags, newTags) {
  const removed = Object.keys(oldTags).filter((k) => !(k in newTags) || oldTags[k] !== newTags[k])
    .filter((k) => !(k in newTags));
  const added = Object.entries(newTags).filter(([k, v]) => oldTags[k] !== v);
  if (removed.length) {
    const req = { 'ResourceId.1': id, RegionId: REGION, ResourceType: type };
    removed.forEach((k, i) => { req[`TagKey.${i + 1}`] = k; });
    await api.call(untagAction, req);
  }
  if (added.length) {
    const req = { 'ResourceId.1': id, RegionId: REGION, ResourceType: type };
    added.forEach(([k, v], i) => { req[`Tag.${i + 1}.Key`] = k; req[`Tag.${i + 1}.Value`] = v; });
    await api.call('TagResources', req);
  }
}

/**
 * service_alicloud_cbn.go CbnService.ListTagResources: pages with NextToken until the answer
 * has NO NextToken (`response["NextToken"] == nil`): an empty string would never end it.
 */
async function cbnListTagResources(id, type) {
  const req = { RegionId: REGION, ResourceType: type, 'ResourceId.1': id };
  const tags = [];
  for (let page = 0; ; page++) {
    assert.ok(page < 50, 'ListTagResources never ends: NextToken must be absent on the last page');
    const r = await cbnApi.call('ListTagResources', req);
    tags.push(...r.TagResources.TagResource);
    if (r.NextToken === undefined || r.NextToken === null) break;
    req.NextToken = r.NextToken;
  }
  return tags;
}

// ids shared by the resources, in dependency order (Terraform's graph)
const ids = {};

describe('Terraform alicloud provider, replayed', () => {
  // -------------------------------------------------------------------- alicloud_vpc
  test('alicloud_vpc: create, wait, update-after-create (tags), read, update, (destroyed last)', async () => {
    // resource_alicloud_vpc.go resourceAliCloudVpcVpcCreate: CreateVpc with Tag.N (expandTagsToMap)
    const created = await retry('CreateVpc', ['TaskConflict', 'UnknownError'], () => vpcApi.call('CreateVpc', {
      RegionId: REGION, ClientToken: 'tf-vpc-1', CidrBlock: '10.0.0.0/16', VpcName: 'tf-vpc',
      Description: 'terraform', 'Tag.1.Key': 'env', 'Tag.1.Value': 'lab',
    }));
    ids.vpc = created.VpcId;
    // service_alicloud_vpc_v2.go DescribeVpcVpc: DescribeVpcAttribute, "not found" when VpcId is ""
    const describeVpc = () => vpcApi.call('DescribeVpcAttribute', { VpcId: ids.vpc, RegionId: REGION });
    const vpcState = async () => {
      const o = await describeVpc();
      if (!o.VpcId) return [o, ''];
      return [o, o.Status];
    };
    await waitForState('VPC Available', ['Available'], vpcState);
    // resourceAliCloudVpcVpcUpdate (new resource): ModifyVpcAttribute is skipped (every field
    // guarded by !d.IsNewResource()); the system route table is read (DescribeVpcDescribeRouteTableList)
    const rtList = async () => {
      const r = await vpcApi.call('DescribeRouteTableList', { VpcId: ids.vpc, RegionId: REGION });
      const system = r.RouterTableList.RouterTableListType
        .find((t) => t.RouteTableType === 'System' && t.VpcId === ids.vpc);
      assert.ok(system, 'the VPC has its system route table');
      return system;
    };
    ids.vpcSystemTable = created.RouteTableId;
    assert.equal((await rtList()).RouteTableId, created.RouteTableId);
    // then SetResourceTags(d, "VPC"): every tag is "added" on the first apply
    await setResourceTags(vpcApi, 'UnTagResources', ids.vpc, 'VPC', {}, { env: 'lab' });
    // resourceAliCloudVpcVpcRead: DescribeVpcAttribute ($.Tags.Tag) + DescribeRouteTableList
    let o = await describeVpc();
    assert.equal(o.VpcName, 'tf-vpc');
    assert.equal(o.CidrBlock, '10.0.0.0/16');
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'lab' });
    await rtList();
    // second apply: name and tags change -> ModifyVpcAttribute, wait Available, route table
    // read again, UnTagResources + TagResources, Read
    await retry('ModifyVpcAttribute', ['IncorrectVpcStatus', 'OperationConflict'], () =>
      vpcApi.call('ModifyVpcAttribute', { VpcId: ids.vpc, RegionId: REGION, VpcName: 'tf-vpc-2' }));
    await waitForState('VPC Available after update', ['Available'], vpcState);
    await rtList();
    await setResourceTags(vpcApi, 'UnTagResources', ids.vpc, 'VPC', { env: 'lab' }, { team: 'net' });
    o = await describeVpc();
    assert.equal(o.VpcName, 'tf-vpc-2');
    assert.deepEqual(tagsOf(o.Tags.Tag), { team: 'net' });
  });

  // ----------------------------------------------------------------- alicloud_vswitch
  test('alicloud_vswitch: create, wait, tags, read, update', async () => {
    // resource_alicloud_vswitch.go resourceAliCloudVpcVswitchCreate: CreateVSwitch (no tags in the create)
    for (const [key, cidr, zone] of [['vsw', '10.0.1.0/24', ZONE_A], ['vswB', '10.0.2.0/24', ZONE_B]]) {
      const r = await vpcApi.call('CreateVSwitch', {
        RegionId: REGION, ClientToken: `tf-${key}`, CidrBlock: cidr, VpcId: ids.vpc, VSwitchName: `tf-${key}`,
        Description: 'terraform', ZoneId: zone,
      });
      ids[key] = r.VSwitchId;
    }
    // service_alicloud_vpc_v2.go DescribeVpcVswitch: DescribeVSwitchAttributes, VSwitchId in the query
    const read = (id) => vpcApi.call('DescribeVSwitchAttributes', { VSwitchId: id, RegionId: REGION });
    const state = (id) => async () => { const o = await read(id); return [o, o.VSwitchId ? o.Status : '']; };
    for (const key of ['vsw', 'vswB']) await waitForState('vSwitch Available', ['Available'], state(ids[key]));
    // resourceAliCloudVpcVswitchUpdate (new): ModifyVSwitchAttribute skipped; SetResourceTags "VSWITCH"
    await setResourceTags(vpcApi, 'UnTagResources', ids.vsw, 'VSWITCH', {}, { tier: 'web' });
    let o = await read(ids.vsw);
    assert.equal(o.VpcId, ids.vpc);
    assert.equal(o.ZoneId, ZONE_A);
    assert.equal(o.CidrBlock, '10.0.1.0/24');
    assert.deepEqual(tagsOf(o.Tags.Tag), { tier: 'web' });
    // second apply: ModifyVSwitchAttribute (name, description), wait Available, tags
    await vpcApi.call('ModifyVSwitchAttribute', {
      VSwitchId: ids.vsw, RegionId: REGION, VSwitchName: 'tf-vsw-2', Description: 'changed',
    });
    await waitForState('vSwitch Available after update', ['Available'], state(ids.vsw));
    await setResourceTags(vpcApi, 'UnTagResources', ids.vsw, 'VSWITCH', { tier: 'web' }, { tier: 'app' });
    o = await read(ids.vsw);
    assert.equal(o.VSwitchName, 'tf-vsw-2');
    assert.deepEqual(tagsOf(o.Tags.Tag), { tier: 'app' });
  });

  // -------------------------------------------------------------- alicloud_vpn_gateway
  test('alicloud_vpn_gateway: create, wait active, update-after-create (description, tags), read, update', async () => {
    // resource_alicloud_vpn_gateway.go resourceAliCloudVPNGatewayVPNGatewayCreate
    const r = await retry('CreateVpnGateway', ['OperationFailed.SslNotSupport'], () => vpcApi.call('CreateVpnGateway', {
      RegionId: REGION, ClientToken: 'tf-vgw', VpcId: ids.vpc, VSwitchId: ids.vsw, Name: 'tf-vgw',
      AutoPay: true, EnableIpsec: true, EnableSsl: false, DisasterRecoveryVSwitchId: ids.vswB,
      InstanceChargeType: 'POSTPAY', Bandwidth: 10,
    }));
    ids.vgw = r.VpnGatewayId;
    // service_alicloud_vpn_gateway_v2.go DescribeVPNGatewayVPNGateway: DescribeVpnGateway
    const read = () => vpcApi.call('DescribeVpnGateway', { VpnGatewayId: ids.vgw, RegionId: REGION });
    const state = async () => { const o = await read(); return [o, o.Status]; };
    await waitForState('VPN gateway active', ['active'], state);
    // resourceAliCloudVPNGatewayVPNGatewayUpdate: description is sent even for a new resource
    // (d.HasChange("description") without IsNewResource), then wait active, then tags ("VpnGateWay")
    await vpcApi.call('ModifyVpnGatewayAttribute', {
      VpnGatewayId: ids.vgw, RegionId: REGION, ClientToken: 'tf-vgw-m1', Description: 'terraform',
    });
    await waitForState('VPN gateway active after update', ['active'], state);
    await setResourceTags(vpcApi, 'UnTagResources', ids.vgw, 'VpnGateWay', {}, { env: 'lab' });
    let o = await read();
    assert.equal(o.Description, 'terraform');
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'lab' });
    // second apply: name and tags
    await vpcApi.call('ModifyVpnGatewayAttribute', {
      VpnGatewayId: ids.vgw, RegionId: REGION, ClientToken: 'tf-vgw-m2', Name: 'tf-vgw-2',
    });
    await waitForState('VPN gateway active after rename', ['active'], state);
    await setResourceTags(vpcApi, 'UnTagResources', ids.vgw, 'VpnGateWay', { env: 'lab' }, { env: 'prod' });
    o = await read();
    assert.equal(o.Name, 'tf-vgw-2');
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'prod' });
  });

  // ---------------------------------------------------------------- alicloud_route_entry
  test('alicloud_route_entry: DescribeRouteTables, CreateRouteEntry to the VPN gateway, read by id with the VRouterId', async () => {
    // resource_alicloud_route_entry.go resourceAliyunRouteEntryCreate: QueryRouteTableById
    // (DescribeRouteTables), WaitForAllRouteEntriesAvailable, CreateRouteEntry, then the id
    // route_table_id:router_id:cidr:nexthop_type:nexthop_id (buildRouteEntryResourceId)
    const queryTable = async () => {
      const r = await vpcApi.call('DescribeRouteTables', { RegionId: REGION, RouteTableId: ids.vpcSystemTable });
      const table = r.RouteTables.RouteTable[0];
      assert.equal(table.RouteTableId, ids.vpcSystemTable);
      return table;
    };
    const allAvailable = async () => waitForState('route entries Available', ['yes'], async () => {
      const t = await queryTable();
      return [t, t.RouteEntrys.RouteEntry.every((e) => e.Status === 'Available') ? 'yes' : 'no'];
    });
    const table = await queryTable();
    await allAvailable();
    await retry('CreateRouteEntry', ['TaskConflict', 'IncorrectRouteEntryStatus', 'IncorrectVpcStatus'], () =>
      vpcApi.call('CreateRouteEntry', {
        RegionId: REGION, RouteTableId: ids.vpcSystemTable, DestinationCidrBlock: '192.168.50.0/24',
        NextHopType: 'VpnGateway', NextHopId: ids.vgw, ClientToken: 'tf-rte', RouteEntryName: 'tf-route',
      }));
    ids.routeEntry = [ids.vpcSystemTable, table.VRouterId, '192.168.50.0/24', 'VpnGateway', ids.vgw].join(':');
    // service_alicloud_vpc.go DescribeRouteEntry: DescribeRouteTables, the entry matching
    // destination, next-hop type and InstanceId; WaitForRouteEntry(Available)
    const entry = async () => {
      const [rt, , cidr, type, hop] = ids.routeEntry.split(':');
      const r = await vpcApi.call('DescribeRouteTables', { RegionId: REGION, RouteTableId: rt });
      for (const t of r.RouteTables.RouteTable) {
        const e = t.RouteEntrys.RouteEntry.find((x) => x.DestinationCidrBlock === cidr &&
          x.NextHopType === type && x.InstanceId === hop);
        if (e) return [e, e.Status];
      }
      return [null, ''];
    };
    await waitForState('route entry Available', ['Available'], entry);
    const [e] = await entry();
    assert.equal(e.RouteEntryName, 'tf-route');
    assert.equal(e.RouteTableId, ids.vpcSystemTable);
  });

  // ------------------------------------------------------------ alicloud_vpn_connection
  test('alicloud_vpn_connection: create, wait active, health check and tags right after create, read, update', async () => {
    // a customer gateway first (resource_alicloud_vpn_customer_gateway.go)
    ids.cgw = (await vpcApi.call('CreateCustomerGateway', {
      RegionId: REGION, ClientToken: 'tf-cgw', IpAddress: '203.0.113.20', Name: 'tf-cgw',
    })).CustomerGatewayId;
    ids.cgw2 = (await vpcApi.call('CreateCustomerGateway', {
      RegionId: REGION, ClientToken: 'tf-cgw2', IpAddress: '203.0.113.21', Name: 'tf-cgw2',
    })).CustomerGatewayId;
    // resource_alicloud_vpn_connection.go resourceAliCloudVPNGatewayVpnConnectionCreate: the
    // dual-tunnel form (the gateway is dual-tunnel), request["Tags"] flattened to Tags.N
    const tunnel = (n, cgw, role) => ({
      [`TunnelOptionsSpecification.${n}.CustomerGatewayId`]: cgw,
      [`TunnelOptionsSpecification.${n}.Role`]: role,
      [`TunnelOptionsSpecification.${n}.TunnelIndex`]: n,
      [`TunnelOptionsSpecification.${n}.EnableDpd`]: true,
      [`TunnelOptionsSpecification.${n}.EnableNatTraversal`]: true,
      [`TunnelOptionsSpecification.${n}.TunnelIkeConfig.Psk`]: `tf-psk-${n}`,
      [`TunnelOptionsSpecification.${n}.TunnelIkeConfig.IkeVersion`]: 'ikev2',
    });
    const r = await retry('CreateVpnConnection', ['VpnGateway.Configuring', 'Appliance.Configuring', 'VpnTask.CONFLICT'], () =>
      vpcApi.call('CreateVpnConnection', {
        RegionId: REGION, ClientToken: 'tf-vco', VpnGatewayId: ids.vgw, Name: 'tf-vco',
        LocalSubnet: '10.0.0.0/16', RemoteSubnet: '192.168.60.0/24', EffectImmediately: false,
        EnableTunnelsBgp: false, 'Tags.1.Key': 'env', 'Tags.1.Value': 'lab',
        ...tunnel(1, ids.cgw, 'master'), ...tunnel(2, ids.cgw2, 'slave'),
      }));
    ids.vco = r.VpnConnectionId;
    // service_alicloud_vpn_gateway_v2.go DescribeVPNGatewayVpnConnection: DescribeVpnConnection
    const read = () => vpcApi.call('DescribeVpnConnection', { VpnConnectionId: ids.vco, RegionId: REGION });
    const state = async () => { const o = await read(); return [o, o.State]; };
    await waitForState('connection active', ['active'], state);
    // resourceAliCloudVPNGatewayVpnConnectionUpdate (new): tags only ("VPNCONNECTION")
    await setResourceTags(vpcApi, 'UnTagResources', ids.vco, 'VPNCONNECTION', {}, { env: 'lab' });
    let o = await read();
    assert.equal(o.VpnGatewayId, ids.vgw);
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'lab' });
    // second apply: ModifyVpnConnectionAttribute (name), wait active, tags
    await retry('ModifyVpnConnectionAttribute', ['VpnGateway.Configuring', 'VpnConnection.Configuring'], () =>
      vpcApi.call('ModifyVpnConnectionAttribute', {
        VpnConnectionId: ids.vco, RegionId: REGION, ClientToken: 'tf-vco-m', Name: 'tf-vco-2',
        LocalSubnet: '10.0.0.0/16', RemoteSubnet: '192.168.60.0/24',
      }));
    await waitForState('connection active after update', ['active'], state);
    await setResourceTags(vpcApi, 'UnTagResources', ids.vco, 'VPNCONNECTION', { env: 'lab' }, { env: 'prod' });
    o = await read();
    assert.equal(o.Name, 'tf-vco-2');
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'prod' });
  });

  // ---------------------------------------------------- alicloud_vpn_gateway_vpn_attachment
  test('alicloud_vpn_gateway_vpn_attachment: CreateVpnAttachment with Tag.N, Modify right after create, tags, read, update', async () => {
    // resource_alicloud_vpn_gateway_vpn_attachment.go resourceAliCloudVpnGatewayVpnAttachmentCreate:
    // tags through expandTagsToMap, i.e. Tag.N (the SDK model says Tags.N)
    const healthCheck = JSON.stringify({ enable: true, dip: '192.168.70.1', sip: '10.0.0.1', interval: 3, retry: 3, Policy: 'revoke_route' });
    const r = await retry('CreateVpnAttachment', ['Appliance.Configuring', 'VpnGateway.Configuring', 'VpnTask.CONFLICT', 'TaskConflict'], () =>
      vpcApi.call('CreateVpnAttachment', {
        RegionId: REGION, ClientToken: 'tf-att', NetworkType: 'public', LocalSubnet: '10.0.0.0/16',
        RemoteSubnet: '192.168.70.0/24', EffectImmediately: false, EnableDpd: true, EnableNatTraversal: true,
        Name: 'tf-att', CustomerGatewayId: ids.cgw,
        IkeConfig: JSON.stringify({ IkeVersion: 'ikev2', Psk: 'tf-att-psk' }),
        IpsecConfig: JSON.stringify({ IpsecPfs: 'group14' }),
        'Tag.1.Key': 'env', 'Tag.1.Value': 'lab', HealthCheckConfig: healthCheck,
      }));
    ids.att = r.VpnConnectionId;
    // resourceAliCloudVpnGatewayVpnAttachmentUpdate (new): health_check_config has changed
    // (d.HasChange without IsNewResource) -> ModifyVpnAttachmentAttribute with LocalSubnet and
    // RemoteSubnet always set, then SetResourceTags "VPNATTACHMENT"
    await retry('ModifyVpnAttachmentAttribute', ['VpnConnection.Configuring', 'Appliance.Configuring', 'VpnTask.CONFLICT', 'VpnGateway.Configuring'], () =>
      vpcApi.call('ModifyVpnAttachmentAttribute', {
        VpnConnectionId: ids.att, RegionId: REGION, ClientToken: 'tf-att-m1', LocalSubnet: '10.0.0.0/16',
        RemoteSubnet: '192.168.70.0/24', HealthCheckConfig: healthCheck,
      }));
    await setResourceTags(vpcApi, 'UnTagResources', ids.att, 'VPNATTACHMENT', {}, { env: 'lab' });
    // resourceAliCloudVpnGatewayVpnAttachmentRead: DescribeVpnConnection (DescribeVpnGatewayVpnAttachment)
    const read = () => vpcApi.call('DescribeVpnConnection', { VpnConnectionId: ids.att, RegionId: REGION });
    let o = await read();
    assert.equal(o.CustomerGatewayId, ids.cgw);
    assert.equal(o.VcoHealthCheck.Dip, '192.168.70.1');
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'lab' });
    // second apply: vpn_attachment_name -> ModifyVpnAttachmentAttribute (Name), tags
    await vpcApi.call('ModifyVpnAttachmentAttribute', {
      VpnConnectionId: ids.att, RegionId: REGION, ClientToken: 'tf-att-m2', LocalSubnet: '10.0.0.0/16',
      RemoteSubnet: '192.168.70.0/24', Name: 'tf-att-2',
    });
    await setResourceTags(vpcApi, 'UnTagResources', ids.att, 'VPNATTACHMENT', { env: 'lab' }, { env: 'prod', owner: 'tf' });
    o = await read();
    assert.equal(o.Name, 'tf-att-2');
    assert.deepEqual(tagsOf(o.Tags.Tag), { env: 'prod', owner: 'tf' });
  });

  // ------------------------------------------------------------ alicloud_cen_transit_router*
  test('alicloud_cen_transit_router: CEN, router, read by ListTransitRouters, update with tags', async () => {
    // resource_alicloud_cen_instance.go: CreateCen, wait Active (DescribeCens)
    ids.cen = (await cbnApi.call('CreateCen', { CenInstanceName: 'tf-cen', Name: 'tf-cen', ClientToken: 'tf-cen' })).CenId;
    await waitForState('CEN Active', ['Active'], async () => {
      const r = await cbnApi.call('DescribeCens', { 'Filter.1.Key': 'CenId', 'Filter.1.Value.1': ids.cen });
      return [r, r.Cens.Cen.length ? r.Cens.Cen[0].Status : ''];
    });
    // resource_alicloud_cen_transit_router.go resourceAliCloudCenTransitRouterCreate: id CenId:TransitRouterId
    const r = await cbnApi.call('CreateTransitRouter', {
      CenId: ids.cen, RegionId: REGION, TransitRouterName: 'tf-tr', TransitRouterDescription: 'terraform',
      ClientToken: 'tf-tr', SupportMulticast: false,
    });
    ids.tr = r.TransitRouterId;
    // service_alicloud_cen_v2.go DescribeCenTransitRouter: ListTransitRouters {TransitRouterId, RegionId}
    const read = async () => {
      const l = await cbnApi.call('ListTransitRouters', { TransitRouterId: ids.tr, RegionId: REGION });
      return l.TransitRouters[0];
    };
    const state = async () => { const o = await read(); return [o, o ? o.Status : '']; };
    await waitForState('router Active', ['Active'], state);
    // a CIDR block for VPN attachments (resource_alicloud_cen_transit_router_cidr.go, after the router)
    await cbnApi.call('CreateTransitRouterCidr', { TransitRouterId: ids.tr, RegionId: REGION, Cidr: '192.168.100.0/24', ClientToken: 'tf-cidr' });
    // Create ends with Read here; the second apply: UpdateTransitRouter, wait Active, then
    // CbnService.SetResourceTags(d, "TransitRouter") (CBN TagResources)
    await cbnApi.call('UpdateTransitRouter', { TransitRouterId: ids.tr, RegionId: REGION, TransitRouterName: 'tf-tr-2' });
    await waitForState('router Active after update', ['Active'], state);
    await setResourceTags(cbnApi, 'UntagResources', ids.tr, 'TransitRouter', {}, { env: 'lab' });
    const o = await read();
    assert.equal(o.TransitRouterName, 'tf-tr-2');
    assert.deepEqual(tagsOf(o.Tags), { env: 'lab' });
  });

  test('alicloud_cen_transit_router_route_table: tags right after create, read with ListTagResources (paged to the end)', async () => {
    // resource_alicloud_cen_transit_router_route_table.go: CreateTransitRouterRouteTable, id TransitRouterId:TableId
    const r = await cbnApi.call('CreateTransitRouterRouteTable', {
      TransitRouterId: ids.tr, TransitRouterRouteTableName: 'tf-rt', TransitRouterRouteTableDescription: 'terraform',
      ClientToken: 'tf-rt',
    });
    ids.rt = r.TransitRouterRouteTableId;
    // service_alicloud_cbn.go DescribeCenTransitRouterRouteTable: ListTransitRouterRouteTables
    const read = async () => {
      const l = await cbnApi.call('ListTransitRouterRouteTables', {
        RegionId: REGION, TransitRouterId: ids.tr, 'TransitRouterRouteTableIds.1': ids.rt,
      });
      return l.TransitRouterRouteTables[0];
    };
    const state = async () => { const o = await read(); return [o, o ? o.TransitRouterRouteTableStatus : '']; };
    await waitForState('route table Active', ['Active'], state);
    // resourceAlicloudCenTransitRouterRouteTableUpdate (new): SetResourceTags first
    await setResourceTags(cbnApi, 'UntagResources', ids.rt, 'TransitRouterRouteTable', {}, { env: 'lab' });
    // Read: the table, then CbnService.ListTagResources(d.Id(), "TransitRouterRouteTable")
    assert.equal((await read()).TransitRouterRouteTableName, 'tf-rt');
    assert.deepEqual(tagsOf(await cbnListTagResources(ids.rt, 'TransitRouterRouteTable')), { env: 'lab' });
    // second apply: tags, then UpdateTransitRouterRouteTable (name), wait Active
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]));
    await setResourceTags(cbnApi, 'UntagResources', ids.rt, 'TransitRouterRouteTable', { env: 'lab' }, many);
    await cbnApi.call('UpdateTransitRouterRouteTable', { TransitRouterRouteTableId: ids.rt, TransitRouterRouteTableName: 'tf-rt-2' });
    await waitForState('route table Active after update', ['Active'], state);
    assert.equal((await read()).TransitRouterRouteTableName, 'tf-rt-2');
    assert.deepEqual(tagsOf(await cbnListTagResources(ids.rt, 'TransitRouterRouteTable')), many);
  });

  test('alicloud_cen_transit_router_vpn_attachment: attach the VPN attachment, tags, update', async () => {
    // resource_alicloud_cen_transit_router_vpn_attachment.go: CreateTransitRouterVpnAttachment (Zone.N.ZoneId)
    const r = await cbnApi.call('CreateTransitRouterVpnAttachment', {
      CenId: ids.cen, TransitRouterId: ids.tr, VpnId: ids.att, 'Zone.1.ZoneId': ZONE_A, AutoPublishRouteEnabled: false,
      TransitRouterAttachmentName: 'tf-tra', TransitRouterAttachmentDescription: 'terraform', RegionId: REGION,
      ClientToken: 'tf-tra',
    });
    ids.tra = r.TransitRouterAttachmentId;
    // service_alicloud_cen_v2.go DescribeCenTransitRouterVpnAttachment: ListTransitRouterVpnAttachments
    const read = async () => (await cbnApi.call('ListTransitRouterVpnAttachments', {
      TransitRouterAttachmentId: ids.tra, RegionId: REGION,
    })).TransitRouterAttachments[0];
    const state = async () => { const o = await read(); return [o, o ? o.Status : '']; };
    await waitForState('VPN attachment Attached', ['Attached'], state);
    // Update (new): CenServiceV2.SetResourceTags "TRANSITROUTERVPNATTACHMENT"
    await setResourceTags(cbnApi, 'UntagResources', ids.tra, 'TRANSITROUTERVPNATTACHMENT', {}, { env: 'lab' });
    assert.deepEqual(tagsOf((await read()).Tags), { env: 'lab' });
    // the IPsec connection is now attached: DescribeVpnAttachments lists it
    const listed = await vpcApi.call('DescribeVpnAttachments', { RegionId: REGION, VpnConnectionId: ids.att });
    assert.equal(listed.VpnAttachments[0].TransitRouterId, ids.tr);
    // second apply: UpdateTransitRouterVpnAttachmentAttribute, wait Attached
    await cbnApi.call('UpdateTransitRouterVpnAttachmentAttribute', {
      TransitRouterAttachmentId: ids.tra, TransitRouterAttachmentName: 'tf-tra-2', RegionId: REGION, ClientToken: 'tf-tra-u',
    });
    await waitForState('VPN attachment Attached after update', ['Attached'], state);
    assert.equal((await read()).TransitRouterAttachmentName, 'tf-tra-2');
  });

  test('alicloud_cen_transit_router_route_table_association and _propagation: create, wait Active, read', async () => {
    // resource_alicloud_cen_transit_router_route_table_association.go: Associate…, id attachment:table;
    // its Update builds ReplaceTransitRouterRouteTableAssociation but never sends it (update stays false)
    await retry('Associate', ['Operation.Blocking', 'IncorrectStatus.Status'], () =>
      cbnApi.call('AssociateTransitRouterAttachmentWithRouteTable', {
        TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt, ClientToken: 'tf-assoc',
      }));
    const assoc = async () => {
      const l = await cbnApi.call('ListTransitRouterRouteTableAssociations', {
        TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt,
      });
      const o = l.TransitRouterAssociations[0];
      return [o, o ? o.Status : ''];
    };
    await waitForState('association Active', ['Active'], assoc);
    // resource_alicloud_cen_transit_router_route_table_propagation.go: Enable…, wait Active
    await cbnApi.call('EnableTransitRouterRouteTablePropagation', {
      TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt,
    });
    const prop = async () => {
      const l = await cbnApi.call('ListTransitRouterRouteTablePropagations', {
        TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt,
      });
      const o = l.TransitRouterPropagations[0];
      return [o, o ? o.Status : ''];
    };
    await waitForState('propagation Active', ['Active'], prop);
  });

  test('alicloud_cen_transit_router_route_entry: create, wait Active, UpdateTransitRouterRouteEntry', async () => {
    // resource_alicloud_cen_transit_router_route_entry.go: CreateTransitRouterRouteEntry, id table:entry
    const r = await cbnApi.call('CreateTransitRouterRouteEntry', {
      TransitRouterRouteTableId: ids.rt, TransitRouterRouteEntryDestinationCidrBlock: '172.16.0.0/16',
      TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: ids.tra,
      TransitRouterRouteEntryName: 'tf-rte', TransitRouterRouteEntryDescription: 'terraform', ClientToken: 'tf-trte',
    });
    ids.trte = r.TransitRouterRouteEntryId;
    // service_alicloud_cbn.go DescribeCenTransitRouterRouteEntry: ListTransitRouterRouteEntries
    const read = async () => (await cbnApi.call('ListTransitRouterRouteEntries', {
      TransitRouterRouteTableId: ids.rt, 'TransitRouterRouteEntryIds.1': ids.trte,
    })).TransitRouterRouteEntries[0];
    const state = async () => { const o = await read(); return [o, o ? o.TransitRouterRouteEntryStatus : '']; };
    await waitForState('route entry Active', ['Active'], state);
    // second apply: name and description -> UpdateTransitRouterRouteEntry, wait Active
    await cbnApi.call('UpdateTransitRouterRouteEntry', {
      TransitRouterRouteEntryId: ids.trte, TransitRouterRouteEntryName: 'tf-rte-2',
      TransitRouterRouteEntryDescription: 'changed', ClientToken: 'tf-trte-u',
    });
    await waitForState('route entry Active after update', ['Active'], state);
    const o = await read();
    assert.equal(o.TransitRouterRouteEntryName, 'tf-rte-2');
    assert.equal(o.TransitRouterRouteEntryDescription, 'changed');
  });

  // ---------------------------------------------------------------- terraform destroy
  test('destroy in reverse dependency order: each delete, then its wait until gone (404)', async () => {
    // alicloud_cen_transit_router_route_entry: DeleteTransitRouterRouteEntry, wait gone
    await cbnApi.call('DeleteTransitRouterRouteEntry', { TransitRouterRouteEntryId: ids.trte, ClientToken: 'tf-d-trte' });
    await waitGone('route entry', async () => {
      const o = (await cbnApi.call('ListTransitRouterRouteEntries', {
        TransitRouterRouteTableId: ids.rt, 'TransitRouterRouteEntryIds.1': ids.trte,
      })).TransitRouterRouteEntries[0];
      return [o, o ? o.TransitRouterRouteEntryStatus : ''];
    }, { version: '2017-09-12', action: 'ListTransitRouterRouteEntries', params: { TransitRouterRouteTableId: ids.rt } });
    // propagation and association: Disable…/Dissociate…, wait gone
    await cbnApi.call('DisableTransitRouterRouteTablePropagation', { TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt });
    await retry('Dissociate', ['Operation.Blocking', 'IncorrectStatus.Status', 'IncorrectStatus.AttachmentOrRouteTable'], () =>
      cbnApi.call('DissociateTransitRouterAttachmentFromRouteTable', {
        TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt, ClientToken: 'tf-d-assoc',
      }));
    await waitGone('association', async () => {
      const o = (await cbnApi.call('ListTransitRouterRouteTableAssociations', {
        TransitRouterAttachmentId: ids.tra, TransitRouterRouteTableId: ids.rt,
      })).TransitRouterAssociations[0];
      return [o, o ? o.Status : ''];
    }, { version: '2017-09-12', action: 'ListTransitRouterRouteTableAssociations', params: { TransitRouterRouteTableId: ids.rt } });
    // alicloud_cen_transit_router_vpn_attachment: Delete…, wait until the list is empty
    await retry('DeleteTransitRouterVpnAttachment', ['IncorrectStatus.Status', 'Operation.Blocking'], () =>
      cbnApi.call('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: ids.tra, RegionId: REGION, ClientToken: 'tf-d-tra' }));
    await waitGone('VPN attachment of the router', async () => {
      const o = (await cbnApi.call('ListTransitRouterVpnAttachments', { TransitRouterAttachmentId: ids.tra, RegionId: REGION })).TransitRouterAttachments[0];
      return [o, o ? o.Status : ''];
    }, { version: '2017-09-12', action: 'ListTransitRouterVpnAttachments', params: { RegionId: REGION } });
    // alicloud_vpn_gateway_vpn_attachment: DeleteVpnAttachment (no wait in the provider);
    // refused while the router still had it, free now that it is detached
    await retry('DeleteVpnAttachment', ['IncorrectStatus.VpnConnection', 'VpnConnection.Configuring'], () =>
      vpcApi.call('DeleteVpnAttachment', { VpnConnectionId: ids.att, RegionId: REGION, ClientToken: 'tf-d-att' }));
    await assert.rejects(vpcApi.call('DescribeVpnConnection', { VpnConnectionId: ids.att, RegionId: REGION }), notFoundError);
    // alicloud_cen_transit_router_route_table: Delete…, wait gone
    await cbnApi.call('DeleteTransitRouterRouteTable', { TransitRouterRouteTableId: ids.rt });
    await waitGone('route table', async () => {
      const o = (await cbnApi.call('ListTransitRouterRouteTables', {
        RegionId: REGION, TransitRouterId: ids.tr, 'TransitRouterRouteTableIds.1': ids.rt,
      })).TransitRouterRouteTables[0];
      return [o, o ? o.TransitRouterRouteTableStatus : ''];
    }, { version: '2017-09-12', action: 'ListTransitRouterRouteTables', params: { TransitRouterId: ids.tr } });
    // alicloud_cen_transit_router: the CIDR block, then DeleteTransitRouter, wait gone; the CEN
    const cidrs = await cbnApi.call('ListTransitRouterCidr', { TransitRouterId: ids.tr, RegionId: REGION });
    for (const c of cidrs.CidrLists) {
      await cbnApi.call('DeleteTransitRouterCidr', { TransitRouterId: ids.tr, RegionId: REGION, TransitRouterCidrId: c.TransitRouterCidrId });
    }
    await retry('DeleteTransitRouter', ['IncorrectStatus.Status', 'Operation.Blocking'], () =>
      cbnApi.call('DeleteTransitRouter', { TransitRouterId: ids.tr, RegionId: REGION, ClientToken: 'tf-d-tr' }));
    await waitGone('router', async () => {
      const o = (await cbnApi.call('ListTransitRouters', { TransitRouterId: ids.tr, RegionId: REGION })).TransitRouters[0];
      return [o, o ? o.Status : ''];
    }, { version: '2017-09-12', action: 'ListTransitRouters', params: { RegionId: REGION } });
    await retry('DeleteCen', ['ParameterCenInstanceId', 'Operation.Blocking'], () => cbnApi.call('DeleteCen', { CenId: ids.cen }));
    // alicloud_vpn_connection: DeleteVpnConnection, wait until DescribeVpnConnection is 404
    await retry('DeleteVpnConnection', ['VpnGateway.Configuring', 'VpnConnection.Configuring'], () =>
      vpcApi.call('DeleteVpnConnection', { VpnConnectionId: ids.vco, RegionId: REGION, ClientToken: 'tf-d-vco' }));
    await waitGone('connection', async () => {
      const o = await vpcApi.call('DescribeVpnConnection', { VpnConnectionId: ids.vco, RegionId: REGION });
      return [o, o.Status];
    }, { version: '2016-04-28', action: 'DescribeVpnConnection', params: { RegionId: REGION, VpnConnectionId: 'vco-probe' } });
    for (const id of [ids.cgw, ids.cgw2]) {
      await retry('DeleteCustomerGateway', ['VpnGateway.Configuring'], () =>
        vpcApi.call('DeleteCustomerGateway', { CustomerGatewayId: id, RegionId: REGION, ClientToken: `tf-d-${id}` }));
    }
    // alicloud_route_entry: WaitForAllRouteEntriesAvailable, DeleteRouteEntry, WaitForRouteEntry(Deleted)
    if (ids.routeEntry) {
      const [rt, , cidr, , hop] = ids.routeEntry.split(':');
      await vpcApi.call('DeleteRouteEntry', { RouteTableId: rt, DestinationCidrBlock: cidr, NextHopId: hop, RegionId: REGION });
      await waitForState('route entry deleted', [''], async () => {
        const r = await vpcApi.call('DescribeRouteTables', { RegionId: REGION, RouteTableId: rt });
        const e = r.RouteTables.RouteTable[0].RouteEntrys.RouteEntry.find((x) => x.DestinationCidrBlock === cidr);
        return [e, e ? e.Status : ''];
      });
    }
    // alicloud_vpn_gateway: DeleteVpnGateway, wait until DescribeVpnGateway is 404
    await retry('DeleteVpnGateway', ['VpnGateway.Configuring', 'IncorrectStatus.VpnGateway'], () =>
      vpcApi.call('DeleteVpnGateway', { VpnGatewayId: ids.vgw, RegionId: REGION, ClientToken: 'tf-d-vgw' }));
    await waitGone('VPN gateway', async () => {
      const o = await vpcApi.call('DescribeVpnGateway', { VpnGatewayId: ids.vgw, RegionId: REGION });
      return [o, o.Status];
    }, { version: '2016-04-28', action: 'DescribeVpnGateway', params: { RegionId: REGION, VpnGatewayId: 'vpn-probe' } });
    // alicloud_vswitch: DeleteVSwitch, wait for "" (DescribeVSwitchAttributes 404)
    for (const id of [ids.vsw, ids.vswB]) {
      await retry('DeleteVSwitch', ['DependencyViolation', 'IncorrectVSwitchStatus', 'OperationConflict'], () =>
        vpcApi.call('DeleteVSwitch', { VSwitchId: id, RegionId: REGION }));
      await waitGone('vSwitch', async () => {
        const o = await vpcApi.call('DescribeVSwitchAttributes', { VSwitchId: id, RegionId: REGION });
        return [o, o.VSwitchId ? o.Status : ''];
      }, { version: '2016-04-28', action: 'DescribeVSwitchAttributes', params: { RegionId: REGION, VSwitchId: 'vsw-probe' } });
    }
    // alicloud_vpc: DeleteVpc (retried on DependencyViolation.VSwitch), wait until gone
    await retry('DeleteVpc', ['DependencyViolation.VSwitch', 'IncorrectVpcStatus'], () =>
      vpcApi.call('DeleteVpc', { VpcId: ids.vpc, RegionId: REGION, ClientToken: 'tf-d-vpc' }));
    await waitGone('VPC', async () => {
      const o = await vpcApi.call('DescribeVpcAttribute', { VpcId: ids.vpc, RegionId: REGION });
      return [o, o.VpcId ? o.Status : ''];
    }, { version: '2016-04-28', action: 'DescribeVpcAttribute', params: { RegionId: REGION, VpcId: 'vpc-probe' } });
  });
});
