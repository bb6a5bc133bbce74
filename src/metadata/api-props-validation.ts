import { MetaflowApiOptions } from './api-options';
import type { MetaflowHttpApiOptions } from './http-api';
import { checkCidrs, restrictsCallers } from '../private/cidr';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

const STAGE_NAME = /^[A-Za-z0-9_]{1,128}$/;

/** Records every problem of the API props. */
export function validateApiOptions(props: MetaflowApiOptions, errors: PropErrors): void {
  errors.check(isIntegerInRange(props.throttlingRateLimit, 1), 'throttlingRateLimit', `must be a whole number >= 1, got ${shown(props.throttlingRateLimit)}`,
    'use 10000, API Gateway\'s default (the Metaflow client fails at once on HTTP 429)');
  errors.check(isIntegerInRange(props.throttlingBurstLimit, 1), 'throttlingBurstLimit', `must be a whole number >= 1, got ${shown(props.throttlingBurstLimit)}`,
    'use 5000, API Gateway\'s default');
  errors.check(props.stageName === undefined || STAGE_NAME.test(props.stageName), 'stageName', `'${props.stageName}' is not a valid stage name`,
    'use letters, digits and underscores');
  checkCidrs(props.allowedCidrs, 'allowedCidrs', errors);
  const keyless = props.apiKeyRequired === false;
  errors.check(!keyless || restrictsCallers(props.allowedCidrs) || props.allowUnauthenticatedAccess === true, 'apiKeyRequired',
    `is false and ${props.allowedCidrs ? 'allowedCidrs holds a range wider than /8' : 'no allowedCidrs are set'}, so anyone on the internet could read and write the metadata database`,
    'keep the API key, or set allowedCidrs to your networks (or, for a short-lived test only, allowUnauthenticatedAccess: true)');
  errors.check(!props.allowUnauthenticatedAccess || keyless, 'allowUnauthenticatedAccess', 'is set but the API still requires a key',
    'remove allowUnauthenticatedAccess, or set apiKeyRequired: false as well');
  errors.check(isIntegerInRange(props.apiKeyGeneration, 1), 'apiKeyGeneration', `must be a whole number >= 1, got ${shown(props.apiKeyGeneration)}`,
    'start at 1 and raise it by one for each rotation');
  errors.check(!keyless || props.apiKeyGeneration === undefined, 'apiKeyGeneration', 'is set but apiKeyRequired is false, so there is no key to rotate',
    'remove apiKeyGeneration or turn the API key on');
}

/** Records every problem of the HTTP API props. */
export function validateHttpApiOptions(props: MetaflowHttpApiOptions, errors: PropErrors): void {
  validateApiOptions(props, errors);
  const ttl = props.authorizerCacheTtl;
  errors.check(ttl === undefined || ttl.isUnresolved() || (ttl.toMilliseconds() % 1000 === 0 && ttl.toMilliseconds() <= 3_600_000), 'authorizerCacheTtl',
    `must be whole seconds from 0 to 1 hour, got ${ttl?.toHumanString()}`, 'use Duration.minutes(5), or Duration.seconds(0) to ask the authorizer on every request');
}
