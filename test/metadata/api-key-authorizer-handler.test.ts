import * as crypto from 'node:crypto';
import * as net from 'node:net';
import { API_KEY_AUTHORIZER_HANDLER } from '../../src/metadata/api-key-authorizer-handler';

const KEY = 'k3yV4lue0123456789abcdefghijklmnopqrstuv';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:MetaflowApiKey-AbCdEf';

/** Loads the handler text as Lambda would, with the given environment and a stubbed Secrets Manager that answers `KEY`. */
function loadAuthorizer(environment: { API_KEY_SECRET_ARN?: string; ALLOWED_CIDRS?: string }) {
  const reads: string[] = [];
  class GetSecretValueCommand {
    constructor(public readonly input: { SecretId: string }) {}
  }
  class SecretsManagerClient {
    async send(command: GetSecretValueCommand) {
      reads.push(command.input.SecretId);
      return { SecretString: KEY };
    }
  }
  const fakeRequire = (name: string) => {
    if (name === '@aws-sdk/client-secrets-manager') {
      return { SecretsManagerClient, GetSecretValueCommand };
    }
    const builtIns: { [name: string]: unknown } = { 'node:crypto': crypto, 'node:net': net };
    expect(Object.keys(builtIns)).toContain(name);
    return builtIns[name];
  };
  const saved = { ...process.env };
  delete process.env.API_KEY_SECRET_ARN;
  delete process.env.ALLOWED_CIDRS;
  Object.assign(process.env, environment);
  const module = { exports: {} as any };
  try {
    new Function('require', 'exports', 'module', API_KEY_AUTHORIZER_HANDLER)(fakeRequire, module.exports, module);
  } finally {
    process.env = saved;
  }
  // The environment is read when the handler runs too: keep it for the calls.
  const handler = async (event: any) => {
    const before = { ...process.env };
    Object.assign(process.env, environment);
    try {
      return await module.exports.handler(event);
    } finally {
      process.env = before;
    }
  };
  return { handler, reads };
}

function request(headers: { [name: string]: string }, sourceIp = '203.0.113.7') {
  return { version: '2.0', type: 'REQUEST', headers, requestContext: { http: { sourceIp, method: 'GET', path: '/api/flows' } } };
}

describe('API key authorizer', () => {
  test('the right key is authorized, and the secret is read once for many requests', async () => {
    const { handler, reads } = loadAuthorizer({ API_KEY_SECRET_ARN: SECRET_ARN });
    expect(await handler(request({ 'x-api-key': KEY }))).toEqual({ isAuthorized: true });
    expect(await handler(request({ 'x-api-key': KEY }, '198.51.100.1'))).toEqual({ isAuthorized: true });
    expect(reads).toEqual([SECRET_ARN]);
  });

  test('a wrong key, a key differing in one character, and a prefix of the key are refused', async () => {
    const { handler } = loadAuthorizer({ API_KEY_SECRET_ARN: SECRET_ARN });
    for (const key of ['wrong', `${KEY.slice(0, -1)}w`, KEY.slice(0, 20), `${KEY} `]) {
      expect(await handler(request({ 'x-api-key': key }))).toEqual({ isAuthorized: false });
    }
  });

  test('a request without the header is refused (reachable when the cache is off)', async () => {
    const { handler, reads } = loadAuthorizer({ API_KEY_SECRET_ARN: SECRET_ARN });
    expect(await handler(request({}))).toEqual({ isAuthorized: false });
    expect(await handler({ requestContext: { http: { sourceIp: '203.0.113.7' } } })).toEqual({ isAuthorized: false });
    expect(reads).toEqual([]);
  });

  test('with an allow-list, the right key from outside the ranges is refused, from inside accepted (IPv4 and IPv6)', async () => {
    const { handler } = loadAuthorizer({ API_KEY_SECRET_ARN: SECRET_ARN, ALLOWED_CIDRS: '203.0.113.0/24,2001:db8::/32' });
    expect(await handler(request({ 'x-api-key': KEY }, '203.0.113.200'))).toEqual({ isAuthorized: true });
    expect(await handler(request({ 'x-api-key': KEY }, '2001:db8:1::5'))).toEqual({ isAuthorized: true });
    expect(await handler(request({ 'x-api-key': KEY }, '203.0.114.1'))).toEqual({ isAuthorized: false });
    expect(await handler(request({ 'x-api-key': KEY }, '2001:db9::1'))).toEqual({ isAuthorized: false });
    expect(await handler(request({ 'x-api-key': 'wrong' }, '203.0.113.200'))).toEqual({ isAuthorized: false });
  });

  test('an allow-list without a key admits callers by address alone, and a missing or malformed address is refused', async () => {
    const { handler, reads } = loadAuthorizer({ ALLOWED_CIDRS: '10.0.0.0/8' });
    expect(await handler(request({}, '10.1.2.3'))).toEqual({ isAuthorized: true });
    expect(await handler(request({}, '11.1.2.3'))).toEqual({ isAuthorized: false });
    expect(await handler(request({}, 'not-an-address'))).toEqual({ isAuthorized: false });
    expect(await handler({ headers: {} })).toEqual({ isAuthorized: false });
    expect(reads).toEqual([]);
  });

  test('compares digests in constant time and fits CloudFormation\'s inline code limit', () => {
    expect(API_KEY_AUTHORIZER_HANDLER).toContain('crypto.timingSafeEqual(digest(given)');
    expect(API_KEY_AUTHORIZER_HANDLER).not.toMatch(/given\s*===|===\s*given/);
    expect(API_KEY_AUTHORIZER_HANDLER.length).toBeLessThan(4096);
  });
});
