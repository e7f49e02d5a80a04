#!/usr/bin/env python3
"""Signs and sends Alibaba Cloud requests the way the SDKs do, for the security suites.

  acs.py v2 --secret S --method M [--url URL --path P] PARAMS...
      V2 (HMAC-SHA1): adds SignatureMethod, SignatureVersion, Timestamp (now, or
      --ts-offset seconds from now) and SignatureNonce (random) unless given, signs
      for method M and prints the signed query string.  With --url, also sends it as
      M URL+P?query and prints the answer instead (see below).
  acs.py v3 --akid A --secret S --method M --path P [--query Q] [--body B]
            [--header k:v]... [--no-action] [--save FILE] --url URL
      V3 (ACS3-HMAC-SHA256) with x-acs-action/x-acs-version from --action/--version,
      signs every x-acs-* header, host and content-type, sends it and prints the answer.
  acs.py replay FILE --url URL [--method M] [--path P]
      Sends a request saved with --save again, byte for byte except what is overridden.

An answer is printed as the body, a newline and the HTTP status (tests/lib.sh's t_req).
PARAMS are name=value words, decoded (no percent-encoding needed).
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


def enc(s):
    return urllib.parse.quote(s, safe='-_.~')


def canonical_query(pairs):
    return '&'.join(f'{enc(k)}={enc(v)}' for k, v in sorted(pairs, key=lambda kv: enc(kv[0])))


def stamp(offset):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return t.strftime('%Y-%m-%dT%H:%M:%SZ')


def send(method, url, headers, body):
    data = body.encode() if body else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    print(text)
    print(status)


def v2(args):
    params = dict(p.split('=', 1) for p in args.params)
    params.setdefault('SignatureMethod', 'HMAC-SHA1')
    params.setdefault('SignatureVersion', '1.0')
    params.setdefault('Timestamp', stamp(args.ts_offset))
    params.setdefault('SignatureNonce', uuid.uuid4().hex)
    pairs = list(params.items())
    sts = f'{args.method}&%2F&' + enc(canonical_query(pairs))
    sig = base64.b64encode(hmac.new((args.secret + '&').encode(), sts.encode(), hashlib.sha1).digest()).decode()
    query = canonical_query(pairs + [('Signature', sig)])
    if args.url:
        send(args.method, f'{args.url}{args.path}?{query}', {}, '')
    else:
        print(query)


def v3(args):
    query = args.query or ''
    body = args.body or ''
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    host = urllib.parse.urlsplit(args.url).netloc
    headers = {
        'host': host,
        'x-acs-version': args.version,
        'x-acs-date': stamp(0),
        'x-acs-signature-nonce': uuid.uuid4().hex,
        'x-acs-content-sha256': hashlib.sha256(body.encode()).hexdigest(),
    }
    if not args.no_action:
        headers['x-acs-action'] = args.action
    for h in args.header or []:
        k, v = h.split(':', 1)
        headers[k.strip().lower()] = v.strip()
    signed = sorted(k for k in headers if k in ('host', 'content-type') or k.startswith('x-acs-'))
    canonical = '\n'.join([
        args.method,
        '/'.join(enc(seg) for seg in args.path.split('/')),
        canonical_query(pairs),
        ''.join(f'{k}:{headers[k]}\n' for k in signed),
        ';'.join(signed),
        headers['x-acs-content-sha256'],
    ])
    sts = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical.encode()).hexdigest()
    sig = hmac.new(args.secret.encode(), sts.encode(), hashlib.sha256).hexdigest()
    headers['authorization'] = f'ACS3-HMAC-SHA256 Credential={args.akid},SignedHeaders={";".join(signed)},Signature={sig}'
    url_query = canonical_query(pairs)
    if args.save:
        with open(args.save, 'w') as f:
            json.dump({'method': args.method, 'path': args.path, 'query': url_query,
                       'headers': headers, 'body': body}, f)
    send(args.method, f'{args.url}{args.path}' + (f'?{url_query}' if url_query else ''), headers, body)


def replay(args):
    with open(args.file) as f:
        r = json.load(f)
    path = args.path or r['path']
    send(args.method or r['method'], f'{args.url}{path}' + (f'?{r["query"]}' if r['query'] else ''),
         r['headers'], r['body'])


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('v2')
    a.add_argument('--secret', required=True)
    a.add_argument('--method', default='GET')
    a.add_argument('--url')
    a.add_argument('--path', default='/')
    a.add_argument('--ts-offset', type=int, default=0)
    a.add_argument('params', nargs='*')
    a = sub.add_parser('v3')
    for name in ('--akid', '--secret', '--method', '--path', '--url'):
        a.add_argument(name, required=True)
    a.add_argument('--action', default='')
    a.add_argument('--version', default='2016-04-28')
    a.add_argument('--query')
    a.add_argument('--body')
    a.add_argument('--header', action='append')
    a.add_argument('--no-action', action='store_true')
    a.add_argument('--save')
    a = sub.add_parser('replay')
    a.add_argument('file')
    a.add_argument('--url', required=True)
    a.add_argument('--method')
    a.add_argument('--path')
    args = ap.parse_args()
    {'v2': v2, 'v3': v3, 'replay': replay}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
