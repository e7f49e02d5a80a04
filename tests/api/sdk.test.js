'use strict';
// The official Alibaba Cloud SDKs against a live vpnlabd:
//   * @alicloud/vpc20160428 (generated SDK, V3 signature ACS3-HMAC-SHA256, action in x-acs-action)
//   * @alicloud/pop-core (V2 signature HMAC-SHA1, parameters in a POST form body)
// The main server runs in strict mode with two AccessKey pairs of two accounts; a second one
// runs in open mode.  Response fields are read exactly as each SDK maps them
// (body.vpcs.vpc[0].vpcId for the V3 SDK, Vpcs.Vpc[0].VpcId for pop-core).

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Vpc = require('@alicloud/vpc20160428');
const { $OpenApiUtil, ClientError } = require('@alicloud/openapi-core');
const RPCClient = require('@alicloud/pop-core');
const { HOLD_MS, startServer, assertCleanExit, waitFor, rejection } = require('./sdk-harness.js');

const VpcClient = Vpc.default;
const API_VERSION = '2016-04-28';
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const HANGZHOU_ZONES = ['b', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].map((l) => `cn-hangzhou-${l}`);
const DELAY_MS = HOLD_MS; // Pending until a waitFor settles it: the Pending checks cannot race a timer

// Two accounts, one AccessKey pair each.
const A = { id: 'LTAI5tVpnlabAccountA01', secret: 'sEcReT-a-0123456789abcdefABCDEF', account: '1234567890123456' };
const B = { id: 'LTAI5tVpnlabAccountB02', secret: 'sEcReT-b-9876543210fedcbaFEDCBA', account: '1987654321098765' };

let strict; // strict-mode server
let open; // open-mode server

before(async () => {
  const [s, o] = await Promise.allSettled([
    startServer({
      auth: 'strict',
      credentials: [[A.id, A.secret, A.account], [B.id, B.secret, B.account]],
      delayMs: DELAY_MS,
      quotas: { vpcs_per_region: 100 },
    }),
    startServer({ auth: 'open', delayMs: 0 }),
  ]);
  // keep whatever started, so that after() stops it even when the other failed
  strict = s.value;
  open = o.value;
  if (s.status === 'rejected') throw s.reason;
  if (o.status === 'rejected') throw o.reason;
});

after(async () => {
  const [s, o] = await Promise.all([strict && strict.stop(), open && open.stop()]);
  if (s) assertCleanExit(s, 'vpnlabd (strict)');
  if (o) assertCleanExit(o, 'vpnlabd (open)');
});

// ---- clients ----

function v3(key, srv = strict) {
  return new VpcClient(new $OpenApiUtil.Config({
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    endpoint: srv.endpoint,
    protocol: 'http',
    readTimeout: 10000,
    connectTimeout: 5000,
  }));
}

function pop(key, srv = strict) {
  const client = new RPCClient({
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    endpoint: srv.url,
    apiVersion: API_VERSION,
  });
  // pop-core defaults to GET; send the parameters in a signed POST form body
  return {
    client,
    call: (action, params = {}) => client.request(action, params, { method: 'POST', timeout: 10000 }),
  };
}

// ---- error expectations, through each SDK's own error type ----


/** V3 SDK: openapi-core ClientError with statusCode, code, data (the body), requestId. */
async function v3Error(promise, { status, code, message, messagePrefix }) {
  const err = await rejection(promise);
  assert.ok(err instanceof ClientError, `a ClientError, got ${err && err.name}: ${err && err.message}`);
  assert.equal(err.name, 'ClientError');
  assert.equal(err.statusCode, status, `HTTP status of ${code}`);
  assert.equal(err.code, code);
  assert.equal(err.data.Code, code);
  assert.equal(err.data.HostId, 'vpc.aliyuncs.com');
  assert.match(err.requestId, UUID);
  assert.equal(err.data.RequestId, err.requestId);
  if (message !== undefined) assert.equal(err.data.Message, message);
  if (messagePrefix !== undefined) assert.ok(err.data.Message.startsWith(messagePrefix), err.data.Message);
  // the SDK's own message: "code: <status>, <Message> request id: <RequestId>"
  assert.equal(err.message, `${code}: code: ${status}, ${err.data.Message} request id: ${err.requestId}`);
  assert.equal(err.data.Recommend,
    `https://api.aliyun.com/troubleshoot?q=${code}&product=Vpc&requestId=${err.requestId}`);
  return err;
}

/** pop-core: Error named <Code>Error with code, data (the body) and entry.response.statusCode. */
async function popError(promise, { status, code, message, messagePrefix }) {
  const err = await rejection(promise);
  assert.ok(err instanceof Error);
  assert.equal(err.name, `${code}Error`);
  assert.equal(err.code, code);
  assert.equal(err.data.Code, code);
  assert.equal(err.data.HostId, 'vpc.aliyuncs.com');
  assert.match(err.data.RequestId, UUID);
  assert.equal(err.entry.response.statusCode, status, `HTTP status of ${code}`);
  assert.equal(err.entry.response.headers['x-acs-request-id'], err.data.RequestId);
  if (message !== undefined) assert.equal(err.data.Message, message);
  if (messagePrefix !== undefined) assert.ok(err.data.Message.startsWith(messagePrefix), err.data.Message);
  assert.ok(err.message.startsWith(`${err.data.Message}, URL: ${strict.url}/`) ||
    err.message.startsWith(`${err.data.Message}, URL: ${open.url}/`), err.message);
  return err;
}

const NOT_FOUND_VPC = { status: 404, code: 'InvalidVpcId.NotFound', message: 'Specified VPC does not exist.' };
const NOT_FOUND_VSW = { status: 404, code: 'InvalidVSwitchId.NotFound', message: 'VSwitch not exist.' };
// ModifyVSwitchAttribute's own wording (sic), as in the cloud's error table for that action
const NOT_FOUND_VSW_MODIFY = {
  status: 404, code: 'InvalidVSwitchId.NotFound', message: 'The specified virtual switch does not exists.',
};
const MISSING_VPC_ID = { status: 400, code: 'MissingVpcId', message: 'VpcId is mandatory for this action.' };
const DEPENDENCY = { status: 400, code: 'DependencyViolation.VSwitch', message: 'Specified object has dependent resources' };
const OVERLAP = { status: 400, code: 'InvalidCidrBlock.Overlapped', message: 'Specified CIDR block overlapped with other subnets.' };
const PENDING = { status: 400, code: 'IncorrectVpcStatus', message: 'Current VPC status does not support this operation.' };
const DRY_RUN = { status: 400, code: 'DryRunOperation', message: 'Request validation has been passed with DryRun flag set.' };
const BAD_KEY = { status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
const MISMATCH = {
  status: 400,
  code: 'IdempotentParameterMismatch',
  message: 'The request uses the same client token as a previous, but non-identical request. Do not reuse a ' +
    'client token with different requests, unless the requests are identical.',
};

// Values that stress percent-encoding in both signature versions.
const SPECIAL_VALUES = ['a b', 'x*y', 'tilde~ok', 'slash/ok', 'é中文', 'quote\'"', 'plus+eq=amp&', 'pct%20', '(paren)!', 'semi;colon:'];

const byKey = (a, b) => (a.key || a.Key) < (b.key || b.Key) ? -1 : (a.key || a.Key) > (b.key || b.Key) ? 1 : 0;

// =====================================================================================
describe('V3 SDK @alicloud/vpc20160428 (ACS3-HMAC-SHA256), strict mode', () => {
  const REGION = 'cn-hangzhou';
  let a; // account A
  let b; // account B
  let vpcId; let routeTableId; let vRouterId; let vswId;

  const describeVpc = async (client, id, region = REGION) =>
    (await client.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, vpcId: id }))).body;

  before(() => {
    a = v3(A);
    b = v3(B);
  });

  test('CreateVpc answers the SDK model fields; the VPC is Pending, then Available', async () => {
    const res = await a.createVpc(new Vpc.CreateVpcRequest({
      regionId: REGION, cidrBlock: '10.0.0.0/16', vpcName: 'v3-lab', description: 'made by the V3 SDK',
    }));
    assert.equal(res.statusCode, 200);
    const body = res.body;
    assert.ok(body instanceof Vpc.CreateVpcResponseBody);
    assert.match(body.requestId, UUID);
    assert.equal(res.headers['x-acs-request-id'], body.requestId);
    assert.match(body.vpcId, /^vpc-[a-z0-9]+$/);
    assert.match(body.VRouterId, /^vrt-[a-z0-9]+$/); // the model keeps the key's case: VRouterId
    assert.match(body.routeTableId, /^vtb-[a-z0-9]+$/);
    assert.match(body.resourceGroupId, /^rg-[a-z0-9]+$/);
    ({ vpcId, routeTableId, VRouterId: vRouterId } = body);

    const first = await describeVpc(a, vpcId);
    assert.equal(first.totalCount, 1);
    assert.equal(first.vpcs.vpc[0].status, 'Pending');
    // while Pending, a vSwitch cannot be created and the VPC cannot be deleted
    await v3Error(a.createVSwitch(new Vpc.CreateVSwitchRequest({
      regionId: REGION, vpcId, zoneId: 'cn-hangzhou-b', cidrBlock: '10.0.1.0/24',
    })), PENDING);
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId })), PENDING);

    const d = await waitFor('VPC Available', async () => {
      const got = await describeVpc(a, vpcId);
      return got.vpcs.vpc[0].status === 'Available' && got;
    });
    assert.ok(d instanceof Vpc.DescribeVpcsResponseBody);
    assert.match(d.requestId, UUID);
    assert.equal(d.pageNumber, 1);
    assert.equal(d.pageSize, 10);
    const v = d.vpcs.vpc[0];
    assert.equal(v.vpcId, vpcId);
    assert.equal(v.regionId, REGION);
    assert.equal(v.vpcName, 'v3-lab');
    assert.equal(v.description, 'made by the V3 SDK');
    assert.equal(v.cidrBlock, '10.0.0.0/16');
    assert.equal(v.VRouterId, vRouterId);
    assert.deepEqual(v.routerTableIds.routerTableIds, [routeTableId]);
    assert.deepEqual(v.vSwitchIds.vSwitchId, []);
    assert.equal(v.isDefault, false);
    assert.equal(v.ownerId, Number(A.account));
    assert.match(v.creationTime, TIME);
    assert.equal(v.resourceGroupId, body.resourceGroupId);
    assert.deepEqual(v.tags.tag, []);
    assert.deepEqual(v.userCidrs.userCidr, []);
    assert.equal(v.enabledIpv6, false);
  });

  test('ModifyVpcAttribute changes name and description', async () => {
    const res = await a.modifyVpcAttribute(new Vpc.ModifyVpcAttributeRequest({
      regionId: REGION, vpcId, vpcName: 'v3-renamed', description: 'changed by the V3 SDK',
    }));
    assert.match(res.body.requestId, UUID);
    const v = (await describeVpc(a, vpcId)).vpcs.vpc[0];
    assert.equal(v.vpcName, 'v3-renamed');
    assert.equal(v.description, 'changed by the V3 SDK');
  });

  test('CreateVSwitch, DescribeVSwitches, ModifyVSwitchAttribute', async () => {
    const res = await a.createVSwitch(new Vpc.CreateVSwitchRequest({
      regionId: REGION, vpcId, zoneId: 'cn-hangzhou-b', cidrBlock: '10.0.1.0/24', vSwitchName: 'v3-web',
      description: 'web tier',
    }));
    assert.equal(res.statusCode, 200);
    assert.match(res.body.requestId, UUID);
    assert.match(res.body.vSwitchId, /^vsw-[a-z0-9]+$/);
    vswId = res.body.vSwitchId;

    const d = await waitFor('vSwitch Available', async () => {
      const got = (await a.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION, vpcId }))).body;
      return got.vSwitches.vSwitch[0].status === 'Available' && got;
    });
    assert.equal(d.totalCount, 1);
    assert.equal(d.pageNumber, 1);
    assert.equal(d.pageSize, 10);
    const s = d.vSwitches.vSwitch[0];
    assert.equal(s.vSwitchId, vswId);
    assert.equal(s.vpcId, vpcId);
    assert.equal(s.zoneId, 'cn-hangzhou-b');
    assert.equal(s.cidrBlock, '10.0.1.0/24');
    assert.equal(s.vSwitchName, 'v3-web');
    assert.equal(s.description, 'web tier');
    assert.equal(s.availableIpAddressCount, 252);
    assert.equal(s.routeTable.routeTableId, routeTableId);
    assert.equal(s.routeTable.routeTableType, 'System');
    assert.equal(s.ownerId, Number(A.account));
    assert.match(s.creationTime, TIME);
    assert.equal(s.isDefault, false);

    // the VPC lists its vSwitch
    assert.deepEqual((await describeVpc(a, vpcId)).vpcs.vpc[0].vSwitchIds.vSwitchId, [vswId]);
    // filter by id and by zone
    const byId = (await a.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION, vSwitchId: vswId }))).body;
    assert.deepEqual(byId.vSwitches.vSwitch.map((x) => x.vSwitchId), [vswId]);
    const otherZone = (await a.describeVSwitches(new Vpc.DescribeVSwitchesRequest({
      regionId: REGION, vpcId, zoneId: 'cn-hangzhou-d',
    }))).body;
    assert.equal(otherZone.totalCount, 0);
    assert.deepEqual(otherZone.vSwitches.vSwitch, []);

    await a.modifyVSwitchAttribute(new Vpc.ModifyVSwitchAttributeRequest({
      regionId: REGION, vSwitchId: vswId, vSwitchName: 'v3-web-2', description: 'web tier, renamed',
    }));
    const s2 = (await a.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION, vSwitchId: vswId })))
      .body.vSwitches.vSwitch[0];
    assert.equal(s2.vSwitchName, 'v3-web-2');
    assert.equal(s2.description, 'web tier, renamed');
  });

  test('errors: overlap, not found, missing id', async () => {
    await v3Error(a.createVSwitch(new Vpc.CreateVSwitchRequest({
      regionId: REGION, vpcId, zoneId: 'cn-hangzhou-b', cidrBlock: '10.0.1.128/25',
    })), OVERLAP);
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId: 'vpc-doesnotexist000000' })), NOT_FOUND_VPC);
    await v3Error(a.modifyVpcAttribute(new Vpc.ModifyVpcAttributeRequest({
      regionId: REGION, vpcId: 'vpc-doesnotexist000000', vpcName: 'x',
    })), NOT_FOUND_VPC);
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION })), MISSING_VPC_ID);
    await v3Error(a.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: 'vsw-doesnotexist000000' })),
      NOT_FOUND_VSW);
    await v3Error(a.modifyVSwitchAttribute(new Vpc.ModifyVSwitchAttributeRequest({
      regionId: REGION, vSwitchId: 'vsw-doesnotexist000000', vSwitchName: 'x',
    })), NOT_FOUND_VSW_MODIFY);
    // an unknown VpcId filter is an empty list, not an error
    const none = await describeVpc(a, 'vpc-doesnotexist000000');
    assert.equal(none.totalCount, 0);
    assert.deepEqual(none.vpcs.vpc, []);
  });

  test('DeleteVpc is refused while a vSwitch exists; delete vSwitch, then VPC; both gone', async () => {
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId })), DEPENDENCY);
    const dv = await a.deleteVSwitch(new Vpc.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: vswId }));
    assert.match(dv.body.requestId, UUID);
    const gone = (await a.describeVSwitches(new Vpc.DescribeVSwitchesRequest({ regionId: REGION, vSwitchId: vswId }))).body;
    assert.equal(gone.totalCount, 0);
    const del = await a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId }));
    assert.equal(del.statusCode, 200);
    assert.match(del.body.requestId, UUID);
    const after1 = await describeVpc(a, vpcId);
    assert.equal(after1.totalCount, 0);
    assert.deepEqual(after1.vpcs.vpc, []);
    const all = (await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION, pageSize: 50 }))).body;
    assert.ok(!all.vpcs.vpc.some((x) => x.vpcId === vpcId), 'not listed any more');
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: REGION, vpcId })), NOT_FOUND_VPC);
  });

  test('authentication: a wrong secret and an unknown AccessKeyId are refused', async () => {
    const wrongSecret = v3({ id: A.id, secret: `${A.secret}x` });
    const err = await v3Error(wrongSecret.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION })), {
      status: 400, code: 'SignatureDoesNotMatch', messagePrefix: 'Specified signature',
    });
    assert.ok(err.data.Message.includes('ACS3-HMAC-SHA256'), 'the V3 string to sign is shown');
    await v3Error(v3({ id: 'LTAI5tNoSuchKey000000', secret: A.secret })
      .createVpc(new Vpc.CreateVpcRequest({ regionId: REGION, cidrBlock: '10.9.0.0/16' })), BAD_KEY);
    // nothing was created by the refused calls
    const mine = (await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION }))).body;
    assert.ok(!mine.vpcs.vpc.some((x) => x.cidrBlock === '10.9.0.0/16'));
  });

  test('account isolation: A\'s VPC is not found and not listed for B', async () => {
    const region = 'cn-qingdao';
    const mine = (await a.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '172.16.0.0/16' }))).body.vpcId;
    await waitFor('VPC Available', async () => (await describeVpc(a, mine, region)).vpcs.vpc[0].status === 'Available');
    const seen = await describeVpc(b, mine, region);
    assert.equal(seen.totalCount, 0);
    assert.deepEqual(seen.vpcs.vpc, []);
    const listB = (await b.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, pageSize: 50 }))).body;
    assert.ok(!listB.vpcs.vpc.some((x) => x.vpcId === mine));
    await v3Error(b.modifyVpcAttribute(new Vpc.ModifyVpcAttributeRequest({ regionId: region, vpcId: mine, vpcName: 'stolen' })),
      NOT_FOUND_VPC);
    await v3Error(b.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: region, vpcId: mine })), NOT_FOUND_VPC);
    await v3Error(b.createVSwitch(new Vpc.CreateVSwitchRequest({
      regionId: region, vpcId: mine, zoneId: 'cn-qingdao-b', cidrBlock: '172.16.1.0/24',
    })), NOT_FOUND_VPC);
    const still = (await describeVpc(a, mine, region)).vpcs.vpc[0];
    assert.equal(still.vpcId, mine);
    assert.notEqual(still.vpcName, 'stolen');
    assert.equal(still.ownerId, Number(A.account));
  });

  test('ClientToken: the same CreateVpc twice answers the same VpcId and creates one VPC', async () => {
    const region = 'cn-shanghai';
    const count = async () => (await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region }))).body.totalCount;
    const before1 = await count();
    const req = () => new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '192.168.0.0/16', vpcName: 'idem', clientToken: 'v3-token-0001' });
    const first = (await a.createVpc(req())).body;
    const second = (await a.createVpc(req())).body;
    assert.equal(second.vpcId, first.vpcId);
    assert.equal(second.VRouterId, first.VRouterId);
    assert.equal(second.routeTableId, first.routeTableId);
    assert.notEqual(second.requestId, first.requestId);
    assert.equal(await count(), before1 + 1);
    // the same token with other parameters is refused
    await v3Error(a.createVpc(new Vpc.CreateVpcRequest({
      regionId: region, cidrBlock: '172.16.0.0/16', vpcName: 'idem', clientToken: 'v3-token-0001',
    })), MISMATCH);
    assert.equal(await count(), before1 + 1);
  });

  test('DryRun: DryRunOperation and nothing created or deleted', async () => {
    const region = 'cn-shanghai';
    const list = async () => (await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, pageSize: 50 }))).body;
    const before1 = await list();
    await v3Error(a.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '10.1.0.0/16', dryRun: true })), DRY_RUN);
    assert.equal((await list()).totalCount, before1.totalCount);
    // a dry run that fails validation answers the validation error instead
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: region, vpcId: 'vpc-doesnotexist000000', dryRun: true })),
      NOT_FOUND_VPC);
    const target = (await a.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '10.2.0.0/16' }))).body.vpcId;
    await waitFor('VPC Available', async () => (await describeVpc(a, target, region)).vpcs.vpc[0].status === 'Available');
    await v3Error(a.deleteVpc(new Vpc.DeleteVpcRequest({ regionId: region, vpcId: target, dryRun: true })), DRY_RUN);
    assert.equal((await describeVpc(a, target, region)).totalCount, 1);
  });

  test('the generated SDK in V2 mode (signatureAlgorithm: \'v2\') works as well', async () => {
    const cfg = (secret) => new $OpenApiUtil.Config({
      accessKeyId: A.id, accessKeySecret: secret, endpoint: strict.endpoint, protocol: 'http', signatureAlgorithm: 'v2',
    });
    const c = new VpcClient(cfg(A.secret));
    const made = (await c.createVpc(new Vpc.CreateVpcRequest({
      regionId: 'cn-chengdu', cidrBlock: '10.0.0.0/16', tag: [new Vpc.CreateVpcRequestTag({ key: 'sig', value: 'v2' })],
    }))).body;
    assert.match(made.vpcId, /^vpc-[a-z0-9]+$/);
    // the V3-signed client of the same account sees it
    const v = (await describeVpc(a, made.vpcId, 'cn-chengdu')).vpcs.vpc[0];
    assert.deepEqual(v.tags.tag.map((t) => [t.key, t.value]), [['sig', 'v2']]);
    await v3Error(new VpcClient(cfg('wrong')).describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: 'cn-chengdu' })), {
      status: 400, code: 'SignatureDoesNotMatch',
      messagePrefix: 'Specified signature is not matched with our calculation. server string to sign is:',
    });
  });

  test('Tags: Tag.N round-trips and filters DescribeVpcs', async () => {
    const region = 'cn-beijing';
    const tagged = (await a.createVpc(new Vpc.CreateVpcRequest({
      regionId: region, cidrBlock: '10.0.0.0/16',
      tag: [new Vpc.CreateVpcRequestTag({ key: 'env', value: 'prod' }), new Vpc.CreateVpcRequestTag({ key: 'team', value: 'net' })],
    }))).body.vpcId;
    const other = (await a.createVpc(new Vpc.CreateVpcRequest({
      regionId: region, cidrBlock: '10.1.0.0/16', tag: [new Vpc.CreateVpcRequestTag({ key: 'env', value: 'dev' })],
    }))).body.vpcId;
    await a.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: '10.2.0.0/16' }));

    const v = (await describeVpc(a, tagged, region)).vpcs.vpc[0];
    assert.ok(v.tags instanceof Vpc.DescribeVpcsResponseBodyVpcsVpcTags);
    assert.deepEqual([...v.tags.tag].sort(byKey).map((t) => [t.key, t.value]), [['env', 'prod'], ['team', 'net']]);

    const filter = async (tags) => (await a.describeVpcs(new Vpc.DescribeVpcsRequest({
      regionId: region, tag: tags.map(([key, value]) => new Vpc.DescribeVpcsRequestTag({ key, value })),
    }))).body;
    const prod = await filter([['env', 'prod']]);
    assert.equal(prod.totalCount, 1);
    assert.deepEqual(prod.vpcs.vpc.map((x) => x.vpcId), [tagged]);
    const anyEnv = await filter([['env', undefined]]);
    assert.deepEqual(anyEnv.vpcs.vpc.map((x) => x.vpcId).sort(), [tagged, other].sort());
    assert.equal((await filter([['env', 'prod'], ['team', 'net']])).totalCount, 1);
    assert.equal((await filter([['env', 'dev'], ['team', 'net']])).totalCount, 0);
    assert.equal((await filter([['nope', undefined]])).totalCount, 0);
    assert.equal((await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region }))).body.totalCount, 3);
  });

  test('paging: PageSize, PageNumber and TotalCount over 23 VPCs', async () => {
    const region = 'cn-shenzhen';
    const ids = [];
    for (let i = 0; i < 23; i++) {
      ids.push((await a.createVpc(new Vpc.CreateVpcRequest({ regionId: region, cidrBlock: `10.${i}.0.0/16`, vpcName: `page-${i}` }))).body.vpcId);
    }
    const page = async (pageNumber, pageSize) => (await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, pageNumber, pageSize }))).body;
    const seen = [];
    for (const [n, expected] of [[1, 10], [2, 10], [3, 3]]) {
      const p = await page(n, 10);
      assert.equal(p.totalCount, 23);
      assert.equal(p.pageNumber, n);
      assert.equal(p.pageSize, 10);
      assert.equal(p.vpcs.vpc.length, expected, `page ${n}`);
      seen.push(...p.vpcs.vpc.map((x) => x.vpcId));
    }
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'the pages hold every VPC once');
    const beyond = await page(4, 10);
    assert.equal(beyond.totalCount, 23);
    assert.deepEqual(beyond.vpcs.vpc, []);
    const whole = await page(1, 50);
    assert.equal(whole.vpcs.vpc.length, 23);
    assert.equal(whole.pageSize, 50);
    const deflt = (await a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region }))).body;
    assert.equal(deflt.pageSize, 10);
    assert.equal(deflt.vpcs.vpc.length, 10);
    await v3Error(a.describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: region, pageSize: 51 })), {
      status: 400, code: 'InvalidPageSize', message: 'Specified parameter PageSize is not valid.',
    });
  });

  test('signatures and values survive reserved and non-ASCII characters', async () => {
    const region = 'cn-huhehaote';
    for (const value of SPECIAL_VALUES) {
      const made = (await a.createVpc(new Vpc.CreateVpcRequest({
        regionId: region, description: `D ${value}`, tag: [new Vpc.CreateVpcRequestTag({ key: `k ${value}`, value })],
      }))).body;
      const v = (await describeVpc(a, made.vpcId, region)).vpcs.vpc[0];
      assert.deepEqual([v.description, v.tags.tag[0].key, v.tags.tag[0].value], [`D ${value}`, `k ${value}`, value]);
      const found = (await a.describeVpcs(new Vpc.DescribeVpcsRequest({
        regionId: region, tag: [new Vpc.DescribeVpcsRequestTag({ key: `k ${value}`, value })],
      }))).body;
      assert.deepEqual(found.vpcs.vpc.map((x) => x.vpcId), [made.vpcId], `tag filter on ${JSON.stringify(value)}`);
    }
  });

  test('DescribeRegions and DescribeZones', async () => {
    const regions = (await a.describeRegions(new Vpc.DescribeRegionsRequest({ acceptLanguage: 'en-US' }))).body;
    assert.match(regions.requestId, UUID);
    const hz = regions.regions.region.find((r) => r.regionId === 'cn-hangzhou');
    assert.ok(hz, 'cn-hangzhou is listed');
    assert.equal(hz.regionEndpoint, 'vpc.aliyuncs.com');
    assert.equal(typeof hz.localName, 'string');
    const zones = (await a.describeZones(new Vpc.DescribeZonesRequest({ regionId: 'cn-hangzhou' }))).body;
    assert.match(zones.requestId, UUID);
    assert.deepEqual(zones.zones.zone.map((z) => z.zoneId).sort(), HANGZHOU_ZONES);
    assert.ok(zones.zones.zone.every((z) => z.zoneType === 'AvailabilityZone' && z.localName));
  });
});

// =====================================================================================
describe('V2 SDK @alicloud/pop-core (HMAC-SHA1, POST form), strict mode', () => {
  const REGION = 'cn-hangzhou';
  let b; // account B
  let a; // account A
  let vpcId; let routeTableId; let vswId;

  const describeVpc = (client, id, region = REGION) => client.call('DescribeVpcs', { RegionId: region, VpcId: id });

  before(() => {
    b = pop(B);
    a = pop(A);
  });

  test('CreateVpc answers VpcId, VRouterId, RouteTableId, ResourceGroupId; Pending, then Available', async () => {
    const r = await b.call('CreateVpc', { RegionId: REGION, CidrBlock: '10.0.0.0/16', VpcName: 'pop-lab', Description: 'made by pop-core' });
    assert.deepEqual(Object.keys(r).sort(), ['RequestId', 'ResourceGroupId', 'RouteTableId', 'VRouterId', 'VpcId']);
    assert.match(r.RequestId, UUID);
    assert.match(r.VpcId, /^vpc-[a-z0-9]+$/);
    assert.match(r.VRouterId, /^vrt-[a-z0-9]+$/);
    assert.match(r.RouteTableId, /^vtb-[a-z0-9]+$/);
    assert.match(r.ResourceGroupId, /^rg-[a-z0-9]+$/);
    vpcId = r.VpcId;
    routeTableId = r.RouteTableId;

    assert.equal((await describeVpc(b, vpcId)).Vpcs.Vpc[0].Status, 'Pending');
    await popError(b.call('CreateVSwitch', { RegionId: REGION, VpcId: vpcId, ZoneId: 'cn-hangzhou-b', CidrBlock: '10.0.1.0/24' }), PENDING);

    const d = await waitFor('VPC Available', async () => {
      const got = await describeVpc(b, vpcId);
      return got.Vpcs.Vpc[0].Status === 'Available' && got;
    });
    assert.match(d.RequestId, UUID);
    assert.equal(d.TotalCount, 1);
    assert.equal(d.PageNumber, 1);
    assert.equal(d.PageSize, 10);
    const v = d.Vpcs.Vpc[0];
    assert.equal(v.VpcId, vpcId);
    assert.equal(v.RegionId, REGION);
    assert.equal(v.VpcName, 'pop-lab');
    assert.equal(v.Description, 'made by pop-core');
    assert.equal(v.CidrBlock, '10.0.0.0/16');
    assert.equal(v.VRouterId, r.VRouterId);
    assert.deepEqual(v.RouterTableIds.RouterTableIds, [routeTableId]);
    assert.deepEqual(v.VSwitchIds.VSwitchId, []);
    assert.deepEqual(v.Tags.Tag, []);
    assert.equal(v.IsDefault, false);
    assert.equal(String(v.OwnerId), B.account); // json-bigint: a BigNumber for 16 digits
    assert.match(v.CreationTime, TIME);
    assert.equal(v.ResourceGroupId, r.ResourceGroupId);
  });

  test('ModifyVpcAttribute changes name and description', async () => {
    const r = await b.call('ModifyVpcAttribute', { RegionId: REGION, VpcId: vpcId, VpcName: 'pop-renamed', Description: 'changed by pop-core' });
    assert.deepEqual(Object.keys(r), ['RequestId']);
    const v = (await describeVpc(b, vpcId)).Vpcs.Vpc[0];
    assert.equal(v.VpcName, 'pop-renamed');
    assert.equal(v.Description, 'changed by pop-core');
  });

  test('CreateVSwitch, DescribeVSwitches, ModifyVSwitchAttribute', async () => {
    const r = await b.call('CreateVSwitch', {
      RegionId: REGION, VpcId: vpcId, ZoneId: 'cn-hangzhou-e', CidrBlock: '10.0.8.0/22', VSwitchName: 'pop-db',
      Description: 'db tier',
    });
    assert.deepEqual(Object.keys(r).sort(), ['RequestId', 'VSwitchId']);
    assert.match(r.VSwitchId, /^vsw-[a-z0-9]+$/);
    vswId = r.VSwitchId;

    const d = await waitFor('vSwitch Available', async () => {
      const got = await b.call('DescribeVSwitches', { RegionId: REGION, VpcId: vpcId });
      return got.VSwitches.VSwitch[0].Status === 'Available' && got;
    });
    assert.equal(d.TotalCount, 1);
    assert.equal(d.PageNumber, 1);
    assert.equal(d.PageSize, 10);
    const s = d.VSwitches.VSwitch[0];
    assert.equal(s.VSwitchId, vswId);
    assert.equal(s.VpcId, vpcId);
    assert.equal(s.ZoneId, 'cn-hangzhou-e');
    assert.equal(s.CidrBlock, '10.0.8.0/22');
    assert.equal(s.VSwitchName, 'pop-db');
    assert.equal(s.Description, 'db tier');
    assert.equal(s.AvailableIpAddressCount, 1020);
    assert.equal(s.RouteTable.RouteTableId, routeTableId);
    assert.equal(s.RouteTable.RouteTableType, 'System');
    assert.equal(String(s.OwnerId), B.account);
    assert.match(s.CreationTime, TIME);
    assert.deepEqual((await describeVpc(b, vpcId)).Vpcs.Vpc[0].VSwitchIds.VSwitchId, [vswId]);

    const m = await b.call('ModifyVSwitchAttribute', { RegionId: REGION, VSwitchId: vswId, VSwitchName: 'pop-db-2', Description: 'db, renamed' });
    assert.match(m.RequestId, UUID);
    const s2 = (await b.call('DescribeVSwitches', { RegionId: REGION, VSwitchId: vswId })).VSwitches.VSwitch[0];
    assert.equal(s2.VSwitchName, 'pop-db-2');
    assert.equal(s2.Description, 'db, renamed');
  });

  test('errors: overlap, not found, missing id, unknown action', async () => {
    await popError(b.call('CreateVSwitch', { RegionId: REGION, VpcId: vpcId, ZoneId: 'cn-hangzhou-e', CidrBlock: '10.0.9.0/24' }), OVERLAP);
    await popError(b.call('DeleteVpc', { RegionId: REGION, VpcId: 'vpc-doesnotexist000000' }), NOT_FOUND_VPC);
    await popError(b.call('ModifyVpcAttribute', { RegionId: REGION, VpcId: 'vpc-doesnotexist000000', VpcName: 'x' }), NOT_FOUND_VPC);
    await popError(b.call('DeleteVpc', { RegionId: REGION }), MISSING_VPC_ID);
    await popError(b.call('ModifyVSwitchAttribute', { RegionId: REGION, VSwitchId: 'vsw-doesnotexist000000', VSwitchName: 'x' }),
      NOT_FOUND_VSW_MODIFY);
    await popError(b.call('DeleteVSwitch', { RegionId: REGION, VSwitchId: 'vsw-doesnotexist000000' }), NOT_FOUND_VSW);
    await popError(b.call('DescribeVpcz', { RegionId: REGION }), {
      status: 404, code: 'InvalidApi.NotFound', message: 'Specified api is not found, please check your url and method.',
    });
    const none = await describeVpc(b, 'vpc-doesnotexist000000');
    assert.equal(none.TotalCount, 0);
    assert.deepEqual(none.Vpcs.Vpc, []);
  });

  test('DeleteVpc is refused while a vSwitch exists; delete vSwitch, then VPC; both gone', async () => {
    await popError(b.call('DeleteVpc', { RegionId: REGION, VpcId: vpcId }), DEPENDENCY);
    const dv = await b.call('DeleteVSwitch', { RegionId: REGION, VSwitchId: vswId });
    assert.deepEqual(Object.keys(dv), ['RequestId']);
    assert.equal((await b.call('DescribeVSwitches', { RegionId: REGION, VSwitchId: vswId })).TotalCount, 0);
    const del = await b.call('DeleteVpc', { RegionId: REGION, VpcId: vpcId });
    assert.match(del.RequestId, UUID);
    const gone = await describeVpc(b, vpcId);
    assert.equal(gone.TotalCount, 0);
    assert.deepEqual(gone.Vpcs.Vpc, []);
    const all = await b.call('DescribeVpcs', { RegionId: REGION, PageSize: 50 });
    assert.ok(!all.Vpcs.Vpc.some((x) => x.VpcId === vpcId));
    await popError(b.call('DeleteVpc', { RegionId: REGION, VpcId: vpcId }), NOT_FOUND_VPC);
  });

  test('authentication: a wrong secret and an unknown AccessKeyId are refused', async () => {
    const err = await popError(pop({ id: B.id, secret: 'not-the-secret' }).call('DescribeVpcs', { RegionId: REGION }), {
      status: 400, code: 'SignatureDoesNotMatch',
      messagePrefix: 'Specified signature is not matched with our calculation. server string to sign is:POST&%2F&',
    });
    assert.ok(err.data.Message.includes('Action%3DDescribeVpcs'), 'the V2 string to sign is shown');
    await popError(pop({ id: 'LTAI5tNoSuchKey000000', secret: B.secret }).call('CreateVpc', { RegionId: REGION, CidrBlock: '10.9.0.0/16' }),
      BAD_KEY);
    const mine = await b.call('DescribeVpcs', { RegionId: REGION, PageSize: 50 });
    assert.ok(!mine.Vpcs.Vpc.some((x) => x.CidrBlock === '10.9.0.0/16'));
  });

  test('account isolation: B\'s VPC is not found and not listed for A', async () => {
    const region = 'cn-qingdao';
    const mine = (await b.call('CreateVpc', { RegionId: region, CidrBlock: '172.16.0.0/16', VpcName: 'b-only' })).VpcId;
    await waitFor('VPC Available', async () => (await describeVpc(b, mine, region)).Vpcs.Vpc[0].Status === 'Available');
    const seen = await describeVpc(a, mine, region);
    assert.equal(seen.TotalCount, 0);
    assert.deepEqual(seen.Vpcs.Vpc, []);
    const listA = await a.call('DescribeVpcs', { RegionId: region, PageSize: 50 });
    assert.ok(!listA.Vpcs.Vpc.some((x) => x.VpcId === mine));
    assert.ok(listA.Vpcs.Vpc.every((x) => String(x.OwnerId) === A.account));
    await popError(a.call('DeleteVpc', { RegionId: region, VpcId: mine }), NOT_FOUND_VPC);
    await popError(a.call('ModifyVpcAttribute', { RegionId: region, VpcId: mine, VpcName: 'stolen' }), NOT_FOUND_VPC);
    assert.equal((await describeVpc(b, mine, region)).Vpcs.Vpc[0].VpcName, 'b-only');
  });

  test('ClientToken: the same CreateVpc twice answers the same VpcId and creates one VPC', async () => {
    const region = 'cn-shanghai';
    const count = async () => (await b.call('DescribeVpcs', { RegionId: region })).TotalCount;
    const before1 = await count();
    const params = { RegionId: region, CidrBlock: '192.168.0.0/16', VpcName: 'idem', ClientToken: 'pop-token-0001' };
    const first = await b.call('CreateVpc', params);
    const second = await b.call('CreateVpc', { ...params });
    assert.equal(second.VpcId, first.VpcId);
    assert.equal(second.VRouterId, first.VRouterId);
    assert.notEqual(second.RequestId, first.RequestId);
    assert.equal(await count(), before1 + 1);
    await popError(b.call('CreateVpc', { ...params, VpcName: 'other' }), MISMATCH);
    assert.equal(await count(), before1 + 1);
    // the token is the account's own: A may use the same token for its own VPC
    const ofA = await a.call('CreateVpc', params);
    assert.notEqual(ofA.VpcId, first.VpcId);
  });

  test('DryRun: DryRunOperation and nothing created or deleted', async () => {
    const region = 'cn-shanghai';
    const before1 = await b.call('DescribeVpcs', { RegionId: region, PageSize: 50 });
    await popError(b.call('CreateVpc', { RegionId: region, CidrBlock: '10.1.0.0/16', DryRun: true }), DRY_RUN);
    assert.equal((await b.call('DescribeVpcs', { RegionId: region })).TotalCount, before1.TotalCount);
    const target = (await b.call('CreateVpc', { RegionId: region, CidrBlock: '10.2.0.0/16' })).VpcId;
    await waitFor('VPC Available', async () => (await describeVpc(b, target, region)).Vpcs.Vpc[0].Status === 'Available');
    await popError(b.call('DeleteVpc', { RegionId: region, VpcId: target, DryRun: 'true' }), DRY_RUN);
    assert.equal((await describeVpc(b, target, region)).TotalCount, 1);
  });

  test('Tags: Tag.N round-trips and filters DescribeVpcs', async () => {
    const region = 'cn-beijing';
    // pop-core flattens a list to Tag.1.Key/Tag.1.Value…; the flat form works the same
    const tagged = (await b.call('CreateVpc', {
      RegionId: region, CidrBlock: '10.0.0.0/16', Tag: [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: '' }],
    })).VpcId;
    const other = (await b.call('CreateVpc', { RegionId: region, CidrBlock: '10.1.0.0/16', 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' })).VpcId;
    await b.call('CreateVpc', { RegionId: region, CidrBlock: '10.2.0.0/16' });

    const v = (await describeVpc(b, tagged, region)).Vpcs.Vpc[0];
    // json-bigint builds null-prototype objects: compare keys and values
    const pairs = (tags) => [...tags].sort(byKey).map((t) => [Object.keys(t).join(), t.Key, t.Value]);
    assert.deepEqual(pairs(v.Tags.Tag), [['Key,Value', 'env', 'prod'], ['Key,Value', 'owner', '']]);
    assert.deepEqual(pairs((await describeVpc(b, other, region)).Vpcs.Vpc[0].Tags.Tag), [['Key,Value', 'env', 'dev']]);

    const prod = await b.call('DescribeVpcs', { RegionId: region, Tag: [{ Key: 'env', Value: 'prod' }] });
    assert.equal(prod.TotalCount, 1);
    assert.deepEqual(prod.Vpcs.Vpc.map((x) => x.VpcId), [tagged]);
    const anyEnv = await b.call('DescribeVpcs', { RegionId: region, 'Tag.1.Key': 'env' });
    assert.deepEqual(anyEnv.Vpcs.Vpc.map((x) => x.VpcId).sort(), [tagged, other].sort());
    assert.equal((await b.call('DescribeVpcs', { RegionId: region, Tag: [{ Key: 'env', Value: 'prod' }, { Key: 'owner' }] })).TotalCount, 1);
    assert.equal((await b.call('DescribeVpcs', { RegionId: region, Tag: [{ Key: 'env', Value: 'dev' }, { Key: 'owner' }] })).TotalCount, 0);
    assert.equal((await b.call('DescribeVpcs', { RegionId: region })).TotalCount, 3);
  });

  test('paging: PageSize, PageNumber and TotalCount over 23 VPCs', async () => {
    const region = 'cn-shenzhen';
    const ids = [];
    for (let i = 0; i < 23; i++) {
      ids.push((await b.call('CreateVpc', { RegionId: region, CidrBlock: `10.${i}.0.0/16` })).VpcId);
    }
    const seen = [];
    for (const [n, expected] of [[1, 7], [2, 7], [3, 7], [4, 2]]) {
      const p = await b.call('DescribeVpcs', { RegionId: region, PageNumber: n, PageSize: 7 });
      assert.equal(p.TotalCount, 23);
      assert.equal(p.PageNumber, n);
      assert.equal(p.PageSize, 7);
      assert.equal(p.Vpcs.Vpc.length, expected, `page ${n}`);
      seen.push(...p.Vpcs.Vpc.map((x) => x.VpcId));
    }
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'the pages hold every VPC once');
    const beyond = await b.call('DescribeVpcs', { RegionId: region, PageNumber: 5, PageSize: 7 });
    assert.deepEqual([beyond.TotalCount, beyond.Vpcs.Vpc], [23, []]);
    const deflt = await b.call('DescribeVpcs', { RegionId: region });
    assert.deepEqual([deflt.PageNumber, deflt.PageSize, deflt.Vpcs.Vpc.length], [1, 10, 10]);
    await popError(b.call('DescribeVpcs', { RegionId: region, PageNumber: 0 }), {
      status: 400, code: 'InvalidPageNumber', message: 'Specified parameter PageNumber is not valid.',
    });
  });

  test('signatures and values survive reserved and non-ASCII characters (POST form and GET query)', async () => {
    const region = 'cn-huhehaote';
    for (const value of SPECIAL_VALUES) {
      for (const method of ['POST', 'GET']) {
        const call = (action, params) => b.client.request(action, params, { method, timeout: 10000 });
        const made = await call('CreateVpc', { RegionId: region, Description: `D ${value}`, Tag: [{ Key: `k ${value}`, Value: value }] });
        const v = (await call('DescribeVpcs', { RegionId: region, VpcId: made.VpcId })).Vpcs.Vpc[0];
        assert.deepEqual([v.Description, v.Tags.Tag[0].Key, v.Tags.Tag[0].Value], [`D ${value}`, `k ${value}`, value],
          `${method} ${JSON.stringify(value)}`);
        const found = await call('DescribeVpcs', { RegionId: region, 'Tag.1.Key': `k ${value}`, 'Tag.1.Value': value });
        assert.ok(found.Vpcs.Vpc.some((x) => x.VpcId === made.VpcId), `tag filter on ${JSON.stringify(value)}`);
      }
    }
  });

  test('DescribeRegions and DescribeZones', async () => {
    const regions = await b.call('DescribeRegions', {});
    assert.match(regions.RequestId, UUID);
    const hz = regions.Regions.Region.find((r) => r.RegionId === 'cn-hangzhou');
    assert.deepEqual(Object.keys(hz).sort(), ['LocalName', 'RegionEndpoint', 'RegionId']);
    assert.equal(hz.RegionEndpoint, 'vpc.aliyuncs.com');
    const zones = await b.call('DescribeZones', { RegionId: 'cn-hangzhou' });
    assert.deepEqual(zones.Zones.Zone.map((z) => z.ZoneId).sort(), HANGZHOU_ZONES);
    await popError(b.call('DescribeZones', {}), {
      status: 400, code: 'MissingRegionId', message: 'RegionId is mandatory for this action.',
    });
  });
});

// =====================================================================================
describe('open mode: every AccessKeyId is the default account, except a 16-digit account id', () => {
  const REGION = 'cn-hangzhou';

  test('both SDKs with any key and unsigned curl share one account; secrets are not checked', async () => {
    const sdkUser = { id: 'LTAIanything', secret: 'anything' };
    const made = (await v3(sdkUser, open).createVpc(new Vpc.CreateVpcRequest({ regionId: REGION, cidrBlock: '10.0.0.0/16' }))).body;
    // delay 0: Available at once
    const v = (await v3({ id: 'LTAIanotherKey', secret: 'something else' }, open)
      .describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: REGION, vpcId: made.vpcId }))).body.vpcs.vpc[0];
    assert.equal(v.status, 'Available');
    const viaPop = await pop({ id: 'whoever', secret: 'x' }, open).call('DescribeVpcs', { RegionId: REGION });
    assert.ok(viaPop.Vpcs.Vpc.some((x) => x.VpcId === made.vpcId));
    // curl without any key: the same account
    const viaCurl = await (await fetch(`${open.url}/v1/vpcs/${made.vpcId}?RegionId=${REGION}`)).json();
    assert.equal(viaCurl.VpcId, made.vpcId);
    // a 16-digit account id is its own tenant
    const otherTenant = await pop({ id: '1000000000000001', secret: 'x' }, open).call('DescribeVpcs', { RegionId: REGION });
    assert.equal(otherTenant.TotalCount, 0);
    // a full lifecycle with a vSwitch in a second tenant, no waiting
    const p = pop({ id: '1000000000000002', secret: 'y' }, open);
    const vpc = await p.call('CreateVpc', { RegionId: REGION, CidrBlock: '192.168.0.0/16' });
    const vsw = await p.call('CreateVSwitch', { RegionId: REGION, VpcId: vpc.VpcId, ZoneId: 'cn-hangzhou-k', CidrBlock: '192.168.3.0/24' });
    assert.equal((await pop({ id: '1000000000000001', secret: 'x' }, open).call('DescribeVpcs', { RegionId: REGION })).TotalCount, 0);
    await popError(p.call('DeleteVpc', { RegionId: REGION, VpcId: vpc.VpcId }), DEPENDENCY);
    await p.call('DeleteVSwitch', { RegionId: REGION, VSwitchId: vsw.VSwitchId });
    await p.call('DeleteVpc', { RegionId: REGION, VpcId: vpc.VpcId });
    assert.equal((await p.call('DescribeVpcs', { RegionId: REGION })).TotalCount, 0);
  });

  test('OwnerId survives the V3 SDK\'s JSON.parse exactly', async () => {
    // the default account's OwnerId is synthesised (16 digits, below 2^53); a 16-digit
    // account id is its own OwnerId
    for (const [id, want] of [['owner-probe', null], ['1234567890123456', '1234567890123456']]) {
      const made = await pop({ id, secret: 'x' }, open).call('CreateVpc', { RegionId: 'cn-chengdu' });
      const res = await fetch(`${open.url}/v1/vpcs/${made.VpcId}?RegionId=cn-chengdu&AccessKeyId=${id}`);
      const raw = /"OwnerId":(\d+)/.exec(await res.text())[1];
      assert.equal(raw.length, 16, `OwnerId ${raw} is not 16 digits`);
      assert.ok(BigInt(raw) <= BigInt(Number.MAX_SAFE_INTEGER), `OwnerId ${raw} is above 2^53`);
      if (want) assert.equal(raw, want);
      const v = (await v3({ id, secret: 'x' }, open)
        .describeVpcs(new Vpc.DescribeVpcsRequest({ regionId: 'cn-chengdu', vpcId: made.VpcId }))).body.vpcs.vpc[0];
      assert.equal(String(v.ownerId), raw);
    }
  });
});

// =====================================================================================
// What Terraform reads and tags (issue 12): the attribute reads, tags of the VPC and CBN
// APIs, the VPN attachment actions and three transit-router actions, through both SDKs.
// CBN has no generated SDK among the test dependencies; its V3 calls go through the generic
// client of @alicloud/openapi-core (callApi with the RPC style the generated SDKs use).

const OpenApi = require('@alicloud/openapi-core').default;
const { RuntimeOptions } = require('@darabonba/typescript');

/** A CBN 2017-09-12 call signed V3 by openapi-core's generic client; resolves to the body. */
async function cbnV3(key, action, query) {
  const c = new OpenApi(new $OpenApiUtil.Config({
    accessKeyId: key.id, accessKeySecret: key.secret, endpoint: strict.endpoint, protocol: 'http',
    readTimeout: 10000, connectTimeout: 5000,
  }));
  const params = new $OpenApiUtil.Params({
    action, version: '2017-09-12', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK',
    style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  const req = new $OpenApiUtil.OpenApiRequest({ query: flatten(query) });
  return (await c.callApi(params, req, new RuntimeOptions({}))).body;
}

/** pop-core parses with json-bigint: objects without a prototype; compare their JSON */
const plain = (x) => JSON.parse(JSON.stringify(x));

/** Name.N / Name.N.Field flattening, as the SDKs' OpenApiUtil.query does. */
function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) v.forEach((item, i) => (typeof item === 'object' ? flatten(item, `${name}.${i + 1}`, out) : (out[`${name}.${i + 1}`] = String(item))));
    else if (v !== undefined) out[name] = String(v);
  }
  return out;
}

/** Sets up a VPC with a vSwitch, a customer gateway, a CEN and an Active transit router for account key. */
async function readsFixture(call, cbn, region, zone, cidr) {
  const vpc = await call('CreateVpc', { RegionId: region, CidrBlock: '10.0.0.0/16', VpcName: 'reads' });
  await strict.settle();
  const vsw = await call('CreateVSwitch', { RegionId: region, VpcId: vpc.VpcId, ZoneId: zone, CidrBlock: '10.0.1.0/24', VSwitchName: 'reads' });
  const cgw = await call('CreateCustomerGateway', { RegionId: region, IpAddress: cidr });
  const cen = await cbn('CreateCen', { Name: 'reads' });
  await strict.settle();
  const tr = await cbn('CreateTransitRouter', { RegionId: region, CenId: cen.CenId });
  await strict.settle();
  await cbn('CreateTransitRouterCidr', { RegionId: region, TransitRouterId: tr.TransitRouterId, Cidr: '192.168.10.0/24' });
  return { vpc, vsw, cgw, cen, tr };
}

describe('issue 12 actions through the V3 SDK (strict mode)', () => {
  const region = 'cn-zhangjiakou';
  let a;
  let fx;
  const cbnA = (action, q) => cbnV3(A, action, q);

  before(async () => {
    a = v3(A);
    // the fixture through pop-core (what it makes is not under test here)
    const p = pop(A);
    const cbnPop = new RPCClient({ accessKeyId: A.id, accessKeySecret: A.secret, endpoint: strict.url, apiVersion: '2017-09-12' });
    fx = await readsFixture(p.call, (action, q) => cbnPop.request(action, q, { method: 'POST', timeout: 10000 }),
      region, 'cn-zhangjiakou-a', '203.0.113.30');
  });

  test('DescribeVpcAttribute and DescribeVSwitchAttributes answer the SDK models', async () => {
    const v = (await a.describeVpcAttribute(new Vpc.DescribeVpcAttributeRequest({ regionId: region, vpcId: fx.vpc.VpcId }))).body;
    assert.ok(v instanceof Vpc.DescribeVpcAttributeResponseBody);
    assert.match(v.requestId, UUID);
    assert.equal(v.vpcId, fx.vpc.VpcId);
    assert.equal(v.status, 'Available');
    assert.equal(v.VRouterId, fx.vpc.VRouterId);
    assert.equal(v.regionId, region);
    assert.equal(v.vpcName, 'reads');
    assert.equal(v.ownerId, Number(A.account));
    assert.deepEqual(v.vSwitchIds.vSwitchId, [fx.vsw.VSwitchId]);
    assert.deepEqual(v.tags.tag, []);
    assert.equal(v.cloudResources.cloudResourceSetType[0].resourceCount, 1);
    assert.deepEqual(v.associatedCens.associatedCen, []);
    assert.equal(v.classicLinkEnabled, false);
    await v3Error(a.describeVpcAttribute(new Vpc.DescribeVpcAttributeRequest({ regionId: region, vpcId: 'vpc-nothere' })), NOT_FOUND_VPC);

    const s = (await a.describeVSwitchAttributes(new Vpc.DescribeVSwitchAttributesRequest({ regionId: region, vSwitchId: fx.vsw.VSwitchId }))).body;
    assert.ok(s instanceof Vpc.DescribeVSwitchAttributesResponseBody);
    assert.equal(s.vSwitchId, fx.vsw.VSwitchId);
    assert.equal(s.vpcId, fx.vpc.VpcId);
    assert.equal(s.zoneId, 'cn-zhangjiakou-a');
    assert.equal(s.cidrBlock, '10.0.1.0/24');
    assert.equal(s.availableIpAddressCount, 252);
    assert.equal(s.routeTable.routeTableId, fx.vpc.RouteTableId);
    assert.equal(s.routeTable.routeTableType, 'System');
    await v3Error(a.describeVSwitchAttributes(new Vpc.DescribeVSwitchAttributesRequest({ regionId: region, vSwitchId: 'vsw-nothere' })), NOT_FOUND_VSW);
  });

  test('TagResources, ListTagResources (pages end without NextToken), UnTagResources', async () => {
    const tag = (pairs) => pairs.map(([key, value]) => new Vpc.TagResourcesRequestTag({ key, value }));
    await a.tagResources(new Vpc.TagResourcesRequest({
      regionId: region, resourceType: 'VPC', resourceId: [fx.vpc.VpcId], tag: tag([['a', '1'], ['b', '2'], ['c', '3']]),
    }));
    const list = async (nextToken) => (await a.listTagResources(new Vpc.ListTagResourcesRequest({
      regionId: region, resourceType: 'VPC', resourceId: [fx.vpc.VpcId], maxResults: 2, nextToken,
    }))).body;
    const p1 = await list();
    assert.ok(p1 instanceof Vpc.ListTagResourcesResponseBody);
    assert.deepEqual(p1.tagResources.tagResource.map((t) => [t.resourceId, t.resourceType, t.tagKey, t.tagValue]),
      [[fx.vpc.VpcId, 'VPC', 'a', '1'], [fx.vpc.VpcId, 'VPC', 'b', '2']]);
    assert.ok(p1.nextToken);
    const p2 = await list(p1.nextToken);
    assert.deepEqual(p2.tagResources.tagResource.map((t) => t.tagKey), ['c']);
    assert.equal(p2.nextToken, undefined); // absent, not ""
    await a.unTagResources(new Vpc.UnTagResourcesRequest({ regionId: region, resourceType: 'VPC', resourceId: [fx.vpc.VpcId], tagKey: ['a'] }));
    assert.deepEqual((await list()).tagResources.tagResource.map((t) => t.tagKey), ['b', 'c']);
    await a.unTagResources(new Vpc.UnTagResourcesRequest({ regionId: region, resourceType: 'VPC', resourceId: [fx.vpc.VpcId], all: true }));
    assert.deepEqual((await list()).tagResources.tagResource, []);
    await v3Error(a.tagResources(new Vpc.TagResourcesRequest({
      regionId: region, resourceType: 'VPC', resourceId: ['vpc-nothere'], tag: tag([['a', '1']]),
    })), { status: 404, code: 'InvalidResourceId.NotFound' });
    const twenty = Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']);
    await a.tagResources(new Vpc.TagResourcesRequest({ regionId: region, resourceType: 'VSWITCH', resourceId: [fx.vsw.VSwitchId], tag: tag(twenty) }));
    await v3Error(a.tagResources(new Vpc.TagResourcesRequest({
      regionId: region, resourceType: 'VSWITCH', resourceId: [fx.vsw.VSwitchId], tag: tag([['k20', 'v']]),
    })), { status: 400, code: 'QuotaExceed.TagNum' });
  });

  test('CreateVpnAttachment (Tags), DescribeVpnAttachments, ModifyVpnAttachmentAttribute, DeleteVpnAttachment', async () => {
    const made = (await a.createVpnAttachment(new Vpc.CreateVpnAttachmentRequest({
      regionId: region, localSubnet: '10.0.0.0/16', remoteSubnet: '192.168.1.0/24', customerGatewayId: fx.cgw.CustomerGatewayId,
      name: 'v3-att', tags: [new Vpc.CreateVpnAttachmentRequestTags({ key: 'by', value: 'v3' })],
    }))).body;
    const vco = made.vpnConnectionId;
    const m = (await a.modifyVpnAttachmentAttribute(new Vpc.ModifyVpnAttachmentAttributeRequest({
      regionId: region, vpnConnectionId: vco, name: 'v3-att-2',
    }))).body;
    assert.ok(m instanceof Vpc.ModifyVpnAttachmentAttributeResponseBody);
    assert.equal(m.vpnConnectionId, vco);
    assert.equal(m.name, 'v3-att-2');
    assert.equal(m.attachType, 'NO_ASSOCIATED');
    assert.equal(m.networkType, 'public');
    // attached to the router, it is listed and cannot be deleted
    const att = await cbnA('CreateTransitRouterVpnAttachment', {
      TransitRouterId: fx.tr.TransitRouterId, VpnId: vco, Zone: [{ ZoneId: 'cn-zhangjiakou-a' }],
    });
    await strict.settle();
    const d = (await a.describeVpnAttachments(new Vpc.DescribeVpnAttachmentsRequest({ regionId: region }))).body;
    assert.ok(d instanceof Vpc.DescribeVpnAttachmentsResponseBody);
    assert.equal(d.totalCount, 1);
    assert.equal(d.vpnAttachments[0].instanceId, vco);
    assert.equal(d.vpnAttachments[0].attachType, 'CEN');
    assert.equal(d.vpnAttachments[0].transitRouterId, fx.tr.TransitRouterId);
    assert.deepEqual(d.vpnAttachments[0].tags.map((t) => [t.key, t.value]), [['by', 'v3']]);
    await v3Error(a.deleteVpnAttachment(new Vpc.DeleteVpnAttachmentRequest({ regionId: region, vpnConnectionId: vco })),
      { status: 400, code: 'IncorrectStatus.VpnConnection' });
    await cbnA('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: att.TransitRouterAttachmentId });
    await strict.settle();
    await a.deleteVpnAttachment(new Vpc.DeleteVpnAttachmentRequest({ regionId: region, vpnConnectionId: vco }));
    await v3Error(a.describeVpnConnection(new Vpc.DescribeVpnConnectionRequest({ regionId: region, vpnConnectionId: vco })),
      { status: 404, code: 'InvalidVpnConnectionInstanceId.NotFound' });
  });

  test('CBN (generic V3 client): tags, ReplaceTransitRouterRouteTableAssociation, UpdateTransitRouterRouteEntry, ListTransitRouterAvailableResource', async () => {
    const trId = fx.tr.TransitRouterId;
    await cbnA('TagResources', { RegionId: region, ResourceType: 'TransitRouter', ResourceId: [trId], Tag: [{ Key: 'env', Value: 'v3' }] });
    const l = await cbnA('ListTagResources', { RegionId: region, ResourceType: 'TransitRouter', ResourceId: [trId] });
    assert.deepEqual(l.TagResources.TagResource, [{ ResourceId: trId, ResourceType: 'TransitRouter', TagKey: 'env', TagValue: 'v3' }]);
    assert.equal('NextToken' in l, false);
    await cbnA('UntagResources', { RegionId: region, ResourceType: 'TransitRouter', ResourceId: [trId], TagKey: ['env'] });
    assert.deepEqual((await cbnA('ListTagResources', { RegionId: region, ResourceType: 'TransitRouter', ResourceId: [trId] })).TagResources.TagResource, []);

    const vpcAtt = await cbnA('CreateTransitRouterVpcAttachment', {
      RegionId: region, TransitRouterId: trId, VpcId: fx.vpc.VpcId,
      ZoneMappings: [{ ZoneId: 'cn-zhangjiakou-a', VSwitchId: fx.vsw.VSwitchId }],
    });
    const t1 = await cbnA('CreateTransitRouterRouteTable', { TransitRouterId: trId, TransitRouterRouteTableName: 't1' });
    const t2 = await cbnA('CreateTransitRouterRouteTable', { TransitRouterId: trId, TransitRouterRouteTableName: 't2' });
    await strict.settle();
    const attId = vpcAtt.TransitRouterAttachmentId;
    await cbnA('AssociateTransitRouterAttachmentWithRouteTable', { TransitRouterAttachmentId: attId, TransitRouterRouteTableId: t1.TransitRouterRouteTableId });
    await strict.settle();
    await cbnA('ReplaceTransitRouterRouteTableAssociation', { TransitRouterAttachmentId: attId, TransitRouterRouteTableId: t2.TransitRouterRouteTableId });
    const assoc = await cbnA('ListTransitRouterRouteTableAssociations', { TransitRouterAttachmentId: attId });
    assert.deepEqual(assoc.TransitRouterAssociations.map((x) => [x.TransitRouterRouteTableId, x.Status]),
      [[t2.TransitRouterRouteTableId, 'Associating']]);
    await strict.settle();

    const rte = await cbnA('CreateTransitRouterRouteEntry', {
      TransitRouterRouteTableId: t2.TransitRouterRouteTableId, TransitRouterRouteEntryDestinationCidrBlock: '172.16.0.0/16',
      TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: attId,
    });
    await strict.settle();
    await cbnA('UpdateTransitRouterRouteEntry', { TransitRouterRouteEntryId: rte.TransitRouterRouteEntryId, TransitRouterRouteEntryName: 'v3-name' });
    const entries = await cbnA('ListTransitRouterRouteEntries', {
      TransitRouterRouteTableId: t2.TransitRouterRouteTableId, TransitRouterRouteEntryIds: [rte.TransitRouterRouteEntryId],
    });
    assert.equal(entries.TransitRouterRouteEntries[0].TransitRouterRouteEntryName, 'v3-name');

    const zones = await cbnA('ListTransitRouterAvailableResource', { RegionId: region });
    assert.deepEqual(zones.AvailableZones, ['cn-zhangjiakou-a', 'cn-zhangjiakou-b', 'cn-zhangjiakou-c']);
    assert.equal(zones.SupportMulticast, false);
    const err = await rejection(cbnA('UpdateTransitRouterRouteEntry', { TransitRouterRouteEntryId: 'rte-nothere', TransitRouterRouteEntryName: 'x' }));
    assert.equal(err.code, 'IllegalParam.TransitRouterRouteEntryId');
    assert.equal(err.statusCode, 400);
    assert.equal(err.data.HostId, 'cbn.aliyuncs.com');
  });
});

describe('issue 12 actions through pop-core (V2, strict mode)', () => {
  const region = 'cn-wulanchabu';
  let b;
  let cbnB;
  let fx;

  before(async () => {
    b = pop(B);
    const c = new RPCClient({ accessKeyId: B.id, accessKeySecret: B.secret, endpoint: strict.url, apiVersion: '2017-09-12' });
    cbnB = (action, q) => c.request(action, q, { method: 'POST', timeout: 10000 });
    fx = await readsFixture(b.call, cbnB, region, 'cn-wulanchabu-a', '203.0.113.31');
  });

  test('DescribeVpcAttribute and DescribeVSwitchAttributes', async () => {
    const v = await b.call('DescribeVpcAttribute', { RegionId: region, VpcId: fx.vpc.VpcId });
    assert.equal(v.VpcId, fx.vpc.VpcId);
    assert.equal(v.Status, 'Available');
    assert.deepEqual(v.VSwitchIds.VSwitchId, [fx.vsw.VSwitchId]);
    assert.equal(String(v.OwnerId), B.account);
    await popError(b.call('DescribeVpcAttribute', { RegionId: region, VpcId: 'vpc-nothere' }), NOT_FOUND_VPC);
    const s = await b.call('DescribeVSwitchAttributes', { RegionId: region, VSwitchId: fx.vsw.VSwitchId });
    assert.equal(s.VSwitchId, fx.vsw.VSwitchId);
    assert.deepEqual(plain(s.RouteTable), { RouteTableId: fx.vpc.RouteTableId, RouteTableType: 'System' });
    await popError(b.call('DescribeVSwitchAttributes', { RegionId: region, VSwitchId: 'vsw-nothere' }), NOT_FOUND_VSW);
  });

  test('TagResources, ListTagResources, UnTagResources', async () => {
    await b.call('TagResources', { RegionId: region, ResourceType: 'VPC', 'ResourceId.1': fx.vpc.VpcId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'v2' });
    const l = await b.call('ListTagResources', { RegionId: region, ResourceType: 'VPC', 'ResourceId.1': fx.vpc.VpcId });
    assert.deepEqual(plain(l.TagResources.TagResource), [{ ResourceId: fx.vpc.VpcId, ResourceType: 'VPC', TagKey: 'env', TagValue: 'v2' }]);
    assert.equal('NextToken' in l, false);
    await popError(b.call('TagResources', { RegionId: region, ResourceType: 'NATGATEWAY', 'ResourceId.1': fx.vpc.VpcId, 'Tag.1.Key': 'a' }),
      { status: 400, code: 'InvalidResourceType.NotFound' });
    await b.call('UnTagResources', { RegionId: region, ResourceType: 'VPC', 'ResourceId.1': fx.vpc.VpcId, 'TagKey.1': 'env' });
    assert.deepEqual(plain((await b.call('ListTagResources', { RegionId: region, ResourceType: 'VPC', 'ResourceId.1': fx.vpc.VpcId })).TagResources.TagResource), []);
  });

  test('CreateVpnAttachment (Tag.N), DescribeVpnAttachments, ModifyVpnAttachmentAttribute, DeleteVpnAttachment', async () => {
    const made = await b.call('CreateVpnAttachment', {
      RegionId: region, LocalSubnet: '10.0.0.0/16', RemoteSubnet: '192.168.2.0/24', CustomerGatewayId: fx.cgw.CustomerGatewayId,
      'Tag.1.Key': 'by', 'Tag.1.Value': 'terraform',
    });
    const vco = made.VpnConnectionId;
    const m = await b.call('ModifyVpnAttachmentAttribute', { RegionId: region, VpnConnectionId: vco, Name: 'v2-att' });
    assert.equal(m.Name, 'v2-att');
    assert.equal(m.AttachType, 'NO_ASSOCIATED');
    const att = await cbnB('CreateTransitRouterVpnAttachment', {
      TransitRouterId: fx.tr.TransitRouterId, VpnId: vco, 'Zone.1.ZoneId': 'cn-wulanchabu-a',
    });
    await strict.settle();
    const d = await b.call('DescribeVpnAttachments', { RegionId: region, VpnConnectionId: vco });
    assert.equal(d.TotalCount, 1);
    assert.deepEqual(plain(d.VpnAttachments[0].Tags), [{ Key: 'by', Value: 'terraform' }]);
    await popError(b.call('DeleteVpnAttachment', { RegionId: region, VpnConnectionId: vco }), { status: 400, code: 'IncorrectStatus.VpnConnection' });
    await cbnB('DeleteTransitRouterVpnAttachment', { TransitRouterAttachmentId: att.TransitRouterAttachmentId });
    await strict.settle();
    await b.call('DeleteVpnAttachment', { RegionId: region, VpnConnectionId: vco });
    await popError(b.call('DeleteVpnAttachment', { RegionId: region, VpnConnectionId: vco }),
      { status: 404, code: 'InvalidVpnConnectionInstanceId.NotFound' });
  });

  test('CBN: tags, ReplaceTransitRouterRouteTableAssociation, UpdateTransitRouterRouteEntry, ListTransitRouterAvailableResource', async () => {
    const trId = fx.tr.TransitRouterId;
    await cbnB('TagResources', { RegionId: region, ResourceType: 'cen', 'ResourceId.1': fx.cen.CenId, 'Tag.1.Key': 'env', 'Tag.1.Value': 'v2' });
    const l = await cbnB('ListTagResources', { RegionId: region, ResourceType: 'cen', 'Tag.1.Key': 'env' });
    assert.deepEqual(plain(l.TagResources.TagResource), [{ ResourceId: fx.cen.CenId, ResourceType: 'cen', TagKey: 'env', TagValue: 'v2' }]);
    await cbnB('UntagResources', { RegionId: region, ResourceType: 'cen', 'ResourceId.1': fx.cen.CenId, All: true });
    const vpcAtt = await cbnB('CreateTransitRouterVpcAttachment', {
      RegionId: region, TransitRouterId: trId, VpcId: fx.vpc.VpcId,
      'ZoneMappings.1.ZoneId': 'cn-wulanchabu-a', 'ZoneMappings.1.VSwitchId': fx.vsw.VSwitchId,
    });
    const t1 = await cbnB('CreateTransitRouterRouteTable', { TransitRouterId: trId });
    const t2 = await cbnB('CreateTransitRouterRouteTable', { TransitRouterId: trId });
    await strict.settle();
    const attId = vpcAtt.TransitRouterAttachmentId;
    await cbnB('AssociateTransitRouterAttachmentWithRouteTable', { TransitRouterAttachmentId: attId, TransitRouterRouteTableId: t1.TransitRouterRouteTableId });
    await strict.settle();
    await cbnB('ReplaceTransitRouterRouteTableAssociation', { TransitRouterAttachmentId: attId, TransitRouterRouteTableId: t2.TransitRouterRouteTableId });
    await strict.settle();
    const assoc = await cbnB('ListTransitRouterRouteTableAssociations', { TransitRouterAttachmentId: attId });
    assert.deepEqual(assoc.TransitRouterAssociations.map((x) => [x.TransitRouterRouteTableId, x.Status]), [[t2.TransitRouterRouteTableId, 'Active']]);
    const rte = await cbnB('CreateTransitRouterRouteEntry', {
      TransitRouterRouteTableId: t2.TransitRouterRouteTableId, TransitRouterRouteEntryDestinationCidrBlock: '172.17.0.0/16',
      TransitRouterRouteEntryNextHopType: 'BlackHole',
    });
    await strict.settle();
    await cbnB('UpdateTransitRouterRouteEntry', { TransitRouterRouteEntryId: rte.TransitRouterRouteEntryId, TransitRouterRouteEntryDescription: 'v2' });
    const zones = await cbnB('ListTransitRouterAvailableResource', { RegionId: region, SupportMulticast: true });
    assert.deepEqual([zones.MasterZones, zones.SlaveZones, zones.AvailableZones, zones.SupportMulticast], [[], [], [], true]);
  });
});
