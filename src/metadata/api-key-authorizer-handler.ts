/**
 * Source of the HTTP API's Lambda authorizer (simple responses, payload 2.0). HTTP APIs have no API keys, so
 * this checks the `x-api-key` header the Metaflow client sends (`METAFLOW_SERVICE_AUTH_KEY`) against the key
 * secret, comparing SHA-256 digests in constant time, and the caller's address (`requestContext.http.sourceIp`)
 * against `ALLOWED_CIDRS` with Node's `net.BlockList`. The secret is read once per execution environment: a
 * rotation (`apiKeyGeneration`) names a new secret in the environment, which starts new environments. Kept
 * inline (under 4 KiB) so the library ships no asset; the unit tests load and run this text.
 *
 * @internal
 */
export const API_KEY_AUTHORIZER_HANDLER = `
const crypto = require('node:crypto');
const net = require('node:net');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const secrets = new SecretsManagerClient({});
const familyOf = (address) => (net.isIPv6(address) ? 'ipv6' : 'ipv4');
const cidrs = (process.env.ALLOWED_CIDRS || '').split(',').filter(Boolean);
const allowed = new net.BlockList();
for (const cidr of cidrs) {
  const [address, prefix] = cidr.split('/');
  allowed.addSubnet(address, Number(prefix), familyOf(address));
}
const digest = (text) => crypto.createHash('sha256').update(String(text)).digest();
let expectedKey;
const expectedDigest = async () => {
  if (!expectedKey) {
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.API_KEY_SECRET_ARN }));
    expectedKey = digest(secret.SecretString);
  }
  return expectedKey;
};
const callerAllowed = (event) => {
  if (cidrs.length === 0) return true;
  const source = event.requestContext && event.requestContext.http && event.requestContext.http.sourceIp;
  return net.isIP(String(source)) !== 0 && allowed.check(source, familyOf(source));
};
const keyMatches = async (event) => {
  if (!process.env.API_KEY_SECRET_ARN) return true;
  const given = (event.headers || {})['x-api-key'];
  if (!given) return false;
  return crypto.timingSafeEqual(digest(given), await expectedDigest());
};
exports.handler = async (event) => ({ isAuthorized: callerAllowed(event) && await keyMatches(event) });
`;
