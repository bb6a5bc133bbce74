import { aws_ec2 as ec2, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validateRoleOptions } from './access/role-guardrails';
import { validateUserAccessOptions } from './access/user-access-props-validation';
import { validateBatchOptions } from './compute/batch-props-validation';
import { MetaflowDatastoreOptions } from './datastore/datastore';
import { validateDatastoreOptions } from './datastore/datastore-props-validation';
import { validateMetadataServiceOptions } from './metadata/metadata-service-props-validation';
import { OwnMetadataService } from './metadata/own-metadata-service';
import { PublicApi } from './metadata/public-api';
import { validateMonitoringOptions } from './monitoring/monitoring-props-validation';
import { validateNetworkOptions } from './network/network-props-validation';
import { networkPlacementOf } from './network/subnet-placement';
import { validateNotebookOptions } from './notebook/notebook-props-validation';
import { validateStepFunctionsOptions } from './orchestration/step-functions-props-validation';
import { MetaflowPlatformProps } from './platform-props';
import { PropErrors } from './private/prop-errors';
import { validateResourceTags } from './private/resource-tags';
import { checkRetentionDays } from './private/retention-days';
import { validateStepSecretsOptions } from './secrets/step-secrets-validation';
import { validateUiOptions } from './ui/ui-props-validation';

/** Checks the props of every part at once, so that one error names every problem with its full prop path. */
export function validatePlatformProps(scope: IConstruct, props: MetaflowPlatformProps): void {
  const errors = PropErrors.for('MetaflowPlatform');
  for (const [prop, value] of [['metadata', props.metadata], ['api', props.api], ['ui', props.ui]] as const) {
    errors.check(!props.metadataService || value === undefined, prop, 'is set but metadataService is given, so the platform runs no metadata service of its own',
      `remove \`${prop}\` (set it on the platform that owns the service), or remove metadataService`);
  }
  checkSharedServiceReach(scope, props, errors);
  checkRetentionDays(props.logRetention, 'logRetention', errors);
  checkHighAvailability(props, errors);
  const network = errors.at('network');
  validateNetworkOptions(props.network ?? {}, network);
  // An adopted VPC can be checked now, so its placement problems join the others.
  const adoptedPlacement = props.network?.vpc ? networkPlacementOf(props.network.vpc, props.network, true, network) : undefined;
  validateDatastoreOptions(datastoreOptionsOf(props), errors.at('datastore'));
  validateBatchOptions({
    computeEnvironments: props.batch?.computeEnvironments ?? [{ name: 'cpu' }],
    jobQueues: props.batch?.jobQueues ?? [],
    defaultJobQueue: props.batch?.defaultJobQueue,
    imageRepository: props.batch?.imageRepository,
    jobLogRetention: props.batch?.jobLogRetention,
    computeSubnetsArePublic: adoptedPlacement?.compute.isPublic ?? newVpcComputeIsPublic(props),
  }, errors.at('batch'));
  validateMetadataServiceOptions(props.metadata ?? {}, errors.at('metadata'));
  const api = publicApiOf(props);
  api._validate(errors.at('api'));
  checkCloudMapResolves(props, errors);
  errors.check(api._kind !== 'rest' || props.metadata?.internalLoadBalancer !== false, 'metadata.internalLoadBalancer',
    'is false but api is PublicApi.restApi(), whose VPC link needs the internal load balancer',
    'remove internalLoadBalancer, or use PublicApi.httpApi(), which needs no load balancer');
  validateStepFunctionsOptions(props.stepFunctions?._options ?? {}, errors.at('stepFunctions'));
  if (props.ui) {
    validateUiOptions(props.ui, errors.at('ui'));
  }
  validateUserAccessOptions(props.users ?? {}, errors.at('users'));
  if (props.notebook) {
    validateNotebookOptions(props.notebook, errors.at('notebook'));
  }
  validateResourceTags(props.tags, errors.at('tags'));
  validateStepSecretsOptions(props.secrets?._options ?? {}, errors.at('secrets'));
  if (props.monitoring) {
    validateMonitoringOptions(props.monitoring, errors.at('monitoring'));
  }
  validateRoleOptions(props.roles ?? {}, errors.at('roles'));
  errors.throwIfAny();
}

/** Whether jobs run in public subnets of the VPC the platform creates: unless a NAT gateway gives it private compute subnets. */
function newVpcComputeIsPublic(props: MetaflowPlatformProps): boolean | undefined {
  const selection = props.network?.computeSubnets;
  return selection ? (selection.subnetType === undefined ? undefined : selection.subnetType === ec2.SubnetType.PUBLIC)
    : (props.network?.natGateways ?? 0) === 0;
}

/** The datastore's options as the platform passes them: a bucket it creates inherits the platform's removal policy. */
export function datastoreOptionsOf(props: MetaflowPlatformProps): MetaflowDatastoreOptions {
  return { removalPolicy: props.datastore?.bucket ? undefined : props.removalPolicy, ...props.datastore };
}

/** The public API the platform builds: the HTTP API unless `api` says otherwise. */
export function publicApiOf(props: MetaflowPlatformProps): PublicApi {
  return props.api ?? PublicApi.httpApi();
}

/** Whether the platform's metadata service sits behind an internal load balancer: as `metadata` says, else as its API needs. */
export function metadataHasLoadBalancer(props: MetaflowPlatformProps): boolean {
  return props.metadata?.internalLoadBalancer ?? publicApiOf(props)._needsLoadBalancer;
}

/** `highAvailability` runs two tasks of each service and a Multi-AZ database; a part's own option may not undo that. */
function checkHighAvailability(props: MetaflowPlatformProps, errors: PropErrors): void {
  if (!props.highAvailability) {
    return;
  }
  const fix = 'remove it (highAvailability runs two tasks and a Multi-AZ database), or turn highAvailability off';
  errors.check(props.metadata?.desiredCount === undefined || props.metadata.desiredCount >= 2, 'metadata.desiredCount',
    `is ${props.metadata?.desiredCount}, but highAvailability needs two tasks or more`, fix);
  errors.check(props.ui?.desiredCount === undefined || props.ui.desiredCount >= 2, 'ui.desiredCount',
    `is ${props.ui?.desiredCount}, but highAvailability needs two tasks or more`, fix);
  errors.check(!props.metadata?.database?._refusesHighAvailability(), 'metadata.database',
    'turns off the standby (multiAz false) or the readers (readers empty), but highAvailability needs a database that fails over', fix);
  errors.check(!props.metadataService, 'highAvailability', 'is set but metadataService is given, so the platform runs no service of its own',
    'set highAvailability on the platform that owns the shared service');
}

/**
 * A platform recording into another platform's service must run in that service's VPC: its jobs reach the internal URL
 * through the service's security group, and that region's endpoints.
 */
function checkSharedServiceReach(scope: IConstruct, props: MetaflowPlatformProps, errors: PropErrors): void {
  const shared = props.metadataService;
  if (!(shared instanceof OwnMetadataService)) {
    return;
  }
  const vpc = props.network?.vpc;
  const sameVpc = vpc !== undefined && (vpc === shared.vpc || (!Token.isUnresolved(vpc.vpcId) && vpc.vpcId === shared.vpc.vpcId));
  errors.check(sameVpc, 'network.vpc', vpc ? 'is not the VPC of the shared metadata service, so Batch jobs could not reach its internal URL'
    : 'is unset, so the platform would create a VPC of its own, from which Batch jobs could not reach the shared metadata service\'s internal URL',
  'pass the shared platform\'s network: network: { vpc: sharedPlatform.network.vpc }');
  const region = Stack.of(shared.vpc).region;
  const ownRegion = Stack.of(scope).region;
  errors.check(Token.isUnresolved(region) || Token.isUnresolved(ownRegion) || region === ownRegion, 'metadataService',
    `is in region ${region}, this platform in ${ownRegion}; a shared service is reached through its VPC, in one region`,
    'create the team platform in the shared platform\'s region, or give it a metadata service of its own');
}

/**
 * Without a load balancer the metadata service is found by its Cloud Map name, which a VPC resolves only with DNS
 * support and DNS hostnames on (Route 53 private hosted zones need both). A VPC of the same app tells; an imported one cannot.
 */
function checkCloudMapResolves(props: MetaflowPlatformProps, errors: PropErrors): void {
  const vpc = props.network?.vpc;
  const usesCloudMap = !props.metadataService && !metadataHasLoadBalancer(props);
  errors.check(!usesCloudMap || !(vpc instanceof ec2.Vpc) || (vpc.dnsSupportEnabled && vpc.dnsHostnamesEnabled), 'network.vpc',
    'has DNS support or DNS hostnames turned off, so Batch jobs could not resolve the metadata service\'s Cloud Map name',
    'turn on enableDnsSupport and enableDnsHostnames on the VPC, or set metadata.internalLoadBalancer: true');
}
