/**
 * Source of the keep-alive function: a GET of the HTTP API's keep-alive route, which API Gateway sends over
 * the VPC link to the service's `/ping`. The route takes IAM authorization, so the request is signed with
 * Signature Version 4 (service `execute-api`) from the function's own credentials; it then passes whatever
 * `allowedCidrs` say, and carries no API key. A response other than 2xx fails the invocation (an error in the
 * function's metrics and logs). Kept inline (under 4 KiB); the unit tests check `sign` against the AWS
 * Signature Version 4 test suite's get-vanilla case.
 *
 * @internal
 */
export const KEEP_ALIVE_HANDLER = `
const crypto = require('node:crypto');
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text).digest();
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');
exports.sign = (url, region, service, credentials, now) => {
  const { host, pathname } = new URL(url);
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\\.\\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers = { host, 'x-amz-date': amzDate };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  // The path holds only letters, digits, '-', '_' and '/': its canonical form is itself.
  const canonical = ['GET', pathname, '', names.map((name) => name + ':' + headers[name] + '\\n').join(''), names.join(';'), sha256('')].join('\\n');
  const scope = [day, region, service, 'aws4_request'].join('/');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\\n');
  const key = [day, region, service, 'aws4_request'].reduce(hmac, 'AWS4' + credentials.secretAccessKey);
  const signature = hmac(key, stringToSign).toString('hex');
  const authorization = 'AWS4-HMAC-SHA256 Credential=' + credentials.accessKeyId + '/' + scope + ', SignedHeaders=' + names.join(';') + ', Signature=' + signature;
  return { ...headers, authorization };
};
exports.handler = async () => {
  const url = process.env.KEEP_ALIVE_URL;
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY, sessionToken: process.env.AWS_SESSION_TOKEN };
  const { host, ...headers } = exports.sign(url, process.env.AWS_REGION, 'execute-api', credentials, new Date());
  const response = await fetch(url, { headers });
  if (!response.ok) {
    throw new Error('The keep-alive request to ' + url + ' got HTTP ' + response.status + ': ' + (await response.text()).slice(0, 200));
  }
  return { status: response.status };
};
`;
