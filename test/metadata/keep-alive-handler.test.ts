import * as crypto from 'node:crypto';
import { KEEP_ALIVE_HANDLER } from '../../src/metadata/keep-alive-handler';

/** Loads the handler text as Lambda would, with `fetch` replaced by `fakeFetch`. */
function loadKeepAlive(fakeFetch?: (url: string, init: any) => Promise<any>) {
  const module = { exports: {} as any };
  const fakeRequire = (name: string) => {
    expect(name).toBe('node:crypto');
    return crypto;
  };
  new Function('require', 'exports', 'module', 'fetch', KEEP_ALIVE_HANDLER)(fakeRequire, module.exports, module, fakeFetch);
  return module.exports as { sign: (...args: any[]) => Record<string, string>; handler: () => Promise<any> };
}

const EXAMPLE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('keep-alive function', () => {
  test('signs as the AWS Signature Version 4 test suite\'s get-vanilla case', () => {
    const headers = loadKeepAlive().sign('https://example.amazonaws.com/', 'us-east-1', 'service', EXAMPLE_CREDENTIALS, new Date('2015-08-30T12:36:00Z'));
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, '
      + 'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  test('signs an execute-api GET with a session token as botocore does', () => {
    // Expected value from botocore 1.43.11: SigV4Auth(Credentials(..., 'TOKEN123'), 'execute-api', 'us-east-1') at 2026-12-06T08:00:00Z.
    const headers = loadKeepAlive().sign('https://abc123.execute-api.us-east-1.amazonaws.com/api/keep-alive', 'us-east-1', 'execute-api',
      { ...EXAMPLE_CREDENTIALS, sessionToken: 'TOKEN123' }, new Date('2026-12-06T08:00:00Z'));
    expect(headers['x-amz-security-token']).toBe('TOKEN123');
    expect(headers.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/execute-api/aws4_request, '
      + 'SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=de9c379c2930c9bb98d341d4bbb4ba7a8b8b8e63db2ce3175ec420ed8ef02b25');
  });

  describe('handler', () => {
    const saved = { ...process.env };
    beforeEach(() => Object.assign(process.env, {
      KEEP_ALIVE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/api/keep-alive',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    }));
    afterEach(() => {
      process.env = { ...saved };
    });

    test('GETs the keep-alive URL with a signature and no host header (fetch sets it)', async () => {
      const calls: Array<{ url: string; init: any }> = [];
      const { handler } = loadKeepAlive(async (url, init) => {
        calls.push({ url, init });
        return { ok: true, status: 200, text: async () => '"pong"' };
      });
      expect(await handler()).toEqual({ status: 200 });
      expect(calls).toHaveLength(1);
      expect(calls[0].url).toBe(process.env.KEEP_ALIVE_URL);
      expect(calls[0].init.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/execute-api\/aws4_request, /);
      expect(calls[0].init.headers['x-amz-security-token']).toBe('token');
      expect(calls[0].init.headers.host).toBeUndefined();
    });

    test('fails the invocation when the service does not answer 2xx', async () => {
      const { handler } = loadKeepAlive(async () => ({ ok: false, status: 503, text: async () => 'Service Unavailable' }));
      await expect(handler()).rejects.toThrow(/got HTTP 503: Service Unavailable/);
    });
  });

  test('fits CloudFormation\'s inline code limit', () => {
    expect(KEEP_ALIVE_HANDLER.length).toBeLessThan(4096);
  });
});
