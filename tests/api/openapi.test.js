'use strict';
// api-docs/openapi.yaml against the server: the document is valid OpenAPI, lists exactly the
// routes of the server's REST table (the routes of the action rows, as vpnlabd --dump-routes
// prints them), and every answer of a live vpnlabd (open mode, no
// transition delay) matches the schema the document gives for that route and status, key for
// key (the schemas forbid unknown keys).  Every route is called with a success and an error.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const { execFileSync } = require('node:child_process');
const { REPO, VPNLABD, startServer, assertCleanExit, waitFor, standInAgent } = require('./sdk-harness.js');

const DOC_FILE = path.join(REPO, 'api-docs', 'openapi.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const REGION = 'cn-hangzhou';

const doc = YAML.parse(fs.readFileSync(DOC_FILE, 'utf8'));

// ---- the document's schemas, compiled with Ajv (JSON Schema 2020-12, as OpenAPI 3.1) ----

const DOC_ID = 'urn:vpnlab:openapi';
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);

function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        out[k] = `${DOC_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
      } else {
        out[k] = rewriteRefs(v);
      }
    }
    return out;
  }
  return node;
}

let schemasAdded = false;
function addDocumentSchemas() {
  if (!schemasAdded) {
    ajv.addSchema({ $id: DOC_ID, $defs: rewriteRefs(doc.components.schemas) });
    schemasAdded = true;
  }
}

const compiled = new Map();
function validatorFor(schema) {
  addDocumentSchemas();
  if (!compiled.has(schema)) compiled.set(schema, ajv.compile(rewriteRefs(schema)));
  return compiled.get(schema);
}

function resolve(obj) {
  let seen = 0;
  while (obj && obj.$ref) {
    assert.ok(obj.$ref.startsWith('#/'), `only local $refs are used: ${obj.$ref}`);
    obj = obj.$ref.slice(2).split('/').reduce((o, k) => o && o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    assert.ok(++seen < 10, 'ref loop');
  }
  return obj;
}

function assertValid(schema, value, what) {
  const validate = validatorFor(schema);
  if (!validate(value)) {
    assert.fail(`${what} does not match the document:\n${JSON.stringify(validate.errors, null, 2)}\n` +
      `value: ${JSON.stringify(value, null, 2).slice(0, 4000)}`);
  }
}

// ---- the server's route table ----

/**
 * The server's REST routes as the binary itself prints them from its action table
 * (vpnlabd --dump-routes: "METHOD /path Action Version" a line), so the test reads the
 * table the server dispatches from, not its source.
 */
function serverRoutes() {
  const out = execFileSync(VPNLABD, ['--dump-routes'], { encoding: 'utf8' });
  const routes = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const m = /^([A-Z]+) (\/v1\/\S*) ([A-Za-z]+) (\d{4}-\d{2}-\d{2})$/.exec(line);
    assert.ok(m, `--dump-routes line not understood: ${line}`);
    routes.push({ method: m[1], path: m[2], action: m[3], version: m[4] });
  }
  return routes;
}

function documentedOperations() {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m.toUpperCase(), path: p, op: item[m], item });
  }
  return ops;
}

// ---- calls against the live server, each answer checked against the document ----

let srv;
const exercised = new Map(); // "METHOD path" -> Set of statuses

function operation(method, template) {
  const item = doc.paths[template];
  assert.ok(item, `path ${template} is not documented`);
  const op = item[method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not documented`);
  return { item, op };
}

function queryParamSchemas(item, op) {
  const out = new Map();
  for (const p of [...(item.parameters || []), ...(op.parameters || [])].map(resolve)) {
    if (p.in === 'query') out.set(p.name, p);
  }
  return out;
}

function checkHeaders(response, res, what) {
  for (const [name, h] of Object.entries(response.headers || {})) {
    const header = resolve(h);
    const value = res.headers.get(name);
    if (header.required) assert.ok(value !== null, `${what}: header ${name} is documented as required`);
    if (value !== null) assertValid(resolve(header.schema), value, `${what}: header ${name}`);
  }
}

function checkBody(response, res, text, what) {
  const type = (res.headers.get('content-type') || '').split(';')[0].trim();
  assert.ok(response.content && response.content[type],
    `${what}: content type ${type} is not documented (documented: ${Object.keys(response.content || {})})`);
  const body = type === 'application/json' ? JSON.parse(text) : text;
  assertValid(resolve(response.content[type].schema), body, `${what}: body`);
  return body;
}

/**
 * Calls METHOD template (e.g. '/v1/vpcs/{id}') with { id, query, body, rawBody, expect } and
 * checks the request against the document (query names always; query values and the JSON body
 * unless an error status is expected, as such requests may break the rules on purpose) and the
 * answer (status documented, headers, body schema).  Returns { status, body, headers }.
 */
async function call(method, template, { id, query = {}, body, rawBody, expect, agentToken } = {}) {
  const { item, op } = operation(method, template);
  const what = `${method} ${template}`;
  const params = queryParamSchemas(item, op);
  for (const [name, value] of Object.entries(query)) {
    const p = params.get(name);
    assert.ok(p, `${what}: query parameter ${name} is not documented`);
    const schema = resolve(p.schema);
    // query values travel as text; compare them typed (a deliberately bad value may fail)
    let typed = value;
    if (schema.type === 'integer' && /^-?[0-9]+$/.test(value)) typed = Number(value);
    if (schema.type === 'boolean' && (value === 'true' || value === 'false')) typed = value === 'true';
    if (expect === undefined || expect < 400) assertValid(schema, typed, `${what}: query ${name}`);
  }
  if (body !== undefined && (expect === undefined || expect < 400)) {
    const rb = resolve(op.requestBody);
    assert.ok(rb && rb.content['application/json'], `${what}: no JSON request body documented`);
    assertValid(resolve(rb.content['application/json'].schema), body, `${what}: request body`);
  }
  let url = template;
  if (template.includes('{id}')) {
    assert.ok(id, `${what}: id missing`);
    url = template.replace('{id}', encodeURIComponent(id));
  }
  const qs = new URLSearchParams(query).toString();
  const init = { method, headers: {} };
  // the agent routes need the server's agent token (null: leave it out)
  if (template.startsWith('/v1/agents')) {
    const token = agentToken === undefined ? srv.agentToken() : agentToken;
    if (token !== null) init.headers['x-vpnlab-agent-token'] = token;
  }
  if (body !== undefined || rawBody !== undefined) {
    init.body = rawBody !== undefined ? rawBody : JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${srv.url}${url}${qs ? `?${qs}` : ''}`, init);
  const text = await res.text();
  const response = resolve(op.responses[String(res.status)]);
  assert.ok(response, `${what} answered ${res.status}, which the document does not list ` +
    `(documented: ${Object.keys(op.responses)}): ${text}`);
  checkHeaders(response, res, `${what} ${res.status}`);
  const parsed = checkBody(response, res, text, `${what} ${res.status}`);
  if (parsed && typeof parsed === 'object' && parsed.RequestId) {
    assert.equal(res.headers.get('x-acs-request-id'), parsed.RequestId, `${what}: x-acs-request-id = RequestId`);
  }
  const key = `${method} ${template}`;
  if (!exercised.has(key)) exercised.set(key, new Set());
  exercised.get(key).add(res.status);
  if (expect !== undefined) {
    assert.equal(res.status, expect, `${what}: status (body ${text})`);
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Through the REST door: a VPC PREFIX.0.0/16 with vSwitches PREFIX.1.0/24 in zone h and
 * PREFIX.2.0/24 in zone i (each answered 201); resolves to their ids.
 */
async function vpcInTwoZones(prefix) {
  const R = { RegionId: REGION };
  const vpcId = (await call('POST', '/v1/vpcs', { body: { ...R, CidrBlock: `${prefix}.0.0/16` }, expect: 201 })).body.VpcId;
  const vsw = async (zone, cidr) => (await call('POST', '/v1/vswitches', {
    body: { ...R, VpcId: vpcId, ZoneId: `${REGION}-${zone}`, CidrBlock: cidr }, expect: 201,
  })).body.VSwitchId;
  return { vpcId, vswH: await vsw('h', `${prefix}.1.0/24`), vswI: await vsw('i', `${prefix}.2.0/24`) };
}

/** Requests outside the documented operations: checked against components.responses[name]. */
async function callOutside(method, url, responseName, init = {}) {
  const res = await fetch(`${srv.url}${url}`, { method, ...init });
  const text = await res.text();
  const response = resolve(doc.components.responses[responseName]);
  assert.ok(response, `components.responses.${responseName} is documented`);
  checkHeaders(response, res, `${method} ${url}`);
  const body = checkBody(response, res, text, `${method} ${url}`);
  return { status: res.status, body, headers: res.headers };
}

function expectError(r, status, code, message) {
  assert.equal(r.status, status);
  assert.equal(r.body.Code, code);
  if (message !== undefined) assert.equal(r.body.Message, message);
  assert.equal(r.body.HostId, 'vpc.aliyuncs.com');
  assert.ok(r.body.Recommend.includes(`q=${encodeURIComponent(code)}`) || r.body.Recommend.includes(`q=${code}`),
    `Recommend names the code: ${r.body.Recommend}`);
  assert.ok(r.body.Recommend.includes(r.body.RequestId), 'Recommend names the request id');
}

// ---- tests ----

before(async () => {
  srv = await startServer({ auth: 'open', delayMs: 0 });
});

after(async () => {
  if (srv) assertCleanExit(await srv.stop());
});

test('api-docs/openapi.yaml is a valid OpenAPI document', async () => {
  // an ES module: require() of it fails on Node 18 (Debian 12's nodejs), import() works everywhere
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.ok(result.valid, `OpenAPI validation errors:\n${JSON.stringify(result.errors, null, 2)}`);
  assert.match(doc.openapi, /^3\.1\./);
  // every $ref resolves, and every schema compiles under JSON Schema 2020-12
  validator.resolveRefs();
  addDocumentSchemas();
  for (const name of Object.keys(doc.components.schemas)) {
    assert.doesNotThrow(() => ajv.getSchema(`${DOC_ID}#/$defs/${name}`), `schema ${name} compiles`);
  }
  // documented examples conform to their schemas
  for (const { method, path: p, op } of documentedOperations()) {
    const rb = resolve(op.requestBody);
    const media = rb && rb.content && rb.content['application/json'];
    if (media && media.example !== undefined) {
      assertValid(resolve(media.schema), media.example, `${method} ${p} request example`);
    }
  }
});

test('every route of the server table (vpnlabd --dump-routes) is documented, and only those', () => {
  const routes = serverRoutes();
  // every resource contributes rows: the VPC, VPN Gateway, CBN, agent and lab routes are all there
  for (const prefix of ['/v1/vpcs', '/v1/vswitches', '/v1/regions', '/v1/vpn-gateways', '/v1/customer-gateways',
    '/v1/vpn-connections', '/v1/cens', '/v1/transit-routers', '/v1/transit-router-route-tables', '/v1/agents',
    '/v1/lab/sites']) {
    assert.ok(routes.some((r) => r.path.startsWith(prefix)), `no route under ${prefix} in --dump-routes`);
  }
  const seen = new Set();
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    assert.ok(!seen.has(key), `${key} appears twice in the route table`);
    seen.add(key);
  }
  const documented = documentedOperations().filter((o) => o.path.startsWith('/v1/'));
  const docKeys = new Map(documented.map((o) => [`${o.method} ${o.path}`, o]));
  const srvKeys = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const missing = [...srvKeys.keys()].filter((k) => !docKeys.has(k));
  const extra = [...docKeys.keys()].filter((k) => !srvKeys.has(k));
  assert.deepEqual(missing, [], `server routes missing from api-docs/openapi.yaml: ${missing.join(', ')}`);
  assert.deepEqual(extra, [], `documented routes the server does not serve: ${extra.join(', ')}`);
  for (const [key, r] of srvKeys) {
    assert.equal(docKeys.get(key).op['x-vpnlab-action'], r.action, `${key}: x-vpnlab-action names the action`);
  }
  const ids = documentedOperations().map((o) => o.op.operationId);
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('every route answers as the document says (status, headers, body keys)', async () => {
  // health
  const h = await fetch(`${srv.url}/healthz`);
  const response = resolve(doc.paths['/healthz'].get.responses[String(h.status)]);
  assert.ok(response, `/healthz ${h.status} documented`);
  checkBody(response, h, await h.text(), 'GET /healthz');

  // catalogue
  const regions = await call('GET', '/v1/regions', { expect: 200 });
  assert.ok(regions.body.Regions.some((r) => r.RegionId === REGION));
  await call('GET', '/v1/regions', { query: { AcceptLanguage: 'en-US' }, expect: 200 });
  expectError(await call('GET', '/v1/regions', { query: { AcceptLanguage: 'fr' }, expect: 400 }), 400,
    'InvalidAcceptLanguage', 'Specified parameter AcceptLanguage is not valid.');
  const zones = await call('GET', '/v1/zones', { query: { RegionId: REGION }, expect: 200 });
  assert.deepEqual(zones.body.Zones.map((z) => z.ZoneId).sort(),
    ['b', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].map((l) => `${REGION}-${l}`));
  // no RegionId: every region's zones, each with its region
  const allZones = await call('GET', '/v1/zones', { expect: 200 });
  assert.ok(allZones.body.Zones.every((z) => z.ZoneId.startsWith(z.RegionId)));
  assert.ok(allZones.body.Zones.some((z) => z.RegionId === REGION) && allZones.body.Zones.some((z) => z.RegionId !== REGION));
  expectError(await call('GET', '/v1/zones', { query: { RegionId: 'xx-nowhere-1' }, expect: 404 }), 404,
    'InvalidRegionId.NotFound');

  // VPC: create, list, get, modify
  const created = await call('POST', '/v1/vpcs', {
    body: { RegionId: REGION, CidrBlock: '10.0.0.0/16', VpcName: 'docs', Description: 'openapi test',
      Tag: [{ Key: 'suite', Value: 'openapi' }, { Key: 'empty', Value: '' }] },
    expect: 201,
  });
  const vpcId = created.body.VpcId;
  await call('POST', '/v1/vpcs', { body: { RegionId: REGION, CidrBlock: '10.0.0.0/16', DryRun: true }, expect: 400 })
    .then((r) => expectError(r, 400, 'DryRunOperation'));
  expectError(await call('POST', '/v1/vpcs', { body: { CidrBlock: '10.0.0.0/16' }, expect: 400 }), 400,
    'MissingRegionId');
  expectError(await call('POST', '/v1/vpcs', { body: { RegionId: REGION, CidrBlock: '10.0.0.300/16' }, expect: 400 }),
    400, 'InvalidCidrBlock.Malformed');
  expectError(await call('POST', '/v1/vpcs', { body: { RegionId: 'xx-nowhere-1' }, expect: 404 }), 404,
    'InvalidRegionId.NotFound');
  expectError(await call('POST', '/v1/vpcs', { rawBody: '{"RegionId":', expect: 400 }), 400, 'InvalidParameter');
  expectError(await call('POST', '/v1/vpcs', { rawBody: '["RegionId"]', expect: 400 }), 400, 'InvalidParameter');
  const big = JSON.stringify({ RegionId: REGION, Description: 'x'.repeat(1100 * 1024) });
  expectError(await call('POST', '/v1/vpcs', { rawBody: big, expect: 413 }), 413, 'InvalidParameter.BodyTooLarge');

  const list = await call('GET', '/v1/vpcs', { query: { RegionId: REGION }, expect: 200 });
  assert.equal(list.body.TotalCount, 1);
  assert.equal(list.body.Vpcs[0].VpcId, vpcId);
  const byKey = (a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0);
  assert.deepEqual([...list.body.Vpcs[0].Tags.Tag].sort(byKey),
    [{ Key: 'empty', Value: '' }, { Key: 'suite', Value: 'openapi' }]);
  const filtered = await call('GET', '/v1/vpcs', {
    query: { RegionId: REGION, 'Tag.1.Key': 'suite', 'Tag.1.Value': 'openapi', PageNumber: '1', PageSize: '50',
      VpcId: vpcId, VpcName: 'docs', IsDefault: 'false' },
    expect: 200,
  });
  assert.equal(filtered.body.TotalCount, 1);
  assert.equal(filtered.body.PageSize, 50);
  const none = await call('GET', '/v1/vpcs', { query: { RegionId: REGION, 'Tag.1.Key': 'nope' }, expect: 200 });
  assert.deepEqual([none.body.TotalCount, none.body.Vpcs], [0, []]);
  expectError(await call('GET', '/v1/vpcs', { query: { RegionId: REGION, PageSize: '51' }, expect: 400 }), 400,
    'InvalidPageSize');
  const everyRegion = await call('GET', '/v1/vpcs', { expect: 200 });
  assert.ok(everyRegion.body.Vpcs.every((v) => v.RegionId) && everyRegion.body.TotalCount >= 1);

  const got = await call('GET', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 200 });
  assert.equal(got.body.VpcId, vpcId);
  assert.equal(got.body.Status, 'Available');
  assert.equal(got.body.VRouterId, created.body.VRouterId);
  assert.deepEqual(got.body.RouterTableIds.RouterTableIds, [created.body.RouteTableId]);
  expectError(await call('GET', '/v1/vpcs/{id}', { id: 'vpc-doesnotexist0000', query: { RegionId: REGION }, expect: 404 }),
    404, 'InvalidVpcId.NotFound', 'Specified VPC does not exist.');

  // DescribeVpcAttribute: the VPC's own fields, its region found from the id
  const attr = await call('GET', '/v1/vpcs/{id}/attribute', { id: vpcId, expect: 200 });
  assert.equal(attr.body.VpcId, vpcId);
  assert.equal(attr.body.VRouterId, created.body.VRouterId);
  assert.deepEqual(attr.body.AssociatedCens.AssociatedCen, []);
  expectError(await call('GET', '/v1/vpcs/{id}/attribute', { id: 'vpc-doesnotexist0000', expect: 404 }),
    404, 'InvalidVpcId.NotFound', 'Specified VPC does not exist.');

  await call('PATCH', '/v1/vpcs/{id}', { id: vpcId, body: { RegionId: REGION, VpcName: 'docs2', Description: 'changed' }, expect: 200 });
  const after1 = await call('GET', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 200 });
  assert.equal(after1.body.VpcName, 'docs2');
  assert.equal(after1.body.Description, 'changed');
  expectError(await call('PATCH', '/v1/vpcs/{id}', { id: 'vpc-doesnotexist0000', body: { RegionId: REGION, VpcName: 'x' }, expect: 404 }),
    404, 'InvalidVpcId.NotFound');
  expectError(await call('PATCH', '/v1/vpcs/{id}', { id: vpcId, body: { RegionId: REGION, VpcName: 'x'.repeat(129) }, expect: 400 }),
    400, 'InvalidVpcName.Malformed');

  // vSwitch: create, list, get, modify
  const vsw = await call('POST', '/v1/vswitches', {
    body: { RegionId: REGION, VpcId: vpcId, ZoneId: `${REGION}-b`, CidrBlock: '10.0.1.0/24', VSwitchName: 'web',
      Description: 'first', Tag: [{ Key: 'tier', Value: 'web' }] },
    expect: 201,
  });
  const vswId = vsw.body.VSwitchId;
  expectError(await call('POST', '/v1/vswitches', {
    body: { RegionId: REGION, VpcId: vpcId, ZoneId: `${REGION}-b`, CidrBlock: '10.0.1.128/25' }, expect: 400,
  }), 400, 'InvalidCidrBlock.Overlapped');
  expectError(await call('POST', '/v1/vswitches', {
    body: { RegionId: REGION, VpcId: vpcId, ZoneId: `${REGION}-z`, CidrBlock: '10.0.2.0/24' }, expect: 404,
  }), 404, 'InvalidZoneId.NotFound');
  expectError(await call('POST', '/v1/vswitches', {
    body: { RegionId: REGION, VpcId: 'vpc-doesnotexist0000', ZoneId: `${REGION}-b`, CidrBlock: '10.0.2.0/24' }, expect: 404,
  }), 404, 'InvalidVpcId.NotFound');

  const vlist = await call('GET', '/v1/vswitches', { query: { RegionId: REGION, VpcId: vpcId }, expect: 200 });
  assert.equal(vlist.body.TotalCount, 1);
  assert.equal(vlist.body.VSwitches[0].VSwitchId, vswId);
  assert.equal(vlist.body.VSwitches[0].AvailableIpAddressCount, 252);
  await call('GET', '/v1/vswitches', {
    query: { RegionId: REGION, VSwitchId: vswId, ZoneId: `${REGION}-b`, VSwitchName: 'web', 'Tag.1.Key': 'tier',
      PageNumber: '1', PageSize: '10' },
    expect: 200,
  }).then((r) => assert.equal(r.body.TotalCount, 1));
  expectError(await call('GET', '/v1/vswitches', { query: { RegionId: REGION, PageNumber: '0' }, expect: 400 }), 400,
    'InvalidPageNumber', 'Specified parameter PageNumber is not valid.');
  assert.ok((await call('GET', '/v1/vswitches', { expect: 200 })).body.VSwitches.every((v) => v.RegionId === REGION));
  const vget = await call('GET', '/v1/vswitches/{id}', { id: vswId, query: { RegionId: REGION }, expect: 200 });
  assert.equal(vget.body.VpcId, vpcId);
  assert.deepEqual(vget.body.Tags.Tag, [{ Key: 'tier', Value: 'web' }]);
  const vpcNow = await call('GET', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 200 });
  assert.deepEqual(vpcNow.body.VSwitchIds.VSwitchId, [vswId]);
  expectError(await call('GET', '/v1/vswitches/{id}', { id: 'vsw-doesnotexist0000', query: { RegionId: REGION }, expect: 404 }),
    404, 'InvalidVSwitchId.NotFound');

  await call('PATCH', '/v1/vswitches/{id}', { id: vswId, body: { RegionId: REGION, VSwitchName: 'web2', Description: 'second' }, expect: 200 });
  const vget2 = await call('GET', '/v1/vswitches/{id}', { id: vswId, query: { RegionId: REGION }, expect: 200 });
  assert.equal(vget2.body.VSwitchName, 'web2');
  assert.equal(vget2.body.Description, 'second');
  expectError(await call('PATCH', '/v1/vswitches/{id}', { id: 'vsw-doesnotexist0000', body: { RegionId: REGION, VSwitchName: 'x' }, expect: 404 }),
    404, 'InvalidVSwitchId.NotFound');

  // DescribeVSwitchAttributes: the listed item, flat
  const vattr = await call('GET', '/v1/vswitches/{id}/attributes', { id: vswId, expect: 200 });
  assert.deepEqual([vattr.body.VSwitchId, vattr.body.VSwitchName], [vswId, 'web2']);
  expectError(await call('GET', '/v1/vswitches/{id}/attributes', { id: 'vsw-doesnotexist0000', expect: 404 }),
    404, 'InvalidVSwitchId.NotFound');

  // tags of VPC API resources
  await call('POST', '/v1/tags', { body: { RegionId: REGION, ResourceType: 'vswitch', ResourceId: [vswId],
    Tag: [{ Key: 'tier', Value: 'app' }, { Key: 'owner', Value: 'docs' }] }, expect: 200 });
  expectError(await call('POST', '/v1/tags', { body: { RegionId: REGION, ResourceType: 'VPC', ResourceId: ['vpc-doesnotexist0000'],
    Tag: [{ Key: 'a', Value: 'b' }] }, expect: 404 }), 404, 'InvalidResourceId.NotFound');
  const tagPage = await call('GET', '/v1/tags', { query: { RegionId: REGION, ResourceType: 'VSWITCH', 'ResourceId.1': vswId, MaxResults: '1' },
    expect: 200 });
  assert.deepEqual(tagPage.body.TagResources.TagResource, [{ ResourceId: vswId, ResourceType: 'VSWITCH', TagKey: 'owner', TagValue: 'docs' }]);
  const tagLast = await call('GET', '/v1/tags', { query: { RegionId: REGION, ResourceType: 'VSWITCH', 'ResourceId.1': vswId, MaxResults: '1',
    NextToken: tagPage.body.NextToken, 'Tag.1.Key': 'tier' }, expect: 200 });
  assert.equal('NextToken' in tagLast.body, false);
  expectError(await call('GET', '/v1/tags', { query: { RegionId: REGION, ResourceType: 'VSWITCH' }, expect: 400 }), 400,
    'InvalidParameter.ResourceIdOrTag');
  await call('DELETE', '/v1/tags', { query: { RegionId: REGION, ResourceType: 'VSWITCH', 'ResourceId.1': vswId, 'TagKey.1': 'owner', All: 'false' },
    expect: 200 });
  expectError(await call('DELETE', '/v1/tags', { query: { RegionId: REGION, ResourceType: 'VSWITCH', 'ResourceId.1': 'vsw-doesnotexist0000',
    'TagKey.1': 'owner' }, expect: 404 }), 404, 'InvalidResourceId.NotFound');

  // deletes
  expectError(await call('DELETE', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 400 }), 400,
    'DependencyViolation.VSwitch', 'Specified object has dependent resources');
  expectError(await call('DELETE', '/v1/vswitches/{id}', { id: vswId, query: { RegionId: REGION, DryRun: 'true' }, expect: 400 }),
    400, 'DryRunOperation');
  await call('DELETE', '/v1/vswitches/{id}', { id: vswId, query: { RegionId: REGION, ClientToken: 'del-vsw-1' }, expect: 200 });
  expectError(await call('DELETE', '/v1/vswitches/{id}', { id: vswId, query: { RegionId: REGION }, expect: 404 }), 404,
    'InvalidVSwitchId.NotFound');
  await call('GET', '/v1/vswitches/{id}', { id: vswId, query: { RegionId: REGION }, expect: 404 });
  await call('DELETE', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION, ForceDelete: 'false' }, expect: 200 });
  expectError(await call('DELETE', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 404 }), 404,
    'InvalidVpcId.NotFound');
  await call('GET', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 404 });
  const empty = await call('GET', '/v1/vpcs', { query: { RegionId: REGION }, expect: 200 });
  assert.equal(empty.body.TotalCount, 0);
});

test('the VPN Gateway routes answer as the document says (gateways, customer gateways, connections, routes)', async () => {
  const R = { RegionId: REGION };
  const err = async (p, status, code) => expectError(await p, status, code);

  // a VPC with vSwitches in two zones
  const { vpcId, vswH, vswI } = await vpcInTwoZones('10.0');

  // zones for gateways
  const zones = await call('GET', '/v1/vpn-gateway-zones', { query: { ...R, Spec: '10M' }, expect: 200 });
  assert.equal(zones.body.RegionId, REGION);
  assert.ok(zones.body.AvailableZoneIdList.some((z) => z.ZoneId === `${REGION}-h` && z.ZoneName));
  await call('GET', '/v1/vpn-gateway-zones', {
    query: { ...R, Spec: '1000M', AcceptLanguage: 'zh-CN', GatewayType: 'Traditional' }, expect: 200,
  });
  await err(call('GET', '/v1/vpn-gateway-zones', { query: R, expect: 400 }), 400, 'MissingSpec');
  await err(call('GET', '/v1/vpn-gateway-zones', { query: { ...R, Spec: '3M' }, expect: 400 }), 400, 'InvalidSpec');

  // VPN gateway: refusals create nothing, then create, list, get, modify
  const gwBody = { ...R, VpcId: vpcId, VSwitchId: vswH, DisasterRecoveryVSwitchId: vswI };
  await err(call('POST', '/v1/vpn-gateways', { body: gwBody, expect: 400 }), 400, 'MissingBandwidth');
  await err(call('POST', '/v1/vpn-gateways', { body: { ...gwBody, Bandwidth: 7 }, expect: 400 }), 400,
    'InvalidSpec.NotFound');
  await err(call('POST', '/v1/vpn-gateways', { body: { ...gwBody, VpcId: 'vpc-doesnotexist0000', Bandwidth: 10 }, expect: 404 }),
    404, 'InvalidVpcId.NotFound');
  await err(call('POST', '/v1/vpn-gateways', { body: { ...gwBody, Bandwidth: 10, InstanceChargeType: 'PREPAY' }, expect: 400 }),
    400, 'MissingPeriod');
  assert.equal((await call('GET', '/v1/vpn-gateways', { query: R, expect: 200 })).body.TotalCount, 0);
  const gwCreated = await call('POST', '/v1/vpn-gateways', {
    body: { ...gwBody, Bandwidth: 10, Name: 'docs-gw', NetworkType: 'public', EnableIpsec: true, EnableSsl: false,
      InstanceChargeType: 'POSTPAY', VpnType: 'Normal', ClientToken: 'docs-gw-1' },
    expect: 201,
  });
  const gwId = gwCreated.body.VpnGatewayId;
  assert.equal(gwCreated.body.Name, 'docs-gw');
  const gws = await call('GET', '/v1/vpn-gateways', {
    query: { ...R, VpcId: vpcId, VpnGatewayId: gwId, Status: 'active', GatewayType: 'Traditional',
      IncludeReservationData: 'true', PageNumber: '1', PageSize: '10' },
    expect: 200,
  });
  assert.deepEqual(gws.body.VpnGateways.map((g) => g.VpnGatewayId), [gwId]);
  assert.deepEqual(gws.body.VpnGateways[0].ReservationData, {});
  await call('GET', '/v1/vpn-gateways', { query: { ...R, 'Tag.1.Key': 'none' }, expect: 200 })
    .then((r) => assert.deepEqual([r.body.TotalCount, r.body.VpnGateways], [0, []]));
  await err(call('GET', '/v1/vpn-gateways', { query: { ...R, PageSize: '51' }, expect: 400 }), 400, 'InvalidPageSize');
  await err(call('GET', '/v1/vpn-gateways', { query: { ...R, GatewayType: 'Other' }, expect: 400 }), 400,
    'InvalidGatewayType');
  assert.ok((await call('GET', '/v1/vpn-gateways', { expect: 200 })).body.VpnGateways.every((g) => g.RegionId === REGION));
  const gw = await call('GET', '/v1/vpn-gateways/{id}', { id: gwId, query: R, expect: 200 });
  assert.deepEqual([gw.body.Status, gw.body.VSwitchId, gw.body.DisasterRecoveryVSwitchId, gw.body.Spec],
    ['active', vswH, vswI, '10M']);
  assert.ok(!('ReservationData' in gw.body));
  await call('GET', '/v1/vpn-gateways/{id}', { id: gwId, query: { ...R, IncludeReservationData: 'true' }, expect: 200 })
    .then((r) => assert.deepEqual(r.body.ReservationData, {}));
  await err(call('GET', '/v1/vpn-gateways/{id}', { id: 'vpn-doesnotexist0000', query: R, expect: 404 }), 404,
    'InvalidVpnGatewayInstanceId.NotFound');
  assert.equal((await call('GET', '/v1/vpn-gateways/{id}', { id: gwId, expect: 200 })).body.RegionId, REGION);
  await err(call('GET', '/v1/vpn-gateways/{id}', { id: 'vpn-doesnotexist0000', expect: 404 }), 404,
    'InvalidVpnGatewayInstanceId.NotFound');
  const gwMod = await call('PATCH', '/v1/vpn-gateways/{id}', {
    id: gwId, body: { ...R, Name: 'docs-gw2', Description: 'openapi', AutoPropagate: false }, expect: 200,
  });
  assert.deepEqual([gwMod.body.Name, gwMod.body.Description, gwMod.body.AutoPropagate], ['docs-gw2', 'openapi', false]);
  await err(call('PATCH', '/v1/vpn-gateways/{id}', { id: gwId, body: { ...R, Name: 'x' }, expect: 400 }), 400, 'InvalidName');
  await err(call('PATCH', '/v1/vpn-gateways/{id}', { id: 'vpn-doesnotexist0000', body: { ...R, Name: 'abc' }, expect: 404 }),
    404, 'InvalidVpnGatewayInstanceId.NotFound');

  // customer gateways
  const cg1 = (await call('POST', '/v1/customer-gateways', {
    body: { ...R, IpAddress: '203.0.113.10', Asn: '65001', AuthKey: 'k3y', Name: 'branch', Description: 'docs',
      Tags: [{ Key: 'site', Value: 'branch' }], ClientToken: 'docs-cgw-1' },
    expect: 201,
  })).body;
  assert.deepEqual([cg1.IpAddress, cg1.Name], ['203.0.113.10', 'branch']);
  const cg2 = (await call('POST', '/v1/customer-gateways', { body: { ...R, IpAddress: '203.0.113.11' }, expect: 201 })).body;
  await err(call('POST', '/v1/customer-gateways', { body: { ...R, IpAddress: '203.0.113.10' }, expect: 400 }), 400,
    'InvalidIpAddress.AlreadyExist');
  await err(call('POST', '/v1/customer-gateways', { body: { ...R, IpAddress: '127.0.0.1' }, expect: 400 }), 400,
    'InvalidIpAddress.WrongFormat');
  await err(call('POST', '/v1/customer-gateways', { body: R, expect: 400 }), 400, 'MissingIpAddress');
  const cgws = await call('GET', '/v1/customer-gateways', { query: R, expect: 200 });
  assert.deepEqual(cgws.body.CustomerGateways.map((g) => g.CustomerGatewayId), [cg2.CustomerGatewayId, cg1.CustomerGatewayId]);
  await call('GET', '/v1/customer-gateways', {
    query: { ...R, CustomerGatewayId: cg1.CustomerGatewayId, 'Tag.1.Key': 'site', 'Tag.1.Value': 'branch',
      PageNumber: '1', PageSize: '5' },
    expect: 200,
  }).then((r) => assert.equal(r.body.TotalCount, 1));
  await err(call('GET', '/v1/customer-gateways', { query: { ...R, PageSize: '0' }, expect: 400 }), 400, 'InvalidPageSize');
  const cgGot = await call('GET', '/v1/customer-gateways/{id}', { id: cg1.CustomerGatewayId, query: R, expect: 200 });
  assert.deepEqual([cgGot.body.Asn, cgGot.body.AuthKey, cgGot.body.Tags.Tag], [65001, 'k3y', [{ Key: 'site', Value: 'branch' }]]);
  await call('GET', '/v1/customer-gateways/{id}', { id: cg2.CustomerGatewayId, query: R, expect: 200 })
    .then((r) => assert.ok(!('Asn' in r.body)));
  await err(call('GET', '/v1/customer-gateways/{id}', { id: 'cgw-doesnotexist0000', query: R, expect: 404 }), 404,
    'InvalidCustomerGatewayInstanceId.NotFound');
  await call('PATCH', '/v1/customer-gateways/{id}', {
    id: cg1.CustomerGatewayId, body: { ...R, Name: 'branch-2', AuthKey: 'n3w' }, expect: 200,
  }).then((r) => assert.deepEqual([r.body.Name, r.body.Description], ['branch-2', 'docs']));
  await err(call('PATCH', '/v1/customer-gateways/{id}', {
    id: cg1.CustomerGatewayId, body: { ...R, Description: 'http://x' }, expect: 400,
  }), 400, 'InvalidDescription');
  await err(call('PATCH', '/v1/customer-gateways/{id}', { id: 'cgw-doesnotexist0000', body: { ...R, Name: 'y' }, expect: 404 }),
    404, 'InvalidCustomerGatewayInstanceId.NotFound');

  // a dual-tunnel connection, its tunnels given as JSON
  const tunnels = [
    { CustomerGatewayId: cg1.CustomerGatewayId, Role: 'master', EnableDpd: true,
      TunnelIkeConfig: { Psk: 'master-key', IkeVersion: 'ikev2', IkeLifetime: 3600 },
      TunnelIpsecConfig: { IpsecPfs: 'group14' },
      TunnelBgpConfig: { TunnelCidr: '169.254.21.0/30', LocalBgpIp: '169.254.21.1' } },
    { CustomerGatewayId: cg2.CustomerGatewayId, Role: 'slave', EnableNatTraversal: false,
      TunnelBgpConfig: { LocalAsn: 65100, TunnelCidr: '169.254.20.0/30', LocalBgpIp: '169.254.20.1' } },
  ];
  const vcoBody = { VpnGatewayId: gwId, LocalSubnet: '10.0.0.0/16', RemoteSubnet: '192.168.0.0/16' };
  await err(call('POST', '/v1/vpn-connections', { body: vcoBody, expect: 400 }), 400, 'MissingTunnelOptionsSpecification');
  await err(call('POST', '/v1/vpn-connections', {
    body: { ...vcoBody, TunnelOptionsSpecification: [tunnels[0], { ...tunnels[1], TunnelIkeConfig: { IkeEncAlg: 'sm4' } }] },
    expect: 400,
  }), 400, 'IllegalParam.IkeEncAlg');
  await err(call('POST', '/v1/vpn-connections', {
    body: { ...vcoBody, VpnGatewayId: 'vpn-doesnotexist0000', TunnelOptionsSpecification: tunnels }, expect: 404,
  }), 404, 'InvalidVpnGatewayInstanceId.NotFound');
  await err(call('POST', '/v1/vpn-connections', { body: { ...vcoBody, TunnelOptionsSpecification: tunnels, DryRun: true }, expect: 400 }),
    400, 'DryRunOperation');
  const vco = (await call('POST', '/v1/vpn-connections', {
    body: { ...R, ...vcoBody, Name: 'docs-vco', TunnelOptionsSpecification: tunnels, EnableTunnelsBgp: true,
      Tags: [{ Key: 'env', Value: 'lab' }], ClientToken: 'docs-vco-1' },
    expect: 201,
  })).body;
  assert.equal(vco.Name, 'docs-vco');
  // RegionId may be left out: the connection's own region
  const vcoGot = await call('GET', '/v1/vpn-connections/{id}', { id: vco.VpnConnectionId, expect: 200 });
  const [t1, t2] = vcoGot.body.TunnelOptionsSpecification.TunnelOptions;
  assert.deepEqual([t1.Role, t1.TunnelIkeConfig.Psk, t1.TunnelIkeConfig.IkeVersion, t1.TunnelIkeConfig.IkeLifetime,
    t1.TunnelIpsecConfig.IpsecPfs], ['master', 'master-key', 'ikev2', '3600', 'group14']);
  assert.deepEqual([t2.Role, t2.EnableNatTraversal, t2.TunnelBgpConfig.TunnelCidr, t2.TunnelBgpConfig.LocalAsn],
    ['slave', 'false', '169.254.20.0/30', '65100']);
  assert.deepEqual(vcoGot.body.Tags.Tag, [{ Key: 'env', Value: 'lab' }]);
  await call('GET', '/v1/vpn-connections/{id}', { id: vco.VpnConnectionId, query: R, expect: 200 });
  await err(call('GET', '/v1/vpn-connections/{id}', { id: 'vco-doesnotexist0000', query: R, expect: 404 }), 404,
    'InvalidVpnConnectionInstanceId.NotFound');
  const vcoMod = await call('PATCH', '/v1/vpn-connections/{id}', {
    id: vco.VpnConnectionId,
    body: { Name: 'docs-vco2', RemoteSubnet: '192.168.0.0/16,172.31.0.0/16', AutoConfigRoute: true,
      TunnelOptionsSpecification: [{ TunnelId: t1.TunnelId, TunnelIkeConfig: { IkeEncAlg: 'aes256' } }] },
    expect: 200,
  });
  assert.deepEqual([vcoMod.body.Name, vcoMod.body.TunnelOptionsSpecification.TunnelOptions[0].TunnelIkeConfig.IkeEncAlg,
    vcoMod.body.TunnelOptionsSpecification.TunnelOptions[0].TunnelIkeConfig.IkeLifetime], ['docs-vco2', 'aes256', 3600]);
  await err(call('PATCH', '/v1/vpn-connections/{id}', {
    id: vco.VpnConnectionId, body: { TunnelOptionsSpecification: [{ TunnelId: 'tun-doesnotexist0000', EnableDpd: false }] },
    expect: 404,
  }), 404, 'InvalidTunnelId.NotFound');

  // an unbound connection (single-tunnel form), its JSON-typed parameters as JSON objects or text
  const att = (await call('POST', '/v1/vpn-attachments', {
    body: { ...R, CustomerGatewayId: cg2.CustomerGatewayId, LocalSubnet: '10.8.0.0/16', RemoteSubnet: '172.16.0.0/12',
      IkeConfig: { IkeVersion: 'ikev2', IkeLifetime: 3600, Psk: 'att-key' }, IpsecConfig: '{"IpsecPfs":"disabled"}',
      HealthCheckConfig: { enable: true, dip: '172.16.0.1', sip: '10.8.0.1', Policy: 'reserve_route' },
      BgpConfig: { EnableBgp: true, TunnelCidr: '169.254.10.0/30', LocalBgpIp: '169.254.10.1' },
      NetworkType: 'public', TunnelBandwidth: 'Standard' },
    expect: 201,
  })).body;
  assert.deepEqual([att.Code, att.Message, att.Success], ['200', 'successful', true]);
  await err(call('POST', '/v1/vpn-attachments', { body: { ...R, LocalSubnet: '10.8.0.0/16', RemoteSubnet: '172.16.0.0/12' }, expect: 400 }),
    400, 'MissingCustomerGatewayId');
  await err(call('POST', '/v1/vpn-attachments', {
    body: { ...R, CustomerGatewayId: cg2.CustomerGatewayId, LocalSubnet: '10.8.0.0/16', RemoteSubnet: '172.16.0.0/12',
      IkeConfig: { IkeMode: 'fast' } },
    expect: 400,
  }), 400, 'IllegalParam.IkeMode');
  const attGot = await call('GET', '/v1/vpn-connections/{id}', { id: att.VpnConnectionId, query: R, expect: 200 });
  assert.deepEqual([attGot.body.State, attGot.body.AttachType, attGot.body.VpnGatewayId, attGot.body.IkeConfig.Psk,
    attGot.body.IkeConfig.IkeLifetime, attGot.body.IpsecConfig.IpsecPfs, attGot.body.VcoHealthCheck.Policy,
    attGot.body.VpnBgpConfig.EnableBgp], ['init', 'NO_ASSOCIATED', '', 'att-key', 3600, 'disabled', 'reserve_route', 'true']);
  await call('PATCH', '/v1/vpn-connections/{id}', {
    id: att.VpnConnectionId, body: { ...R, IkeConfig: '{"IkeMode":"aggressive"}' }, expect: 200,
  }).then((r) => assert.deepEqual([r.body.IkeConfig.IkeMode, r.body.IkeConfig.IkeVersion], ['aggressive', 'ikev2']));
  await err(call('PATCH', '/v1/vpn-connections/{id}', { id: att.VpnConnectionId, body: { IkeConfig: { IkeMode: 'fast' } }, expect: 400 }),
    400, 'IllegalParam.IkeMode');
  // the attachment actions name only unbound connections
  await call('PATCH', '/v1/vpn-attachments/{id}', { id: att.VpnConnectionId, body: { Name: 'att-2' }, expect: 200 })
    .then((r) => assert.deepEqual([r.body.Name, r.body.AttachType, r.body.NetworkType], ['att-2', 'NO_ASSOCIATED', 'public']));
  await err(call('PATCH', '/v1/vpn-attachments/{id}', { id: vco.VpnConnectionId, body: { Name: 'x' }, expect: 404 }), 404,
    'InvalidVpnConnectionInstanceId.NotFound');
  await call('GET', '/v1/vpn-attachments', { query: { ...R, AttachType: 'CEN', PageNumber: '1', PageSize: '10' }, expect: 200 })
    .then((r) => assert.deepEqual([r.body.TotalCount, r.body.VpnAttachments], [0, []]));
  await err(call('GET', '/v1/vpn-attachments', { query: { ...R, AttachType: 'VPNGW' }, expect: 400 }), 400, 'InvalidAttachType');
  await err(call('DELETE', '/v1/vpn-attachments/{id}', { id: vco.VpnConnectionId, expect: 404 }), 404,
    'InvalidVpnConnectionInstanceId.NotFound');
  const vcos = await call('GET', '/v1/vpn-connections', { query: R, expect: 200 });
  assert.deepEqual(vcos.body.VpnConnections.map((c) => c.VpnConnectionId).sort(), [att.VpnConnectionId, vco.VpnConnectionId].sort());
  await call('GET', '/v1/vpn-connections', {
    query: { ...R, VpnGatewayId: gwId, CustomerGatewayId: cg2.CustomerGatewayId, VpnConnectionId: vco.VpnConnectionId,
      'Tag.1.Key': 'env', PageNumber: '1', PageSize: '50' },
    expect: 200,
  }).then((r) => assert.deepEqual(r.body.VpnConnections.map((c) => c.Tag.Tag[0].Value), ['lab']));
  await err(call('GET', '/v1/vpn-connections', { query: { ...R, PageSize: '51' }, expect: 400 }), 400, 'InvalidPageSize');

  // the customer device's settings (DownloadVpnConnectionConfig): the same answer as the RPC
  // action; dual-tunnel per tunnel with BGP per tunnel, the unbound single-tunnel one without
  // a gateway address yet
  const cfg = '/v1/vpn-connections/{id}/config';
  const rpc = async (action, params) => {
    const qs = new URLSearchParams({ Action: action, Version: '2016-04-28', ...params });
    const res = await fetch(`${srv.url}/?${qs}`);
    assert.equal(res.status, 200, `RPC ${action}`);
    return res.json();
  };
  const dual = (await call('GET', cfg, { id: vco.VpnConnectionId, expect: 200 })).body.VpnConnectionConfig;
  assert.deepEqual(dual, (await rpc('DownloadVpnConnectionConfig', { VpnConnectionId: vco.VpnConnectionId })).VpnConnectionConfig,
    'REST and RPC answer the same configuration');
  assert.deepEqual([dual.LocalSubnet, dual.RemoteSubnet], ['192.168.0.0/16,172.31.0.0/16', '10.0.0.0/16']);
  const [c1, c2] = dual.TunnelsConfig.TunnelConfig;
  assert.deepEqual([c1.TunnelId, c1.Local, c1.Remote, c2.TunnelId, c2.Local, c2.Remote],
    [t1.TunnelId, '203.0.113.10', gw.body.InternetIp, t2.TunnelId, '203.0.113.11', gw.body.DisasterRecoveryInternetIp]);
  assert.deepEqual([c1.IkeConfig.Psk, c1.IkeConfig.IkeEncAlg, c1.IkeConfig.IkeLifetime, c1.IkeConfig.LocalId,
    c1.IkeConfig.RemoteId, c1.IpsecConfig.IpsecPfs], ['master-key', 'aes256', 3600, '203.0.113.10', gw.body.InternetIp, 'group14']);
  assert.deepEqual(dual.BgpConfigs.BgpConfig.map((b) => [b.TunnelId, b.LocalAsn, b.LocalBgpIp, b.PeerAsn, b.PeerBgpIp, b.TunnelCidr]), [
    [t1.TunnelId, '65001', '169.254.21.2', '45104', '169.254.21.1', '169.254.21.0/30'],
    [t2.TunnelId, '', '169.254.20.2', '65100', '169.254.20.1', '169.254.20.0/30'],
  ]);
  const single = (await call('GET', cfg, { id: att.VpnConnectionId, query: R, expect: 200 })).body.VpnConnectionConfig;
  assert.deepEqual([single.Local, single.Remote, single.LocalSubnet, single.RemoteSubnet, single.IkeConfig.Psk,
    single.IkeConfig.IkeMode, single.IkeConfig.RemoteId, single.IpsecConfig.IpsecPfs],
  ['203.0.113.11', '', '172.16.0.0/12', '10.8.0.0/16', 'att-key', 'aggressive', '', 'disabled']);
  assert.deepEqual(single.BgpConfigs.BgpConfig, [{ LocalAsn: '', LocalBgpIp: '169.254.10.2', PeerAsn: '45104',
    PeerBgpIp: '169.254.10.1', TunnelCidr: '169.254.10.0/30' }]);
  await err(call('GET', cfg, { id: 'vco-doesnotexist0000', query: R, expect: 404 }), 404, 'InvalidVpnConnectionInstanceId.NotFound');
  await err(call('GET', cfg, { id: vco.VpnConnectionId, query: { RegionId: 'xx-nowhere-1' }, expect: 404 }), 404,
    'InvalidRegionId.NotFound');

  // its log lines (DescribeVpnConnectionLogs): none without a data plane; every query
  // parameter reaches the action (its refusals show it)
  const logs = '/v1/vpn-connections/{id}/logs';
  const now = Math.floor(Date.now() / 1000);
  const noLines = await call('GET', logs, { id: vco.VpnConnectionId, query: { MinutePeriod: '10' }, expect: 200 });
  assert.deepEqual([noLines.body.Count, noLines.body.IsCompleted, noLines.body.PageNumber, noLines.body.PageSize,
    noLines.body.Data], [0, true, 1, 10, { Logs: [] }]);
  await call('GET', logs, {
    id: vco.VpnConnectionId,
    query: { ...R, From: String(now - 600), To: String(now), TunnelId: t2.TunnelId, PageNumber: '2', PageSize: '5' },
    expect: 200,
  }).then((r) => assert.deepEqual([r.body.Count, r.body.PageNumber, r.body.PageSize, r.body.Data.Logs], [0, 2, 5, []]));
  await call('GET', logs, { id: att.VpnConnectionId, query: { To: String(now), MinutePeriod: '1' }, expect: 200 });
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: R, expect: 400 }), 400, 'MissingMinutePeriod');
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: { From: String(now) }, expect: 400 }), 400, 'MissingMinutePeriod');
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: { From: String(now), To: String(now - 1) }, expect: 400 }),
    400, 'IllegalParam.To');
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: { MinutePeriod: '11' }, expect: 400 }), 400, 'InvalidMinutePeriod');
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: { To: '-1', MinutePeriod: '1' }, expect: 400 }), 400, 'InvalidTo');
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: { MinutePeriod: '1', PageSize: '51' }, expect: 400 }), 400,
    'InvalidPageSize');
  await err(call('GET', logs, { id: vco.VpnConnectionId, query: { MinutePeriod: '1', TunnelId: 'tun-doesnotexist0000' }, expect: 404 }),
    404, 'InvalidTunnelId.NotFound');
  await err(call('GET', logs, { id: att.VpnConnectionId, query: { MinutePeriod: '1', TunnelId: t1.TunnelId }, expect: 404 }),
    404, 'InvalidTunnelId.NotFound');
  await err(call('GET', logs, { id: 'vco-doesnotexist0000', query: { MinutePeriod: '1' }, expect: 404 }), 404,
    'InvalidVpnConnectionInstanceId.NotFound');

  // the vpnlab extension: a swanctl.conf for the customer side (none while a tunnel has no address)
  const swan = '/v1/lab/vpn-connections/{id}/customer-swanctl-conf';
  const conf = (await call('GET', swan, { id: vco.VpnConnectionId, expect: 200 })).body;
  assert.equal(conf.VpnConnectionId, vco.VpnConnectionId);
  assert.equal(conf.SwanctlConf,
    (await rpc('LabDownloadCustomerSwanctlConfig', { VpnConnectionId: vco.VpnConnectionId })).SwanctlConf);
  for (const [t, c] of [[t1, c1], [t2, c2]]) {
    assert.match(conf.SwanctlConf, new RegExp(`^ {4}${t.TunnelId} \\{$`, 'm'), `a connection named ${t.TunnelId}`);
    assert.ok(conf.SwanctlConf.includes(`remote_addrs = ${c.Remote}\n`), `${t.TunnelId}: remote_addrs`);
  }
  await err(call('GET', swan, { id: att.VpnConnectionId, query: R, expect: 400 }), 400, 'IncorrectStatus.VpnConnection');
  await err(call('GET', swan, { id: 'vco-doesnotexist0000', query: R, expect: 404 }), 404, 'InvalidVpnConnectionInstanceId.NotFound');

  // destination-based routes (the connection's AutoConfigRoute made two)
  const rt = `/v1/vpn-gateways/{id}/route-entries`;
  const routes = await call('GET', rt, { id: gwId, query: R, expect: 200 });
  assert.deepEqual(routes.body.VpnRouteEntries.map((e) => e.RouteDest).sort(), ['172.31.0.0/16', '192.168.0.0/16']);
  assert.equal(routes.body.VpnRouteCounts.VpnRouteCount[0].RouteCount, 2);
  await call('GET', rt, { id: gwId, query: { ...R, RouteEntryType: 'bgp', PageNumber: '1', PageSize: '50' }, expect: 200 })
    .then((r) => assert.deepEqual([r.body.TotalCount, r.body.VpnRouteEntries], [0, []]));
  await err(call('GET', rt, { id: gwId, query: { ...R, RouteEntryType: 'system' }, expect: 400 }), 400, 'InvalidRouteEntryType');
  await err(call('GET', rt, { id: 'vpn-doesnotexist0000', query: R, expect: 404 }), 404, 'InvalidVpnGatewayInstanceId.NotFound');
  const route = { ...R, RouteDest: '10.10.0.0/16', NextHop: vco.VpnConnectionId, Weight: 100 };
  await err(call('POST', rt, { id: gwId, body: { ...route, Weight: 50, PublishVpc: true }, expect: 400 }), 400, 'InvalidWeight');
  await err(call('POST', rt, { id: gwId, body: { ...route, NextHop: 'vco-doesnotexist0000', PublishVpc: true }, expect: 404 }),
    404, 'InvalidVpnConnectionInstanceId.NotFound');
  await err(call('POST', rt, { id: gwId, body: { ...route, PublishVpc: true, DryRun: true }, expect: 400 }), 400, 'DryRunOperation');
  const created = await call('POST', rt, {
    id: gwId, body: { ...route, PublishVpc: true, OverlayMode: 'Ipsec', Description: 'to hq', ClientToken: 'docs-rt-1' },
    expect: 201,
  });
  assert.deepEqual([created.body.VpnInstanceId, created.body.State, created.body.Description], [gwId, 'published', 'to hq']);
  await err(call('POST', rt, { id: gwId, body: { ...route, PublishVpc: false }, expect: 400 }), 400, 'VpnRouteEntry.AlreadyExists');
  await call('PATCH', `${rt}/weight`, { id: gwId, body: { ...route, NewWeight: 0, OverlayMode: 'Ipsec' }, expect: 200 });
  await err(call('PATCH', `${rt}/weight`, { id: gwId, body: { ...route, Weight: 0, NewWeight: 100 }, expect: 404 }), 404,
    'InvalidRouteEntry.NotFound');
  const { Weight: _w, ...publishKey } = route;
  await call('POST', `${rt}/publish`, { id: gwId, body: { ...publishKey, PublishVpc: false, ClientToken: 'docs-pub-1' }, expect: 200 });
  await call('GET', rt, { id: gwId, query: R, expect: 200 })
    .then((r) => assert.equal(r.body.VpnRouteEntries.find((e) => e.RouteDest === '10.10.0.0/16').State, 'normal'));
  await err(call('POST', `${rt}/publish`, { id: gwId, body: { ...publishKey, RouteDest: '10.99.0.0/16', PublishVpc: true }, expect: 404 }),
    404, 'InvalidRouteEntry.NotFound');
  await call('POST', rt, { id: gwId, body: { ...route, RouteDest: '10.11.0.0/16', PublishVpc: false }, expect: 201 });
  // delete: key fields in the query string, or in a JSON body
  await call('DELETE', rt, { id: gwId, query: { ...R, RouteDest: '10.10.0.0/16', NextHop: vco.VpnConnectionId, Weight: '100',
    OverlayMode: 'Ipsec', ClientToken: 'docs-del-rt' }, expect: 200 });
  await call('DELETE', rt, { id: gwId, body: { ...route, RouteDest: '10.11.0.0/16' }, expect: 200 });
  await err(call('DELETE', rt, { id: gwId, query: { ...R, RouteDest: '10.10.0.0/16', NextHop: vco.VpnConnectionId, Weight: '100' }, expect: 404 }),
    404, 'InvalidRouteEntry.NotFound');
  await err(call('DELETE', rt, { id: gwId, query: { ...R, RouteDest: '10.10.0.0/16', NextHop: vco.VpnConnectionId }, expect: 400 }),
    400, 'MissingWeight');

  // policy-based routes
  const pbr = `/v1/vpn-gateways/{id}/pbr-route-entries`;
  const pkey = { ...R, RouteSource: '10.0.0.0/16', RouteDest: '10.20.0.0/16', NextHop: vco.VpnConnectionId, Weight: 100 };
  await err(call('POST', pbr, { id: gwId, body: { ...pkey, PublishVpc: true, Priority: 0 }, expect: 400 }), 400, 'InvalidPriority');
  const { RouteSource: _s, ...noSource } = pkey;
  await err(call('POST', pbr, { id: gwId, body: { ...noSource, PublishVpc: true }, expect: 400 }), 400, 'MissingRouteSource');
  const pcreated = await call('POST', pbr, {
    id: gwId, body: { ...pkey, PublishVpc: true, Priority: 5, OverlayMode: 'Ipsec', Description: 'policy', DryRun: false },
    expect: 201,
  });
  assert.deepEqual([pcreated.body.RouteSource, pcreated.body.Priority, pcreated.body.State], ['10.0.0.0/16', 5, 'published']);
  const plist = await call('GET', pbr, { id: gwId, query: { ...R, PageNumber: '1', PageSize: '10' }, expect: 200 });
  assert.deepEqual(plist.body.VpnPbrRouteEntries.map((e) => [e.RouteSource, e.RouteDest, e.Priority]),
    [['10.0.0.0/16', '10.20.0.0/16', 5]]);
  await err(call('GET', pbr, { id: gwId, query: { ...R, PageSize: '51' }, expect: 400 }), 400, 'InvalidPageSize');
  await call('PATCH', `${pbr}/priority`, { id: gwId, body: { ...pkey, Priority: 5, NewPriority: 3 }, expect: 200 });
  await err(call('PATCH', `${pbr}/priority`, { id: gwId, body: { ...pkey, Priority: 7, NewPriority: 2 }, expect: 404 }), 404,
    'InvalidRouteEntry.NotFound');
  await call('PATCH', `${pbr}/weight`, { id: gwId, body: { ...pkey, Priority: 3, NewWeight: 0 }, expect: 200 });
  await err(call('PATCH', `${pbr}/weight`, { id: gwId, body: { ...pkey, NewWeight: 1 }, expect: 400 }), 400, 'InvalidNewWeight');
  const { RouteSource: _s2, Weight: _w2, ...pubKey } = pkey;
  await call('POST', `${pbr}/publish`, { id: gwId, body: { ...pubKey, PublishVpc: false }, expect: 200 });
  await call('GET', pbr, { id: gwId, query: R, expect: 200 })
    .then((r) => assert.deepEqual(r.body.VpnPbrRouteEntries.map((e) => [e.State, e.Priority]), [['normal', 3]]));
  await err(call('POST', `${pbr}/publish`, { id: gwId, body: { ...pubKey, RouteDest: '10.98.0.0/16', PublishVpc: true }, expect: 404 }),
    404, 'InvalidRouteEntry.NotFound');
  await err(call('DELETE', pbr, { id: gwId, query: { ...R, RouteSource: '10.0.0.0/16', RouteDest: '10.20.0.0/16',
    NextHop: vco.VpnConnectionId, Weight: '100', Priority: '5' }, expect: 404 }), 404, 'InvalidRouteEntry.NotFound');
  await call('DELETE', pbr, { id: gwId, query: { ...R, RouteSource: '10.0.0.0/16', RouteDest: '10.20.0.0/16',
    NextHop: vco.VpnConnectionId, Weight: '100', Priority: '3', OverlayMode: 'Ipsec', ClientToken: 'docs-del-pbr' }, expect: 200 });
  await call('POST', pbr, { id: gwId, body: { ...pkey, RouteDest: '10.21.0.0/16', PublishVpc: false }, expect: 201 });
  await call('DELETE', pbr, { id: gwId, body: { ...pkey, RouteDest: '10.21.0.0/16' }, expect: 200 });
  assert.equal((await call('GET', pbr, { id: gwId, query: R, expect: 200 })).body.TotalCount, 0);

  // teardown, with the refusals first
  await err(call('DELETE', '/v1/customer-gateways/{id}', { id: cg1.CustomerGatewayId, query: R, expect: 400 }), 400,
    'DependencyViolation.VpnConnection');
  await err(call('DELETE', '/v1/vpn-gateways/{id}', { id: gwId, query: R, expect: 400 }), 400, 'DependencyViolation.VpnConnection');
  await call('DELETE', '/v1/vpn-attachments/{id}', { id: att.VpnConnectionId, query: { ClientToken: 'del-att' }, expect: 200 });
  for (const id of [vco.VpnConnectionId]) {
    await call('DELETE', '/v1/vpn-connections/{id}', { id, query: { ClientToken: `del-${id}` }, expect: 200 });
    await err(call('DELETE', '/v1/vpn-connections/{id}', { id, query: R, expect: 404 }), 404, 'InvalidVpnConnectionInstanceId.NotFound');
  }
  await err(call('DELETE', '/v1/vpn-connections/{id}', { id: att.VpnConnectionId, query: R, expect: 404 }), 404,
    'InvalidVpnConnectionInstanceId.NotFound');
  assert.equal((await call('GET', rt, { id: gwId, query: R, expect: 200 })).body.TotalCount, 0, 'routes went with the connection');
  for (const id of [cg1.CustomerGatewayId, cg2.CustomerGatewayId]) {
    await call('DELETE', '/v1/customer-gateways/{id}', { id, query: { ...R, ClientToken: `del-${id}` }, expect: 200 });
    await err(call('DELETE', '/v1/customer-gateways/{id}', { id, query: R, expect: 404 }), 404,
      'InvalidCustomerGatewayInstanceId.NotFound');
  }
  await call('DELETE', '/v1/vpn-gateways/{id}', { id: gwId, query: { ...R, ClientToken: 'del-gw' }, expect: 200 });
  await err(call('DELETE', '/v1/vpn-gateways/{id}', { id: gwId, query: R, expect: 404 }), 404, 'InvalidVpnGatewayInstanceId.NotFound');
  await err(call('GET', '/v1/vpn-gateways/{id}', { id: gwId, query: R, expect: 404 }), 404, 'InvalidVpnGatewayInstanceId.NotFound');

  // a paid gateway cannot be released before its subscription ends
  const prepaid = (await call('POST', '/v1/vpn-gateways', {
    body: { ...gwBody, Bandwidth: 5, InstanceChargeType: 'PREPAY', Period: 1, AutoPay: true }, expect: 201,
  })).body.VpnGatewayId;
  await call('GET', '/v1/vpn-gateways/{id}', { id: prepaid, query: R, expect: 200 })
    .then((r) => assert.deepEqual([r.body.ChargeType, typeof r.body.EndTime], ['Prepay', 'number']));
  await err(call('DELETE', '/v1/vpn-gateways/{id}', { id: prepaid, query: R, expect: 403 }), 403, 'ForbiddenRelease');
});

test('the CBN routes answer as the document says (CEN, transit routers, CIDRs, attachments, route tables)', async () => {
  const R = { RegionId: REGION };
  // CBN errors: the cloud's envelope with HostId cbn.aliyuncs.com
  const err = async (p, status, code) => {
    const r = await p;
    assert.equal(r.status, status);
    assert.equal(r.body.Code, code, `code (body ${JSON.stringify(r.body)})`);
    assert.equal(r.body.HostId, 'cbn.aliyuncs.com');
    assert.ok(r.body.Recommend.includes(`q=${code}`) && r.body.Recommend.includes(r.body.RequestId), r.body.Recommend);
  };
  const until = (what, fn) => waitFor(what, fn, 10000, 20);

  // the VPC side: a VPC with vSwitches in two zones, two unbound IPsec connections
  const { vpcId, vswH, vswI } = await vpcInTwoZones('10.0');
  const vcos = [];
  for (const ip of ['47.100.9.1', '47.100.9.2']) {
    const cg = (await call('POST', '/v1/customer-gateways', { body: { ...R, IpAddress: ip }, expect: 201 })).body.CustomerGatewayId;
    vcos.push((await call('POST', '/v1/vpn-attachments', {
      body: { ...R, CustomerGatewayId: cg, LocalSubnet: '10.0.0.0/16', RemoteSubnet: '172.16.0.0/16' }, expect: 201,
    })).body.VpnConnectionId);
  }

  // CEN
  await err(call('POST', '/v1/cens', { body: { Name: 'http://x' }, expect: 400 }), 400, 'IllegalParam.Name');
  const cen = (await call('POST', '/v1/cens', {
    body: { Name: 'docs', Description: 'openapi', Tag: [{ Key: 'suite', Value: 'openapi' }], ClientToken: 'docs-cen-1' }, expect: 201,
  })).body.CenId;
  const cens = await until('cen active', async () => {
    const r = await call('GET', '/v1/cens', { query: { 'Filter.1.Key': 'CenId', 'Filter.1.Value.1': cen }, expect: 200 });
    return r.body.Cens[0].Status === 'Active' && r;
  });
  assert.deepEqual([cens.body.TotalCount, cens.body.Cens[0].Name, cens.body.Cens[0].Tags.Tag], [1, 'docs', [{ Key: 'suite', Value: 'openapi' }]]);
  await call('GET', '/v1/cens', { query: { 'Tag.1.Key': 'suite', 'Tag.1.Value': 'openapi', PageNumber: '1', PageSize: '50' }, expect: 200 })
    .then((r) => assert.deepEqual(r.body.Cens.map((c) => c.CenId), [cen]));
  await err(call('GET', '/v1/cens', { query: { PageSize: '51' }, expect: 400 }), 400, 'InvalidPageSize');
  await call('PATCH', '/v1/cens/{id}', { id: cen, body: { Name: 'docs2', Description: 'changed' }, expect: 200 });
  await call('GET', '/v1/cens', { query: { 'Filter.1.Key': 'Name', 'Filter.1.Value.1': 'docs2' }, expect: 200 })
    .then((r) => assert.deepEqual(r.body.Cens.map((c) => [c.CenId, c.Description]), [[cen, 'changed']]));
  await err(call('PATCH', '/v1/cens/{id}', { id: 'cen-doesnotexist0000', body: { Name: 'x' }, expect: 400 }), 400, 'ParameterCenInstanceId');

  // transit router with a CIDR block (a JSON array in the body)
  await err(call('POST', '/v1/transit-routers', { body: { ...R }, expect: 400 }), 400, 'MissingCenId');
  const tr = (await call('POST', '/v1/transit-routers', {
    body: { ...R, CenId: cen, TransitRouterName: 'hub', TransitRouterCidrList: [{ Cidr: '192.168.250.0/24', Name: 'tunnels' }] },
    expect: 201,
  })).body.TransitRouterId;
  const trs = await until('router active', async () => {
    const r = await call('GET', '/v1/transit-routers', { query: { CenId: cen, TransitRouterId: tr }, expect: 200 });
    return r.body.TransitRouters[0].Status === 'Active' && r;
  });
  assert.deepEqual([trs.body.TransitRouters[0].Type, trs.body.TransitRouters[0].TransitRouterCidrList.map((c) => c.Cidr)],
    ['Enterprise', ['192.168.250.0/24']]);
  await call('GET', '/v1/transit-routers', { query: { ...R, Status: 'Active', Type: 'Enterprise', PageNumber: '1', PageSize: '10' }, expect: 200 })
    .then((r) => assert.equal(r.body.TotalCount, 1));
  await err(call('GET', '/v1/transit-routers', { query: { Status: 'Sleeping' }, expect: 400 }), 400, 'InvalidStatus');
  await call('PATCH', '/v1/transit-routers/{id}', { id: tr, body: { TransitRouterDescription: 'branch hub' }, expect: 200 });
  await err(call('PATCH', '/v1/transit-routers/{id}', { id: 'tr-doesnotexist0000', body: { TransitRouterName: 'x' }, expect: 400 }), 400,
    'InvalidTransitRouterId.NotFound');

  // its CIDR blocks: listed and created under the router; changed and deleted by their own ID
  const cidrs = '/v1/transit-routers/{id}/cidrs';
  const cidr = (await call('POST', cidrs, { id: tr, body: { Cidr: '192.168.251.0/24', Name: 'spare', PublishCidrRoute: false }, expect: 201 }))
    .body.TransitRouterCidrId;
  await err(call('POST', cidrs, { id: tr, body: { Cidr: '192.168.251.0/24' }, expect: 400 }), 400, 'OperationFailed.CidrConflict');
  const listed = await call('GET', cidrs, { id: tr, expect: 200 });
  assert.deepEqual(listed.body.CidrLists.map((c) => [c.Cidr, c.PublishCidrRoute]), [['192.168.250.0/24', true], ['192.168.251.0/24', false]]);
  await call('GET', cidrs, { id: tr, query: { ...R, TransitRouterCidrId: cidr }, expect: 200 })
    .then((r) => assert.deepEqual(r.body.CidrLists.map((c) => c.Name), ['spare']));
  await err(call('GET', cidrs, { id: 'tr-doesnotexist0000', expect: 400 }), 400, 'InvalidTransitRouterId.NotFound');
  await call('PATCH', '/v1/transit-router-cidrs/{id}', { id: cidr, body: { TransitRouterId: tr, Description: 'later' }, expect: 200 });
  await err(call('PATCH', '/v1/transit-router-cidrs/{id}', { id: cidr, body: { ...R, Description: 'x' }, expect: 400 }), 400, 'MissingTransitRouterId');
  await err(call('DELETE', '/v1/transit-router-cidrs/{id}', { id: 'cidr-doesnotexist0000', query: { TransitRouterId: tr }, expect: 400 }), 400,
    'InvalidTransitRouterCidrId.NotFound');
  await call('DELETE', '/v1/transit-router-cidrs/{id}', { id: cidr, query: { TransitRouterId: tr, ClientToken: 'docs-del-cidr' }, expect: 200 });

  // attachments: the VPC through both vSwitches, the two connections
  const vpcAtt = (await call('POST', '/v1/transit-router-vpc-attachments', {
    body: { ...R, TransitRouterId: tr, VpcId: vpcId, ZoneMappings: [{ ZoneId: `${REGION}-h`, VSwitchId: vswH }, { ZoneId: `${REGION}-i`, VSwitchId: vswI }] },
    expect: 201,
  })).body.TransitRouterAttachmentId;
  await err(call('POST', '/v1/transit-router-vpc-attachments', {
    body: { ...R, TransitRouterId: tr, VpcId: 'vpc-doesnotexist0000', ZoneMappings: [{ ZoneId: `${REGION}-h`, VSwitchId: vswH }] }, expect: 404,
  }), 404, 'InvalidVpcId.NotFound');
  const vpnAtts = [];
  for (const vco of vcos) {
    vpnAtts.push((await call('POST', '/v1/transit-router-vpn-attachments', {
      body: { ...R, TransitRouterId: tr, VpnId: vco, Zone: [{ ZoneId: `${REGION}-h` }], TransitRouterAttachmentName: 'branch' }, expect: 201,
    })).body.TransitRouterAttachmentId);
  }
  await err(call('POST', '/v1/transit-router-vpn-attachments', { body: { ...R, TransitRouterId: tr, VpnId: 'vco-doesnotexist0000',
    Zone: [{ ZoneId: `${REGION}-h` }] }, expect: 400 }), 400, 'InvalidVpnId.NotFound');
  const vpcList = await until('vpc attached', async () => {
    const r = await call('GET', '/v1/transit-router-vpc-attachments', { query: { TransitRouterId: tr }, expect: 200 });
    return r.body.TransitRouterAttachments[0].Status === 'Attached' && r;
  });
  assert.deepEqual(vpcList.body.TransitRouterAttachments[0].ZoneMappings.map((z) => z.VSwitchId), [vswH, vswI]);
  await call('GET', '/v1/transit-router-vpc-attachments', { query: { CenId: cen, ...R, TransitRouterAttachmentId: vpcAtt, VpcId: vpcId,
    MaxResults: '1' }, expect: 200 }).then((r) => assert.deepEqual([r.body.TotalCount, r.body.MaxResults, r.body.NextToken], [1, 1, '']));
  await err(call('GET', '/v1/transit-router-vpc-attachments', { query: { MaxResults: '101' }, expect: 400 }), 400, 'InvalidMaxResults');
  await until('vpn attached', async () => {
    const r = await call('GET', '/v1/transit-router-vpn-attachments', { query: { TransitRouterId: tr }, expect: 200 });
    return r.body.TransitRouterAttachments.length === 2 && r.body.TransitRouterAttachments.every((a) => a.Status === 'Attached') && r;
  }).then((r) => assert.deepEqual(r.body.TransitRouterAttachments.map((a) => a.VpnId).sort(), [...vcos].sort()));
  await err(call('GET', '/v1/transit-router-vpn-attachments', { query: { NextToken: 'bogus' }, expect: 400 }), 400, 'IllegalParam.NextToken');
  await call('PATCH', '/v1/transit-router-vpc-attachments/{id}', { id: vpcAtt, body: { TransitRouterAttachmentName: 'spoke' }, expect: 200 });
  await err(call('PATCH', '/v1/transit-router-vpc-attachments/{id}', { id: 'tr-attach-doesnotexist0000', body: { TransitRouterAttachmentName: 'x' },
    expect: 400 }), 400, 'InvalidTransitRouterAttachmentId.NotFound');
  await call('PATCH', '/v1/transit-router-vpn-attachments/{id}', { id: vpnAtts[0], body: { TransitRouterAttachmentDescription: 'A' }, expect: 200 });
  await err(call('PATCH', '/v1/transit-router-vpn-attachments/{id}', { id: vpnAtts[0], body: { TransitRouterAttachmentName: 'http://x' },
    expect: 400 }), 400, 'IllegalParam.TransitRouterAttachmentName');

  // a custom route table
  const rts = '/v1/transit-router-route-tables';
  await err(call('POST', rts, { body: { TransitRouterId: 'tr-doesnotexist0000' }, expect: 400 }), 400, 'InvalidTransitRouterId.NotFound');
  const rt = (await call('POST', rts, { body: { TransitRouterId: tr, TransitRouterRouteTableName: 'branches', RouteTableOptions: { MultiRegionECMP: 'disable' } },
    expect: 201 })).body.TransitRouterRouteTableId;
  await until('table active', async () => {
    const r = await call('GET', rts, { query: { TransitRouterId: tr, TransitRouterRouteTableType: 'Custom' }, expect: 200 });
    return r.body.TransitRouterRouteTables[0].TransitRouterRouteTableStatus === 'Active' && r;
  }).then((r) => assert.deepEqual(r.body.TransitRouterRouteTables.map((t) => [t.TransitRouterRouteTableId, t.TransitRouterRouteTableName]),
    [[rt, 'branches']]));
  await err(call('GET', rts, { query: { TransitRouterRouteTableType: 'Other' }, expect: 400 }), 400, 'InvalidTransitRouterRouteTableType');
  await call('PATCH', `${rts}/{id}`, { id: rt, body: { TransitRouterRouteTableDescription: 'two branches' }, expect: 200 });
  await err(call('PATCH', `${rts}/{id}`, { id: 'vtb-doesnotexist0000', body: { TransitRouterRouteTableName: 'x' }, expect: 400 }), 400,
    'InvalidTransitRouterRouteTableId.NotFound');

  // associations and propagations of both connections
  for (const [sub, list, key, pending] of [['associations', 'TransitRouterAssociations', 'association', 'Associating'],
    ['propagations', 'TransitRouterPropagations', 'propagation', 'Enabling']]) {
    const p = `${rts}/{id}/${sub}`;
    await err(call('POST', p, { id: rt, body: { TransitRouterAttachmentId: 'tr-attach-doesnotexist0000' }, expect: 404 }), 404,
      'InvalidAttachmentId.NotFound');
    for (const att of vpnAtts) await call('POST', p, { id: rt, body: { TransitRouterAttachmentId: att, ClientToken: `docs-${key}-${att}` }, expect: 201 });
    const done = await until(`${key}s active`, async () => {
      const r = await call('GET', p, { id: rt, expect: 200 });
      return r.body[list].length === 2 && r.body[list].every((a) => a.Status === 'Active') && r;
    });
    assert.ok(!done.body[list].some((a) => a.Status === pending));
    assert.deepEqual([done.body.MaxResults, done.body[list].map((a) => a.ResourceType)], [50, ['VPN', 'VPN']]);
    await call('GET', p, { id: rt, query: { TransitRouterAttachmentId: vpnAtts[0], TransitRouterAttachmentResourceType: 'VPN', Status: 'Active',
      TransitRouterAttachmentResourceId: vcos[0], MaxResults: '10' }, expect: 200 })
      .then((r) => assert.deepEqual(r.body[list].map((a) => a.ResourceId), [vcos[0]]));
    await err(call('GET', p, { id: rt, query: { MaxResults: '0' }, expect: 400 }), 400, 'InvalidMaxResults');
  }

  // ReplaceTransitRouterRouteTableAssociation: to the system table and back
  const sysRt = (await call('GET', rts, { query: { TransitRouterId: tr, TransitRouterRouteTableType: 'System' }, expect: 200 }))
    .body.TransitRouterRouteTables[0].TransitRouterRouteTableId;
  const assocs = `${rts}/{id}/associations`;
  await err(call('PUT', assocs, { id: rt, body: { TransitRouterAttachmentId: vpnAtts[0] }, expect: 400 }), 400,
    'OperationFailed.RouteTableAssociationExist');
  for (const [to, from] of [[sysRt, rt], [rt, sysRt]]) {
    await call('PUT', assocs, { id: to, body: { TransitRouterAttachmentId: vpnAtts[0], ClientToken: `docs-replace-${to}` }, expect: 200 });
    await until('replaced', async () => {
      const r = await call('GET', assocs, { id: to, query: { TransitRouterAttachmentId: vpnAtts[0] }, expect: 200 });
      return r.body.TransitRouterAssociations.length === 1 && r.body.TransitRouterAssociations[0].Status === 'Active';
    });
    assert.equal((await call('GET', assocs, { id: from, query: { TransitRouterAttachmentId: vpnAtts[0] }, expect: 200 }))
      .body.TransitRouterAssociations.length, 0);
  }

  // two Active ECMP routes to the branch CIDR; a static route over them
  const entries = `${rts}/{id}/route-entries`;
  const ecmp = await call('GET', entries, { id: rt, expect: 200 });
  assert.deepEqual(ecmp.body.TransitRouterRouteEntries.map((e) => [e.TransitRouterRouteEntryDestinationCidrBlock, e.TransitRouterRouteEntryStatus,
    e.TransitRouterRouteEntryType]), [['172.16.0.0/16', 'Active', 'Propagated'], ['172.16.0.0/16', 'Active', 'Propagated']]);
  assert.deepEqual(ecmp.body.TransitRouterRouteEntries.map((e) => e.TransitRouterRouteEntryNextHopId).sort(), [...vpnAtts].sort());
  await err(call('POST', entries, { id: rt, body: { TransitRouterRouteEntryDestinationCidrBlock: '172.16.0.0/16',
    TransitRouterRouteEntryNextHopType: 'Attachment' }, expect: 400 }), 400, 'MissingParam.TransitRouterRouteEntryNextHopId');
  const rte = (await call('POST', entries, { id: rt, body: { TransitRouterRouteEntryDestinationCidrBlock: '172.16.0.0/16',
    TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopId: vpnAtts[1], TransitRouterRouteEntryName: 'pin' },
  expect: 201 })).body.TransitRouterRouteEntryId;
  await until('learned rejected', async () => {
    const r = await call('GET', entries, { id: rt, query: { TransitRouterRouteEntryStatus: 'All', TransitRouterRouteEntryType: 'Propagated',
      TransitRouterRouteEntryNextHopType: 'Attachment', TransitRouterRouteEntryNextHopResourceType: 'VPN', 'RouteFilter.1.Key': 'PrefixExactMatchCidrs',
      'RouteFilter.1.Value.1': '172.16.0.0/16', MaxResults: '20' }, expect: 200 });
    return r.body.TransitRouterRouteEntries.every((e) => e.TransitRouterRouteEntryStatus === 'Rejected') && r;
  });
  await call('GET', entries, { id: rt, query: { TransitRouterRouteEntryNextHopId: vpnAtts[1] }, expect: 200 })
    .then((r) => assert.deepEqual(r.body.TransitRouterRouteEntries.map((e) => [e.TransitRouterRouteEntryId, e.TransitRouterRouteEntryName]),
      [[rte, 'pin']]));
  await call('PATCH', '/v1/transit-router-route-entries/{id}', { id: rte, body: { TransitRouterRouteEntryName: 'pinned',
    TransitRouterRouteEntryDescription: 'to branch 2' }, expect: 200 });
  await call('GET', entries, { id: rt, query: { TransitRouterRouteEntryNextHopId: vpnAtts[1] }, expect: 200 })
    .then((r) => assert.equal(r.body.TransitRouterRouteEntries[0].TransitRouterRouteEntryName, 'pinned'));
  await err(call('PATCH', '/v1/transit-router-route-entries/{id}', { id: 'rte-doesnotexist0000', body: { TransitRouterRouteEntryName: 'x' },
    expect: 400 }), 400, 'IllegalParam.TransitRouterRouteEntryId');
  await err(call('GET', entries, { id: rt, query: { TransitRouterRouteEntryStatus: 'Up' }, expect: 400 }), 400,
    'IllegalParam.TransitRouterRouteEntryStatus');

  // tags of CBN resources; zones for routers
  await call('POST', '/v1/cbn-tags', { body: { ...R, ResourceType: 'TransitRouterRouteTable', ResourceId: [rt], Tag: [{ Key: 'k', Value: 'v' }] },
    expect: 200 });
  await err(call('POST', '/v1/cbn-tags', { body: { ...R, ResourceType: 'VPC', ResourceId: [rt], Tag: [{ Key: 'k', Value: 'v' }] }, expect: 400 }),
    400, 'InvalidResourceType.NotFound');
  await call('GET', '/v1/cbn-tags', { query: { ...R, ResourceType: 'TransitRouterRouteTable', 'ResourceId.1': rt, PageSize: '10' }, expect: 200 })
    .then((r) => assert.deepEqual(r.body.TagResources.TagResource, [{ ResourceId: rt, ResourceType: 'TransitRouterRouteTable', TagKey: 'k', TagValue: 'v' }]));
  await err(call('GET', '/v1/cbn-tags', { query: { ...R, ResourceType: 'TransitRouterRouteTable', NextToken: 'bogus', 'Tag.1.Key': 'k' }, expect: 400 }),
    400, 'InvalidNextToken');
  await call('DELETE', '/v1/cbn-tags', { query: { ...R, ResourceType: 'TransitRouterRouteTable', 'ResourceId.1': rt, All: 'true' }, expect: 200 });
  await err(call('DELETE', '/v1/cbn-tags', { query: { ...R, ResourceType: 'cen', 'ResourceId.1': 'cen-doesnotexist0000', 'TagKey.1': 'k' },
    expect: 404 }), 404, 'InvalidResourceId.NotFound');
  await call('GET', '/v1/transit-router-available-resources', { query: { ...R, SupportMulticast: 'false' }, expect: 200 })
    .then((r) => assert.ok(r.body.AvailableZones.length > 0 && !r.body.SupportMulticast));
  await err(call('GET', '/v1/transit-router-available-resources', { query: { RegionId: 'xx-nowhere-1' }, expect: 400 }), 400,
    'IllegalParam.RegionId');

  // teardown, with the refusals first
  await err(call('DELETE', `${rts}/{id}`, { id: rt, expect: 400 }), 400, 'OperationFailed.DeleteRouteTableWithAssociation');
  await call('DELETE', '/v1/transit-router-route-entries/{id}', { id: rte, query: { ClientToken: 'docs-del-rte' }, expect: 200 });
  await err(call('DELETE', '/v1/transit-router-route-entries/{id}', { id: 'rte-doesnotexist0000', expect: 400 }), 400,
    'IllegalParam.TransitRouterRouteEntryId');
  for (const [sub, list] of [['associations', 'TransitRouterAssociations'], ['propagations', 'TransitRouterPropagations']]) {
    const p = `${rts}/{id}/${sub}`;
    await err(call('DELETE', p, { id: rt, query: { TransitRouterAttachmentId: vpcAtt }, expect: 400 }), 400,
      'InvalidParameter.TransitRouterAttachmentId');
    for (const att of vpnAtts) await call('DELETE', p, { id: rt, query: { TransitRouterAttachmentId: att }, expect: 200 });
    await until(`${sub} gone`, async () => (await call('GET', p, { id: rt, expect: 200 })).body[list].length === 0);
  }
  await call('DELETE', `${rts}/{id}`, { id: rt, query: { ClientToken: 'docs-del-rt' }, expect: 200 });
  await until('table gone', async () => (await call('GET', rts, { query: { TransitRouterId: tr }, expect: 200 })).body.TotalCount === 1);
  await err(call('DELETE', '/v1/transit-routers/{id}', { id: tr, expect: 400 }), 400, 'InvalidOperation.AttachedChildInstanceExist');
  await err(call('DELETE', '/v1/transit-router-vpn-attachments/{id}', { id: 'tr-attach-doesnotexist0000', expect: 400 }), 400,
    'InvalidTransitRouterAttachmentId.NotFound');
  for (const att of vpnAtts) await call('DELETE', '/v1/transit-router-vpn-attachments/{id}', { id: att, query: { Force: 'false' }, expect: 200 });
  await err(call('DELETE', '/v1/transit-router-vpc-attachments/{id}', { id: vpcAtt, query: { DryRun: 'true' }, expect: 400 }), 400, 'DryRunOperation');
  await call('DELETE', '/v1/transit-router-vpc-attachments/{id}', { id: vpcAtt, query: { ClientToken: 'docs-del-vpc-att' }, expect: 200 });
  await until('detached', async () =>
    (await call('GET', '/v1/transit-router-vpn-attachments', { query: { TransitRouterId: tr }, expect: 200 })).body.TotalCount === 0 &&
    (await call('GET', '/v1/transit-router-vpc-attachments', { query: { TransitRouterId: tr }, expect: 200 })).body.TotalCount === 0);
  await call('DELETE', '/v1/transit-routers/{id}', { id: tr, expect: 200 });
  await err(call('DELETE', '/v1/cens/{id}', { id: 'cen-doesnotexist0000', expect: 400 }), 400, 'ParameterCenInstanceId');
  await until('router gone', async () => (await call('GET', '/v1/transit-routers', { query: { CenId: cen }, expect: 200 })).body.TotalCount === 0);
  await call('DELETE', '/v1/cens/{id}', { id: cen, expect: 200 });
});

test('the agent protocol routes answer as documented', async () => {
  const body = { Roles: ['cloud', 'site'], Zones: [], UnderlayIp: '127.0.0.9', Url: 'http://127.0.0.1:9',
    Backend: 'kernel-libipsec', Version: '0.5.0', AppliedGeneration: 0 };
  const reg = await call('POST', '/v1/agents', { body, expect: 200 });
  const id = reg.body.AgentId;
  expectError(await call('POST', '/v1/agents', { body: { ...body, Roles: ['edge'] }, expect: 400 }), 400, 'InvalidRoles');
  const list = await call('GET', '/v1/agents', { expect: 200 });
  assert.ok(list.body.Agents.some((a) => a.AgentId === id && a.Online === true));
  expectError(await call('GET', '/v1/agents', { query: { AgentId: 'a'.repeat(64) }, expect: 400 }), 400, 'InvalidAgentId');
  const one = await call('GET', '/v1/agents/{id}', { id, expect: 200 });
  assert.deepEqual(one.body.Roles, ['cloud', 'site']);
  expectError(await call('GET', '/v1/agents/{id}', { id: 'agt-doesnotexist', expect: 404 }), 404, 'Agent.NotFound');
  const report = await call('POST', '/v1/agents/{id}/status', { id, body: { AppliedGeneration: 0, Tunnels: [], Logs: [] }, expect: 200 });
  assert.equal(typeof report.body.Generation, 'number');
  expectError(await call('POST', '/v1/agents/{id}/status', { id, body: { Tunnels: [{ VpnConnectionId: 'vco-x', Endpoint: 'e', Side: 'up' }] }, expect: 400 }),
    400, 'InvalidTunnels.1.Side');
  expectError(await call('POST', '/v1/agents/{id}/status', { id: 'agt-doesnotexist', body: {}, expect: 404 }), 404, 'Agent.NotFound');
  // the agent channel is authenticated always; registration names only URLs the server may call
  for (const agentToken of [null, 'x'.repeat(64)]) {
    expectError(await call('POST', '/v1/agents', { body, agentToken, expect: 403 }), 403, 'Forbidden.AgentToken');
    expectError(await call('GET', '/v1/agents', { agentToken, expect: 403 }), 403, 'Forbidden.AgentToken');
    expectError(await call('GET', '/v1/agents/{id}', { id, agentToken, expect: 403 }), 403, 'Forbidden.AgentToken');
    expectError(await call('POST', '/v1/agents/{id}/status', { id, body: {}, agentToken, expect: 403 }), 403, 'Forbidden.AgentToken');
    expectError(await call('DELETE', '/v1/agents/{id}', { id, agentToken, expect: 403 }), 403, 'Forbidden.AgentToken');
  }
  expectError(await call('POST', '/v1/agents', { body: { ...body, Url: 'http://192.0.2.1:8181' }, expect: 403 }), 403, 'Forbidden.AgentUrl');
  expectError(await call('POST', '/v1/agents/{id}/status', { id, rawBody: `{"Logs":"${'x'.repeat(33 << 20)}"}`, expect: 413 }),
    413, 'InvalidParameter.BodyTooLarge');
  await call('DELETE', '/v1/agents/{id}', { id, expect: 200 });
  expectError(await call('DELETE', '/v1/agents/{id}', { id, expect: 404 }), 404, 'Agent.NotFound');
});

test('the lab routes answer as the document says (sites, hosts, probes, faults)', async () => {
  const R = { RegionId: REGION };
  const err = async (p, status, code) => expectError(await p, status, code);
  const { vpcId, vswH, vswI } = await vpcInTwoZones('10.20');
  const gw = (await call('POST', '/v1/vpn-gateways', {
    body: { ...R, VpcId: vpcId, VSwitchId: vswH, DisasterRecoveryVSwitchId: vswI, Bandwidth: 10, EnableIpsec: true }, expect: 201,
  })).body.VpnGatewayId;
  await waitFor('gateway active', async () =>
    (await call('GET', '/v1/vpn-gateways/{id}', { id: gw, query: R, expect: 200 })).body.Status === 'active', 10000, 20);
  const cg = async (ip) => (await call('POST', '/v1/customer-gateways', { body: { ...R, IpAddress: ip }, expect: 201 })).body.CustomerGatewayId;
  const cg1 = await cg('203.0.113.41');
  const cg2 = await cg('203.0.113.42');
  const vco = (await call('POST', '/v1/vpn-connections', {
    body: { ...R, VpnGatewayId: gw, LocalSubnet: '10.20.0.0/16', RemoteSubnet: '192.168.40.0/24',
      TunnelOptionsSpecification: [{ CustomerGatewayId: cg1, Role: 'master' }, { CustomerGatewayId: cg2, Role: 'slave' }] },
    expect: 201,
  })).body.VpnConnectionId;
  const tunnels = (await call('GET', '/v1/vpn-connections/{id}', { id: vco, query: R, expect: 200 }))
    .body.TunnelOptionsSpecification.TunnelOptions;

  // sites
  const site = (await call('POST', '/v1/lab/sites', {
    body: { ...R, CustomerGatewayIds: [cg1, cg2], LanCidr: '192.168.40.0/24',
      Overrides: [{ VpnConnectionId: vco, TunnelId: tunnels[1].TunnelId, Psk: 'typo', IpsecPfs: 'disabled' }] },
    expect: 201,
  })).body.SiteId;
  await err(call('POST', '/v1/lab/sites', { body: { ...R, CustomerGatewayIds: [cg1], LanCidr: '192.168.41.0/24' }, expect: 400 }),
    400, 'InvalidCustomerGatewayId.InUse');
  await err(call('POST', '/v1/lab/sites', { body: { ...R, CustomerGatewayIds: ['cgw-doesnotexist0000'], LanCidr: '192.168.41.0/24' },
    expect: 404 }), 404, 'InvalidCustomerGatewayInstanceId.NotFound');
  const sites = await call('GET', '/v1/lab/sites', { query: { ...R, PageSize: '10' }, expect: 200 });
  assert.deepEqual(sites.body.Sites.map((s) => [s.SiteId, s.Devices.length, s.Overrides[0].Psk]), [[site, 2, 'typo']]);
  assert.deepEqual((await call('GET', '/v1/lab/sites', { query: {}, expect: 200 })).body.Sites.map((s) => [s.SiteId, s.RegionId]),
    [[site, REGION]]);
  await err(call('GET', '/v1/lab/sites', { query: { PageSize: '51' }, expect: 400 }), 400, 'InvalidPageSize');
  assert.equal((await call('GET', '/v1/lab/sites/{id}', { id: site, expect: 200 })).body.LanCidr, '192.168.40.0/24');
  await err(call('GET', '/v1/lab/sites/{id}', { id: 'site-doesnotexist0000', query: R, expect: 404 }), 404, 'InvalidSiteId.NotFound');

  // hosts
  const host = (await call('POST', '/v1/lab/hosts', { body: { VSwitchId: vswH }, expect: 201 })).body;
  const siteHost = (await call('POST', '/v1/lab/hosts', { body: { ...R, SiteId: site, IpAddress: '192.168.40.9' }, expect: 201 })).body;
  assert.equal(siteHost.IpAddress, '192.168.40.9');
  await err(call('POST', '/v1/lab/hosts', { body: { ...R }, expect: 400 }), 400, 'MissingVSwitchId');
  const hosts = await call('GET', '/v1/lab/hosts', { query: { ...R, SiteId: site }, expect: 200 });
  assert.deepEqual(hosts.body.Hosts.map((h) => [h.HostId, h.Gateway]), [[siteHost.HostId, '192.168.40.254']]);
  await err(call('GET', '/v1/lab/hosts', { query: { PageSize: '99', ...R }, expect: 400 }), 400, 'InvalidPageSize');
  assert.equal((await call('GET', '/v1/lab/hosts/{id}', { id: host.HostId, expect: 200 })).body.Gateway, '10.20.1.253');
  await err(call('GET', '/v1/lab/hosts/{id}', { id: 'host-doesnotexist0000', query: R, expect: 404 }), 404, 'InvalidHostId.NotFound');

  // probes: none without an agent; relayed to a stand-in agent on loopback
  const probe = { HostId: host.HostId, Target: '192.168.40.9', Count: 2, IntervalMs: 10 };
  await err(call('POST', '/v1/lab/probes', { body: probe, expect: 503 }), 503, 'Agent.Unavailable');
  await err(call('POST', '/v1/lab/probes', { body: { ...probe, Target: 'x' }, expect: 400 }), 400, 'InvalidTarget');
  const flow = { HostId: host.HostId, Target: '192.168.40.9', Streams: 2, Seconds: 1, Protocol: 'tcp' };
  await err(call('POST', '/v1/lab/flows', { body: flow, expect: 503 }), 503, 'Agent.Unavailable');
  await err(call('POST', '/v1/lab/flows', { body: { ...flow, Streams: 129 }, expect: 400 }), 400, 'InvalidStreams');
  await err(call('POST', '/v1/lab/flows', { body: { ...flow, Target: '192.168.40.99' }, expect: 400 }), 400,
    'InvalidTarget.NotLabHost');
  const stand = await standInAgent(() => srv.agentToken(), (req, body) => {
    const b = body ? JSON.parse(body) : {};
    const answers = {
      '/v1/probes': () => ({ Sent: b.Count, Received: b.Count, LossPercent: 0, RttAvgMs: 0.5, RttMaxMs: 0.75 }),
      '/v1/flows/servers': () => ({ ServerId: 1, Port: 5201 }),
      '/v1/flows': () => ({ TotalMbps: 10.5, Streams: [{ Mbps: 5 }, { Mbps: 5.5 }], Retransmits: 0, Bytes: 1312500,
        LostPercent: 0 }),
    };
    return answers[req.url] ? answers[req.url]() : { Generation: b.generation || 0 };
  });
  const reg = await (await fetch(`${srv.url}/v1/agents`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-vpnlab-agent-token': srv.agentToken() },
    body: JSON.stringify({ Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: `http://127.0.0.1:${stand.address().port}` }),
  })).json();
  const got = (await call('POST', '/v1/lab/probes', { body: probe, expect: 200 })).body;
  assert.deepEqual([got.Sent, got.Received, got.LossPercent], [2, 2, 0]);
  const ran = (await call('POST', '/v1/lab/flows', { body: flow, expect: 200 })).body;
  assert.deepEqual([ran.TotalMbps, ran.Streams.length, ran.Retransmits], [10.5, 2, 0]);
  await fetch(`${srv.url}/v1/agents/${reg.AgentId}`, { method: 'DELETE', headers: { 'x-vpnlab-agent-token': srv.agentToken() } });
  await new Promise((r) => stand.close(r));

  // faults
  const cut = (await call('POST', '/v1/lab/faults', { body: { VpnConnectionId: vco, Action: 'cut' }, expect: 200 })).body;
  assert.deepEqual([...cut.CutTunnelIds].sort(), tunnels.map((t) => t.TunnelId).sort());
  await err(call('POST', '/v1/lab/faults', { body: { VpnConnectionId: vco, Action: 'break' }, expect: 400 }), 400, 'InvalidAction');
  assert.deepEqual((await call('POST', '/v1/lab/faults', { body: { VpnConnectionId: vco, Action: 'restore' }, expect: 200 }))
    .body.CutTunnelIds, []);

  // teardown
  await call('DELETE', '/v1/lab/hosts/{id}', { id: host.HostId, expect: 200 });
  await err(call('DELETE', '/v1/lab/hosts/{id}', { id: host.HostId, query: R, expect: 404 }), 404, 'InvalidHostId.NotFound');
  await call('DELETE', '/v1/lab/sites/{id}', { id: site, expect: 200 });
  await err(call('DELETE', '/v1/lab/sites/{id}', { id: site, query: R, expect: 404 }), 404, 'InvalidSiteId.NotFound');
});

test('the VPC route table routes answer as the document says (tables, bindings, entries)', async () => {
  const vpc = (await call('POST', '/v1/vpcs', { body: { RegionId: REGION, CidrBlock: '10.7.0.0/16' }, expect: 201 })).body;
  const vsw = [];
  for (const [i, z] of ['h', 'i'].entries()) {
    vsw.push((await call('POST', '/v1/vswitches', {
      body: { RegionId: REGION, VpcId: vpc.VpcId, ZoneId: `${REGION}-${z}`, CidrBlock: `10.7.${i + 1}.0/24` }, expect: 201,
    })).body.VSwitchId);
  }
  const gw = (await call('POST', '/v1/vpn-gateways', {
    body: { RegionId: REGION, VpcId: vpc.VpcId, VSwitchId: vsw[0], DisasterRecoveryVSwitchId: vsw[1], Bandwidth: 10 }, expect: 201,
  })).body.VpnGatewayId;

  const tables = await call('GET', '/v1/route-tables', { query: { RegionId: REGION, VpcId: vpc.VpcId }, expect: 200 });
  assert.deepEqual(tables.body.RouterTableList.map((x) => [x.RouteTableId, x.RouteTableType]), [[vpc.RouteTableId, 'System']]);
  expectError(await call('GET', '/v1/route-tables', { query: { RegionId: REGION, RouteTableType: 'Other' }, expect: 400 }), 400,
    'InvalidRouteTableType');
  const made = (await call('POST', '/v1/route-tables', {
    body: { RegionId: REGION, VpcId: vpc.VpcId, RouteTableName: 'openapi' }, expect: 201,
  })).body;
  expectError(await call('POST', '/v1/route-tables', { body: { RegionId: REGION, VpcId: 'vpc-nothere' }, expect: 404 }), 404,
    'InvalidVpcId.NotFound');
  const id = made.RouteTableId;
  assert.equal((await call('GET', '/v1/route-tables/{id}', { id, query: { RegionId: REGION }, expect: 200 })).body.RouteTableName,
    'openapi');
  expectError(await call('GET', '/v1/route-tables/{id}', { id: 'vtb-nothere', query: { RegionId: REGION }, expect: 404 }), 404,
    'InvalidRouteTableId.NotFound');
  await call('PATCH', '/v1/route-tables/{id}', { id, body: { RegionId: REGION, Description: 'changed' }, expect: 200 });
  expectError(await call('PATCH', '/v1/route-tables/{id}', { id, body: { RegionId: REGION, RouteTableName: 'http://x' }, expect: 400 }),
    400, 'InvalidRouteTableName.Malformed');
  await call('POST', '/v1/route-tables/{id}/vswitches', { id, body: { RegionId: REGION, VSwitchId: vsw[1] }, expect: 200 });
  expectError(await call('POST', '/v1/route-tables/{id}/vswitches', { id, body: { RegionId: REGION, VSwitchId: vsw[1] }, expect: 400 }),
    400, 'OperationDenied.VSwitchAssociated');
  await call('POST', '/v1/route-tables/{id}/route-entries', {
    id, body: { RegionId: REGION, DestinationCidrBlock: '192.168.7.0/24', NextHopType: 'VpnGateway', NextHopId: gw }, expect: 201,
  });
  expectError(await call('POST', '/v1/route-tables/{id}/route-entries', {
    id, body: { RegionId: REGION, DestinationCidrBlock: '192.168.7.0/24', NextHopType: 'VpnGateway', NextHopId: gw }, expect: 400,
  }), 400, 'RouterEntryConflict.Duplicated');
  const page = await call('GET', '/v1/route-tables/{id}/route-entries', { id, query: { RegionId: REGION, MaxResult: '2' }, expect: 200 });
  assert.equal(page.body.TotalCount, 4);
  assert.ok(page.body.NextToken);
  const last = await call('GET', '/v1/route-tables/{id}/route-entries', {
    id, query: { RegionId: REGION, MaxResult: '2', NextToken: page.body.NextToken }, expect: 200,
  });
  assert.equal(last.body.NextToken, undefined);
  expectError(await call('GET', '/v1/route-tables/{id}/route-entries', { id: 'vtb-nothere', query: { RegionId: REGION }, expect: 404 }),
    404, 'InvalidRouteTableId.NotFound');
  const custom = last.body.RouteEntrys.RouteEntry.find((e) => e.Type === 'Custom');
  await call('PATCH', '/v1/route-tables/{id}/route-entries', {
    id, body: { RegionId: REGION, RouteEntryId: custom.RouteEntryId, RouteEntryName: 'named' }, expect: 200,
  });
  const system = page.body.RouteEntrys.RouteEntry[0];
  expectError(await call('PATCH', '/v1/route-tables/{id}/route-entries', {
    id, body: { RegionId: REGION, RouteEntryId: system.RouteEntryId, RouteEntryName: 'named' }, expect: 400,
  }), 400, 'InvalidRouteEntry.SystemRoute');
  expectError(await call('DELETE', '/v1/route-tables/{id}/route-entries', {
    id, query: { RegionId: REGION, RouteEntryId: system.RouteEntryId }, expect: 400,
  }), 400, 'InvalidRouteEntry.SystemRoute');
  await call('DELETE', '/v1/route-tables/{id}/route-entries', {
    id, query: { RegionId: REGION, DestinationCidrBlock: '192.168.7.0/24' }, expect: 200,
  });
  expectError(await call('DELETE', '/v1/route-tables/{id}', { id, query: { RegionId: REGION }, expect: 400 }), 400,
    'DependencyViolation.VSwitch');
  await call('DELETE', '/v1/route-tables/{id}/vswitches', { id, query: { RegionId: REGION, VSwitchId: vsw[1] }, expect: 200 });
  expectError(await call('DELETE', '/v1/route-tables/{id}/vswitches', { id, query: { RegionId: REGION, VSwitchId: vsw[1] }, expect: 400 }),
    400, 'OperationDenied.VSwitchNotAssociated');
  await call('DELETE', '/v1/route-tables/{id}', { id, query: { RegionId: REGION }, expect: 200 });
});

test('a wrong method on a documented path answers 405 with Allow = the documented methods', async () => {
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!p.startsWith('/v1/')) continue;
    const documented = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
    const url = p.replace('{id}', 'x-1');
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      if (documented.includes(m)) continue;
      const r = await callOutside(m, url, 'MethodNotAllowed');
      assert.equal(r.status, 405, `${m} ${url}`);
      assert.equal(r.body.Code, 'UnsupportedHTTPMethod');
      const allow = r.headers.get('allow').split(',').map((s) => s.trim()).sort();
      assert.deepEqual(allow, [...documented].sort(), `${m} ${url}: Allow header`);
    }
  }
});

test('an undocumented path answers 404 InvalidApi.NotFound', async () => {
  for (const [m, url] of [['GET', '/v1/nope'], ['GET', '/v1/vpcs/vpc-1/extra'], ['POST', '/v2/vpcs'], ['GET', '/v1']]) {
    const r = await callOutside(m, url, 'ApiNotFound');
    assert.equal(r.status, 404, `${m} ${url}`);
    assert.equal(r.body.Code, 'InvalidApi.NotFound');
    assert.equal(r.body.Message, 'Specified api is not found, please check your url and method.');
  }
});

test('every documented operation was exercised, with a success and an error status', () => {
  for (const { method, path: p, op } of documentedOperations()) {
    if (!p.startsWith('/v1/')) continue;
    const key = `${method} ${p}`;
    const seen = exercised.get(key) || new Set();
    const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
    for (const s of success) assert.ok(seen.has(Number(s)), `${key}: documented ${s} was never seen`);
    assert.ok([...seen].some((s) => s >= 400), `${key}: no error answer exercised`);
  }
});
