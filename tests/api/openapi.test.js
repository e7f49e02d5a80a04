'use strict';
// api-docs/openapi.yaml against the server: the document is valid OpenAPI, lists exactly the
// routes of the server's REST table (server/rest.c rest_routes[]), and every answer of a live
// vpnlabd (open mode, no transition delay) matches the schema the document gives for that
// route and status, key for key (the schemas forbid unknown keys).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { Validator } = require('@seriousme/openapi-schema-validator');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const { REPO, startServer, assertCleanExit } = require('./sdk-harness.js');

const DOC_FILE = path.join(REPO, 'api-docs', 'openapi.yaml');
const REST_C = path.join(REPO, 'server', 'rest.c');
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

function serverRoutes() {
  const text = fs.readFileSync(REST_C, 'utf8');
  const table = text.slice(text.indexOf('rest_routes[]'));
  const body = table.slice(0, table.indexOf('};'));
  const routes = [];
  const row = /\{\s*"([A-Z]+)"\s*,\s*"(\/v1\/[^"]*)"\s*,\s*"([A-Za-z]+)"/g;
  for (let m; (m = row.exec(body));) routes.push({ method: m[1], path: m[2], action: m[3] });
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
async function call(method, template, { id, query = {}, body, rawBody, expect } = {}) {
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

test('every route of the server table (server/rest.c rest_routes[]) is documented, and only those', () => {
  const routes = serverRoutes();
  assert.ok(routes.length >= 12, `parsed ${routes.length} routes from ${REST_C}`);
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
  expectError(await call('GET', '/v1/zones', { expect: 400 }), 400, 'MissingRegionId',
    'RegionId is mandatory for this action.');
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
  expectError(await call('GET', '/v1/vpcs', { expect: 400 }), 400, 'MissingRegionId');

  const got = await call('GET', '/v1/vpcs/{id}', { id: vpcId, query: { RegionId: REGION }, expect: 200 });
  assert.equal(got.body.VpcId, vpcId);
  assert.equal(got.body.Status, 'Available');
  assert.equal(got.body.VRouterId, created.body.VRouterId);
  assert.deepEqual(got.body.RouterTableIds.RouterTableIds, [created.body.RouteTableId]);
  expectError(await call('GET', '/v1/vpcs/{id}', { id: 'vpc-doesnotexist0000', query: { RegionId: REGION }, expect: 404 }),
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
  expectError(await call('GET', '/v1/vswitches', { expect: 400 }), 400, 'MissingRegionId');
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
