import { aws_ec2 as ec2, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';

/**
 * A Metaflow metadata service that platforms record runs in: its own, or one shared by several
 * team platforms (`MetaflowPlatformProps.metadataService`).
 */
export interface IMetaflowMetadataService {
  /** The URL clients use (`METAFLOW_SERVICE_URL`), with a trailing `/`. */
  readonly serviceUrl: string;
  /** The URL inside the VPC that Batch and Step Functions tasks use (`METAFLOW_SERVICE_INTERNAL_URL`). */
  readonly internalUrl: string;
  /** The secret holding the API key that `serviceUrl` requires, if it requires one (`METAFLOW_SERVICE_AUTH_KEY`). */
  readonly authKeySecret?: secretsmanager.ISecret;

  /** Lets `peer` (for example a team's Batch compute) reach `internalUrl`. */
  allowClientsFrom(peer: ec2.IConnectable): void;
}

/**
 * How to reach a metadata service that exists already.
 */
export interface MetaflowMetadataServiceAttributes {
  /** The URL clients use, with a trailing `/` (a shared platform's `metadataService.serviceUrl`). */
  readonly serviceUrl: string;

  /** The URL inside the VPC, with a trailing `/` (a shared platform's `metadataService.internalUrl`). */
  readonly internalUrl: string;

  /**
   * The secret holding the API key of `serviceUrl`.
   *
   * @default - none; then `apiKeyRequired` must be false
   */
  readonly authKeySecret?: secretsmanager.ISecret;

  /**
   * Whether `serviceUrl` requires an API key. The platform's public APIs do, unless they were
   * built without one.
   *
   * @default - true when `serviceUrl` differs from `internalUrl` (a public API), false otherwise
   */
  readonly apiKeyRequired?: boolean;

  /**
   * Security group of the service's internal load balancer, to which `allowClientsFrom` adds rules
   * (a shared platform's `metadata.loadBalancerSecurityGroup`).
   *
   * @default - `allowClientsFrom` changes nothing; admit clients on the service's side yourself
   */
  readonly loadBalancerSecurityGroup?: ec2.ISecurityGroup;
}
