import { aws_logs as logs, RemovalPolicy } from 'aws-cdk-lib';
import { MetaflowRoleOptions } from './access/role-options';
import { MetaflowUserAccessOptions } from './access/user-access';
import { MetaflowBatchOptions } from './compute/batch';
import { MetaflowDatastoreOptions } from './datastore/datastore';
import { MetaflowMetadataServiceOptions } from './metadata/metadata-service';
import { IMetaflowMetadataService } from './metadata/metadata-service-reference';
import { MetaflowRelease } from './metadata/metaflow-release';
import { PublicApi } from './metadata/public-api';
import { MetaflowMonitoringOptions } from './monitoring/monitoring-options';
import { MetaflowNetworkOptions } from './network/network';
import { MetaflowNotebookOptions } from './notebook/notebook-options';
import { StepFunctionsIntegration } from './orchestration/step-functions-integration';
import { StepSecrets } from './secrets/step-secrets';
import { MetaflowSharedStorageOptions } from './storage/shared-storage';
import { MetaflowUiOptions } from './ui/ui-options';

/**
 * Props of `MetaflowPlatform`. Every prop is optional: `new MetaflowPlatform(this, 'Metaflow')`
 * deploys a complete platform that costs next to nothing while idle. Each part's options are nested
 * under the part's name.
 */
export interface MetaflowPlatformProps {
  /**
   * The network: a new VPC (NAT gateways, zones, CIDR) or an existing one (`network.vpc`), subnet
   * placement, the S3 endpoint, flow logs.
   *
   * @default - a new VPC over 2 Availability Zones with public and isolated subnets and no NAT gateway
   */
  readonly network?: MetaflowNetworkOptions;

  /**
   * The datastore: a new bucket (KMS key, versioning, removal policy) or an existing one
   * (`datastore.bucket`), and the key prefixes.
   *
   * @default - a new encrypted, TLS-only bucket that is retained when the stack is deleted
   */
  readonly datastore?: MetaflowDatastoreOptions;

  /**
   * AWS Batch: compute environments (each with its own job queue unless it opts out), combined
   * queues, the default queue, and the retention of the shared job log group.
   *
   * @default - one EC2 on-demand environment named 'cpu' scaling from 0 to 64 vCPUs
   */
  readonly batch?: MetaflowBatchOptions;

  /**
   * A metadata service that exists already, for example one a shared platform runs for several
   * teams (`sharedPlatform.metadataService`, or `MetaflowMetadataService.fromAttributes`). The
   * platform then creates no database, metadata service, load balancer or API, and records its runs
   * there; `metadata`, `api` and `ui` must be left unset.
   *
   * @default - the platform runs its own metadata service
   */
  readonly metadataService?: IMetaflowMetadataService;

  /**
   * The metadata service and its PostgreSQL database: image, size, task count, auto scaling,
   * database SSL, database class and storage.
   *
   * @default - see `MetaflowMetadataServiceOptions`
   */
  readonly metadata?: MetaflowMetadataServiceOptions;

  /**
   * The metadata service's public API (API key and its rotation, allowed CIDR ranges, throttling):
   * an HTTP API (no load balancer), a REST API (`PublicApi.restApi()`, for WAF, usage plans or a
   * private endpoint), or none: `PublicApi.disabled()` keeps the platform private, and clients use
   * the internal load balancer's URL.
   *
   * @default - an HTTP API with an API key, without a load balancer
   */
  readonly api?: PublicApi;

  /**
   * What `metaflow step-functions create` needs (state table, roles, log group), or nothing.
   *
   * @default StepFunctionsIntegration.enabled()
   */
  readonly stepFunctions?: StepFunctionsIntegration;

  /**
   * The Metaflow UI behind a load balancer with HTTPS and a login. Absent means no UI and no UI
   * resources at all.
   *
   * @default - no UI
   */
  readonly ui?: MetaflowUiOptions;

  /**
   * A SageMaker notebook preconfigured for the platform: the client configuration is written at
   * start (the API key read from the stored configuration then), Metaflow installed, and the
   * notebook's role may do what a Metaflow user may. Absent means no notebook.
   *
   * @default - no notebook
   */
  readonly notebook?: MetaflowNotebookOptions;

  /**
   * The people who use the platform: the managed policy for their client is always created (attach
   * it with `grantClient`); a role they assume is created when `users.roleAssumableBy` is set.
   *
   * @default - the policy only, no role
   */
  readonly users?: MetaflowUserAccessOptions;

  /**
   * What happens to stateful resources (bucket, state table, database, secrets) when they leave
   * the stack. A part's own `removalPolicy` option takes precedence.
   *
   * @default - RemovalPolicy.RETAIN; the database takes a final snapshot (RemovalPolicy.SNAPSHOT)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Survive the loss of one metadata service task, one UI task or one Availability Zone: the
   * metadata service (and the UI, if any) runs two tasks, which Fargate places in two zones, and
   * the database gets a Multi-AZ standby that RDS fails over to. Costs about $27 a month more while
   * idle (a second service task and its public IPv4 address, the database standby and its storage),
   * and about $28 more with the UI (its second task and address). `metadata.desiredCount`,
   * `ui.desiredCount` and `metadata.database.multiAz` may not undo it.
   *
   * @default false (one task each and a single-AZ database: a replaced task leaves a gap of a minute or more)
   */
  readonly highAvailability?: boolean;

  /**
   * How long the platform's log groups keep logs. A part's own retention option takes precedence.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The Metaflow service release: the metadata service, schema migration and UI images, pinned together.
   * `metadata.image` and `ui.image` override it for one part.
   *
   * @default MetaflowRelease.LATEST (today `MetaflowRelease.V2_5_1`: metadata service v2.5.1 with UI v1.3.13)
   */
  readonly release?: MetaflowRelease;

  /**
   * Cost-allocation tags for every resource the platform creates and for every Batch job Metaflow
   * submits (`METAFLOW_BATCH_DEFAULT_TAGS`). `Tags.of(platform)` tags the resources too, but not the jobs.
   *
   * @default - no tags; Batch jobs still carry Metaflow's own (flow, run, step, user)
   */
  readonly tags?: { [key: string]: string };

  /**
   * Secrets for steps (`@secrets`): AWS Secrets Manager secrets under a name prefix that the job
   * role, the user policy and the notebook may read, or none.
   *
   * @default - Secrets Manager, under the prefix 'metaflow/<stack name>/'
   */
  readonly secrets?: StepSecrets;

  /**
   * An EFS file system Batch jobs mount with `@batch(efs_volumes=...)`, for more disk than an
   * instance has or files that steps share. Absent means none.
   *
   * @default - no shared file system
   */
  readonly sharedStorage?: MetaflowSharedStorageOptions;

  /**
   * CloudWatch alarms on the metadata service, database, API and UI, notifications of failed Batch
   * jobs, and a dashboard (about $4 a month). Absent means none.
   *
   * @default - no alarms and no dashboard
   */
  readonly monitoring?: MetaflowMonitoringOptions;

  /**
   * A permissions boundary, path and name prefix for every role the platform creates.
   *
   * @default - no boundary, path '/', names generated by CloudFormation
   */
  readonly roles?: MetaflowRoleOptions;
}
