import { aws_ec2 as ec2, Token } from 'aws-cdk-lib';
import { UiLoginKind } from './ui-login-kind';
import { MetaflowUiOptions } from './ui-options';
import { selectsOnly } from '../network/subnet-placement';
import { checkCidrs, restrictsCallers } from '../private/cidr';
import { checkFargateSize, FargateSize, resolveFargateSize } from '../private/fargate-size';
import { isLiteralSecret } from '../private/literal-secret';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

/** Settings the construct owns; `environment` may not override them. */
export const UI_MANAGED_VARIABLES = [
  'MF_METADATA_DB_HOST', 'MF_METADATA_DB_PORT', 'MF_METADATA_DB_USER', 'MF_METADATA_DB_PSWD', 'MF_METADATA_DB_NAME', 'MF_METADATA_DB_SSL_MODE',
  'MF_METADATA_DB_SSL_ROOT_CERT_PATH', 'MF_METADATA_DB_SSL_ROOT_CERT', 'MF_UI_METADATA_PORT', 'UI_ENABLED', 'PATH_PREFIX',
  'METAFLOW_DATASTORE_SYSROOT_S3', 'METAFLOW_DEFAULT_DATASTORE',
];
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Measured peak of the UI backend's process tree while task pages load cards (2,255 MiB PSS), with room above it. */
export const UI_DEFAULT_SIZE: FargateSize = { cpu: 512, memoryLimitMiB: 3072 };

/** The UI task's size: the defaults, or a fitting memory for a given `cpu`. */
export function uiTaskSize(props: MetaflowUiOptions): FargateSize {
  return resolveFargateSize(props.cpu, props.memoryLimitMiB, UI_DEFAULT_SIZE);
}
/** What an ALB allows for its idle timeout, in seconds. */
const ALB_IDLE_TIMEOUT_MAX_SECONDS = 4000;
/** The task's ephemeral storage (Fargate's default), which the disk caches must fit in. */
export const UI_EPHEMERAL_STORAGE_GIB = 20;

/** Records every problem of the UI props. */
export function validateUiOptions(props: MetaflowUiOptions, errors: PropErrors): void {
  const internetFacing = props.internetFacing ?? true;
  const https = props.tls?.isHttps ?? false;
  const login = props.login?._kind ?? (internetFacing ? UiLoginKind.COGNITO : UiLoginKind.NONE);

  errors.check(!internetFacing || https, 'tls', props.tls ? 'is plain HTTP on an internet-facing load balancer' : 'is missing for an internet-facing UI',
    'use UiTls.fromHostedZone({ hostedZone, domainName }) or UiTls.fromCertificate(certificate, domainName), or set internetFacing: false');
  errors.check(login === UiLoginKind.NONE || https, 'login', 'needs HTTPS: the load balancer authenticates only on HTTPS listeners',
    'give tls a certificate, or use UiLogin.none() on an internal load balancer');
  errors.check(!(internetFacing && login === UiLoginKind.NONE && !restrictsCallers(props.allowedCidrs)), 'login',
    `is none on an internet-facing UI ${props.allowedCidrs ? 'whose allowedCidrs hold a range wider than /8' : 'without allowedCidrs'}, so anyone on the internet could read your runs and artifacts`,
    'keep a login (UiLogin.cognito() or UiLogin.oidc(...)), or set allowedCidrs to your networks, or set internetFacing: false');
  checkCidrs(props.allowedCidrs, 'allowedCidrs', errors);
  validateTls(props, errors.at('tls'));
  validateLogin(props, errors.at('login'));

  checkFargateSize(uiTaskSize(props), errors);
  const idleSeconds = props.idleTimeout?.toSeconds();
  errors.check(isIntegerInRange(idleSeconds, 1, ALB_IDLE_TIMEOUT_MAX_SECONDS), 'idleTimeout', `must be 1 to ${ALB_IDLE_TIMEOUT_MAX_SECONDS} whole seconds, got ${shown(idleSeconds)}`,
    'use Duration.hours(1)');
  errors.check(isIntegerInRange(props.desiredCount, 1), 'desiredCount', `must be a whole number >= 1, got ${shown(props.desiredCount)}`, 'run at least one task');
  errors.check(isIntegerInRange(props.databasePoolMax, 1, 50), 'databasePoolMax', `must be a whole number from 1 to 50, got ${shown(props.databasePoolMax)}`,
    'use 4: the backend opens six pools of this size');
  validateCache(props, errors.at('cache'));
  const reserved = Object.keys(props.environment ?? {}).filter((key) => UI_MANAGED_VARIABLES.includes(key));
  errors.check(reserved.length === 0, 'environment', `sets ${reserved.join(', ')}, which the UI construct manages`,
    'use the UI, database and datastore options instead');
}

function validateTls(props: MetaflowUiOptions, errors: PropErrors): void {
  const tls = props.tls;
  if (!tls?.isHttps) {
    return;
  }
  const domainName = tls.domainName!;
  errors.check(tls.certificate !== undefined || tls.hostedZone !== undefined, 'hostedZone',
    'is missing, so the certificate could not be validated and the deployment would wait for it', 'give UiTls.fromHostedZone a hostedZone, or use UiTls.fromCertificate');
  errors.check(Token.isUnresolved(domainName) || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(domainName), 'domainName',
    `'${domainName}' is not a domain name`, 'give the full name users open, e.g. metaflow.example.com');
  const zoneName = tls.hostedZone?.zoneName;
  if (zoneName !== undefined && !Token.isUnresolved(zoneName) && !Token.isUnresolved(domainName)) {
    const zone = zoneName.replace(/\.$/, '').toLowerCase();
    const name = domainName.toLowerCase();
    errors.check(name === zone || name.endsWith(`.${zone}`), 'domainName', `'${domainName}' is not in the hosted zone '${zone}'`,
      `use ${zone} or a name below it`);
  }
}

function validateLogin(props: MetaflowUiOptions, errors: PropErrors): void {
  const oidc = props.login?._oidcOptions;
  if (oidc) {
    for (const [field, value] of [['issuer', oidc.issuer], ['authorizationEndpoint', oidc.authorizationEndpoint],
      ['tokenEndpoint', oidc.tokenEndpoint], ['userInfoEndpoint', oidc.userInfoEndpoint]] as const) {
      errors.check(Token.isUnresolved(value) || /^https:\/\/\S+$/.test(value ?? ''), field, `'${value ?? ''}' is not an https URL`,
        `give the provider's ${field} from its /.well-known/openid-configuration`);
    }
    errors.check(Token.isUnresolved(oidc.clientId) || (oidc.clientId ?? '').length > 0, 'clientId', 'is empty', 'give the client id the provider issued');
    errors.check(oidc.clientSecret === undefined || !isLiteralSecret(oidc.clientSecret), 'clientSecret',
      'is a plain text value, which would be written into the CloudFormation template', 'store it in Secrets Manager and pass SecretValue.secretsManager(\'<secret name>\')');
  }
  const prefix = props.login?._cognitoOptions?.domainPrefix;
  errors.check(prefix === undefined || (DOMAIN_PREFIX.test(prefix) && !/aws|amazon|cognito/.test(prefix)), 'domainPrefix',
    `'${prefix}' is not a valid Cognito domain prefix`, 'use lower-case letters, digits and hyphens, without aws, amazon or cognito');
}

function validateCache(props: MetaflowUiOptions, errors: PropErrors): void {
  const cache = props.cache ?? {};
  for (const [field, value] of [['artifactWorkers', cache.artifactWorkers], ['dagWorkers', cache.dagWorkers], ['logWorkers', cache.logWorkers]] as const) {
    errors.check(isIntegerInRange(value, 1, 64), field, `must be a whole number from 1 to 64, got ${shown(value)}`, 'use 2 to 4 for a small team, more with more memory');
  }
  const storage = [cache.artifactStorage, cache.dagStorage, cache.logStorage].map((size, index) => size?.toMebibytes() ?? [4096, 1024, 2048][index]);
  const totalGiB = storage.reduce((sum, mebibytes) => sum + mebibytes, 0) / 1024;
  errors.check(totalGiB < UI_EPHEMERAL_STORAGE_GIB - 2, 'artifactStorage',
    `with dagStorage and logStorage adds up to ${totalGiB} GiB, more than fits the task's ${UI_EPHEMERAL_STORAGE_GIB} GiB of ephemeral storage`,
    `keep the three under ${UI_EPHEMERAL_STORAGE_GIB - 2} GiB together`);
}

/** Where the UI's load balancer goes, for the login check. */
export interface UiPlacement extends MetaflowUiOptions {
  readonly serviceSubnets: ec2.SubnetSelection;
  readonly loadBalancerSubnets?: ec2.SubnetSelection;
}

/**
 * An internal load balancer that authenticates calls the identity provider's token endpoint from its own nodes, which
 * have private addresses only: without a NAT gateway in their subnets the call fails and every login ends in HTTP 500.
 */
export function checkLoginEgress(vpc: ec2.IVpc, props: UiPlacement, errors: PropErrors): void {
  const internetFacing = props.internetFacing ?? true;
  const login = props.login?._kind ?? (internetFacing ? UiLoginKind.COGNITO : UiLoginKind.NONE);
  if (internetFacing || login === UiLoginKind.NONE) {
    return;
  }
  const subnets = props.loadBalancerSubnets ?? props.serviceSubnets;
  errors.check(subnets.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS || selectsOnly(vpc, subnets, vpc.privateSubnets), 'login',
    'needs the internal load balancer to reach the identity provider\'s token endpoint, but its subnets have no NAT gateway, so every login would fail with HTTP 500',
    'place it in private subnets with a NAT gateway (network.natGateways: 1, or loadBalancerSubnets), or use UiLogin.none() with allowedCidrs on the internal load balancer');
}
