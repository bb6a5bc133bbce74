import { aws_ec2 as ec2, aws_ecs as ecs, aws_servicediscovery as servicediscovery, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METADATA_SERVICE_PORT } from './metadata-clients';

/** The Cloud Map host name of the metadata service inside its namespace. */
export const METADATA_HOST_NAME = 'metadata';

/** How long resolvers keep the tasks' addresses: a replaced task is found again within this time. */
const RECORD_TTL = Duration.seconds(10);

/** Where the metadata service registers. */
export interface ServiceDiscoveryProps {
  readonly vpc: ec2.IVpc;
  readonly service: ecs.FargateService;
  readonly container: ecs.ContainerDefinition;
  /** @default - metaflow-<8 hex digits of the scope's address>.internal */
  readonly domainName?: string;
}

/** The namespace and the Cloud Map service the metadata service's tasks register in. */
export interface ServiceDiscovery {
  readonly namespace: servicediscovery.PrivateDnsNamespace;
  readonly cloudMapService: servicediscovery.Service;
}

/** The namespace name used unless one is given: unique to the construct, so two platforms can share a VPC. */
export function defaultInternalDomainName(scope: Construct): string {
  return `metaflow-${scope.node.addr.slice(0, 8)}.internal`;
}

/**
 * Registers every task of the metadata service in a private DNS namespace, with two records per task:
 * an A record, which Batch jobs, Step Functions tasks, the notebook and team platforms resolve (Python's
 * `requests` cannot follow SRV records), and an SRV record, which carries the port that API Gateway's
 * Cloud Map integration needs. aws-cdk-lib offers one record type per service (aws-cdk issue 18894, PR 38669
 * adds A with SRV), so the records are set on the L1 resource; Cloud Map's `DnsRecords` and ECS accept the pair
 * (the ECS developer guide: "you can create any combination of A or SRV records for each service task").
 */
export function registerInCloudMap(scope: Construct, props: ServiceDiscoveryProps): ServiceDiscovery {
  const namespace = new servicediscovery.PrivateDnsNamespace(scope, 'Namespace', {
    vpc: props.vpc,
    name: props.domainName ?? defaultInternalDomainName(scope),
    description: 'Metaflow metadata service inside the VPC',
  });
  const cloudMapService = namespace.createService('Discovery', {
    name: METADATA_HOST_NAME,
    description: 'Tasks of the Metaflow metadata service',
    dnsRecordType: servicediscovery.DnsRecordType.SRV,
    dnsTtl: RECORD_TTL,
    // ECS reports each task's health here: only tasks that passed their container health check are resolved.
    customHealthCheck: { failureThreshold: 1 },
  });
  const records = [servicediscovery.DnsRecordType.A, servicediscovery.DnsRecordType.SRV].map((type) => ({ Type: type, TTL: RECORD_TTL.toSeconds() }));
  (cloudMapService.node.defaultChild as servicediscovery.CfnService).addPropertyOverride('DnsConfig.DnsRecords', records);
  props.service.associateCloudMapService({ service: cloudMapService, container: props.container, containerPort: METADATA_SERVICE_PORT });
  return { namespace, cloudMapService };
}

/** `METAFLOW_SERVICE_INTERNAL_URL`: the A records' name and the service port. */
export function internalUrlOf(namespace: servicediscovery.IPrivateDnsNamespace): string {
  return `http://${METADATA_HOST_NAME}.${namespace.namespaceName}:${METADATA_SERVICE_PORT}/`;
}
