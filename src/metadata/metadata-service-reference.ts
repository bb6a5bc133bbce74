import { aws_ec2 as ec2, aws_iam as iam, aws_secretsmanager as secretsmanager, SecretValue } from 'aws-cdk-lib';
import { MetaflowDatastore } from '../datastore/datastore';

/**
 * A Metaflow metadata service that platforms record runs in: its own, or one shared by several
 * team platforms (`MetaflowPlatformProps.metadataService`).
 */
export interface IMetaflowMetadataService {
  /** The URL clients use (`METAFLOW_SERVICE_URL`), with a trailing `/`. */
  readonly serviceUrl: string;
  /** The URL inside the VPC that Batch and Step Functions tasks use (`METAFLOW_SERVICE_INTERNAL_URL`). */
  readonly internalUrl: string;
  /**
   * The API key that `serviceUrl` requires, if it requires one (`METAFLOW_SERVICE_AUTH_KEY`), as a
   * reference resolved at deploy time. A shared platform's reference survives a key rotation: the
   * shared stack keeps every export a team stack imports, and the team's stored configuration takes
   * the new key when the team stack is deployed after the rotation.
   */
  readonly authKey?: SecretValue;

  /** Lets `peer` (for example a team's Batch compute) reach `internalUrl`. */
  allowClientsFrom(peer: ec2.IConnectable): void;

  /**
   * Lets the service's UI, if it has one, read a datastore whose runs record into the service: the
   * UI shows DAGs, artifacts, logs and cards from the bucket each run names. A platform calls this
   * for its own datastore when it records into a shared service.
   */
  grantUiRead(datastore: MetaflowDatastore): void;
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
   * @default - none; then the service must not require a key
   */
  readonly authKeySecret?: secretsmanager.ISecret;

  /**
   * Whether `serviceUrl` requires an API key. The platform's public APIs do, unless they were
   * built without one.
   *
   * @default - true when the service URL differs from the internal URL (a public API), false otherwise
   */
  readonly apiKeyRequired?: boolean;

  /**
   * Task role of the service's UI, which `grantUiRead` lets read the datastores that record into
   * the service (a shared platform's `ui.taskDefinition.taskRole`).
   *
   * @default - the UI read grant (grantUiRead in TypeScript, grant_ui_read in Python) changes nothing; grant the UI read access to each team's bucket yourself
   */
  readonly uiTaskRole?: iam.IRole;

  /**
   * Security group to which `allowClientsFrom` adds rules for `clientPort`: a shared platform's
   * `metadata.clientSecurityGroup` (its tasks' group, or its load balancer's).
   *
   * @default - admitting clients (allowClientsFrom in TypeScript, allow_clients_from in Python) changes nothing; admit them on the service's side yourself
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * The port `allowClientsFrom` opens in `securityGroup`: the port of `internalUrl` (a shared
   * platform's `metadata.clientPort`).
   *
   * @default 8080 (the platform's metadata service tasks, without a load balancer)
   */
  readonly clientPort?: number;
}
