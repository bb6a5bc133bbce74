import { Aws, aws_iam as iam, aws_logs as logs, aws_secretsmanager as secretsmanager, CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { applyRoleGuardrails, validateRoleOptions } from './access/role-guardrails';
import { MetaflowRoleOptions } from './access/role-options';
import { MetaflowUserAccess, MetaflowUserAccessOptions } from './access/user-access';
import { validateUserAccessOptions } from './access/user-access-props-validation';
import { MetaflowBatch, MetaflowBatchOptions } from './compute/batch';
import { validateBatchOptions } from './compute/batch-props-validation';
import { MetaflowConfig } from './config/config';
import { MetaflowDatastore, MetaflowDatastoreOptions } from './datastore/datastore';
import { validateDatastoreOptions } from './datastore/datastore-props-validation';
import { MetaflowApi } from './metadata/api';
import { validateApiOptions } from './metadata/api-props-validation';
import { MetaflowMetadataService, MetaflowMetadataServiceOptions } from './metadata/metadata-service';
import { validateMetadataServiceOptions } from './metadata/metadata-service-props-validation';
import { IMetaflowMetadataService } from './metadata/metadata-service-reference';
import { MetaflowRelease } from './metadata/metaflow-release';
import { OwnMetadataService } from './metadata/own-metadata-service';
import { PublicApi } from './metadata/public-api';
import { MetaflowMonitoring } from './monitoring/monitoring';
import { MetaflowMonitoringOptions } from './monitoring/monitoring-options';
import { validateMonitoringOptions } from './monitoring/monitoring-props-validation';
import { MetaflowNetwork, MetaflowNetworkOptions } from './network/network';
import { validateNetworkOptions } from './network/network-props-validation';
import { networkPlacementOf } from './network/subnet-placement';
import { MetaflowNotebook } from './notebook/notebook';
import { MetaflowNotebookOptions } from './notebook/notebook-options';
import { validateNotebookOptions } from './notebook/notebook-props-validation';
import { MetaflowStepFunctions } from './orchestration/step-functions';
import { StepFunctionsIntegration } from './orchestration/step-functions-integration';
import { validateStepFunctionsOptions } from './orchestration/step-functions-props-validation';
import { PropErrors } from './private/prop-errors';
import { validateResourceTags } from './private/resource-tags';
import { grantSecretsUnderPrefix } from './secrets/secret-grants';
import { StepSecrets } from './secrets/step-secrets';
import { validateStepSecretsOptions } from './secrets/step-secrets-validation';
import { MetaflowSharedStorage, MetaflowSharedStorageOptions } from './storage/shared-storage';
import { MetaflowUi } from './ui/ui';
import { MetaflowUiOptions } from './ui/ui-options';
import { validateUiOptions } from './ui/ui-props-validation';

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
   * The metadata service's public API (API key and its rotation, allowed CIDR ranges, throttling),
   * or none: `PublicApi.disabled()` keeps the platform private, and clients use the internal URL.
   *
   * @default PublicApi.enabled()
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
   * @default StepSecrets.awsSecretsManager() (prefix 'metaflow/<stack name>/')
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

/**
 * A complete Metaflow platform on AWS: network, S3 datastore, metadata service and API, AWS Batch,
 * Step Functions and the client configuration. Each part is a public field and a construct you can also use on its own.
 */
export class MetaflowPlatform extends Construct {
  /** The network every part runs in. */
  public readonly network: MetaflowNetwork;
  /** The S3 datastore. */
  public readonly datastore: MetaflowDatastore;
  /** The platform's own metadata service (database, Fargate service, internal load balancer, schema migration), unless it uses an existing one. */
  public readonly metadata?: MetaflowMetadataService;
  /** The metadata service the platform records runs in: its own (with the public API's URL and key) or the one given. */
  public readonly metadataService: IMetaflowMetadataService;
  /** The metadata service's public API (API Gateway), unless the platform is private. */
  public readonly api?: MetaflowApi;
  /** AWS Batch compute environments, job queues and roles. */
  public readonly batch: MetaflowBatch;
  /** The Step Functions integration, unless turned off. */
  public readonly stepFunctions?: MetaflowStepFunctions;
  /** The Metaflow UI, when `ui` is set. */
  public readonly ui?: MetaflowUi;
  /** The Metaflow client configuration and its stack outputs. */
  public readonly config: MetaflowConfig;
  /** What Metaflow users need: the managed policy and, when asked for, the role they assume. */
  public readonly users: MetaflowUserAccess;
  /** The notebook, when `notebook` is set. */
  public readonly notebook?: MetaflowNotebook;
  /** The shared file system, when `sharedStorage` is set. */
  public readonly sharedStorage?: MetaflowSharedStorage;
  /** The alarms and dashboard, when `monitoring` is set. */
  public readonly monitoring?: MetaflowMonitoring;
  /** The name prefix of the secrets steps may read with `@secrets`, unless secrets are turned off. */
  public readonly secretsNamePrefix?: string;

  constructor(scope: Construct, id: string, props: MetaflowPlatformProps = {}) {
    super(scope, id);
    validatePlatformProps(props);
    this.applyGovernance(props);

    this.network = new MetaflowNetwork(this, 'Network', {
      flowLogRetention: props.network?.flowLogs === false ? undefined : props.logRetention,
      ...props.network,
    });
    this.datastore = new MetaflowDatastore(this, 'Datastore', {
      removalPolicy: props.datastore?.bucket ? undefined : props.removalPolicy,
      ...props.datastore,
    });
    if (props.metadataService) {
      this.metadataService = props.metadataService;
    } else {
      this.metadata = new MetaflowMetadataService(this, 'Metadata', {
        logRetention: props.logRetention,
        ...props.metadata,
        database: { removalPolicy: props.removalPolicy, ...props.metadata?.database },
        vpc: this.network.vpc,
        serviceSubnets: this.network.computeSubnets,
        databaseSubnets: this.network.databaseSubnets,
        assignPublicIp: this.network.computeSubnetsArePublic,
        release: props.release,
      });
      this.api = this.createApi(props, this.metadata);
      this.metadataService = new OwnMetadataService(this.metadata, this.api);
    }
    this.batch = new MetaflowBatch(this, 'Batch', {
      ...props.batch,
      vpc: this.network.vpc,
      vpcSubnets: this.network.computeSubnets,
    });
    this.datastore.grantReadWrite(this.batch.jobRole);
    this.metadataService.allowClientsFrom(this.batch.securityGroup);

    const stepFunctions = props.stepFunctions ?? StepFunctionsIntegration.enabled();
    if (stepFunctions.isEnabled) {
      this.stepFunctions = new MetaflowStepFunctions(this, 'StepFunctions', {
        removalPolicy: props.removalPolicy,
        logRetention: props.logRetention,
        ...stepFunctions.options,
        jobQueues: this.batch.jobQueues,
      });
      this.datastore.grantReadWrite(this.stepFunctions.stateMachineRole);
      this.datastore.grantMultipartUploads(this.stepFunctions.stateMachineRole);
      this.stepFunctions.grantTableAccess(this.batch.jobRole);
    }

    if (props.ui && this.metadata) {
      this.ui = this.createUi(props, props.ui, this.metadata);
    }

    if (props.sharedStorage) {
      this.sharedStorage = this.createSharedStorage(props, props.sharedStorage);
    }

    // The outputs' fixed ids start with the platform's id ('Metaflow' gives MetaflowConfigureCommand).
    this.config = new MetaflowConfig(this, 'Config', { removalPolicy: props.removalPolicy, outputIdPrefix: id.replace(/[^A-Za-z0-9]/g, '') || 'Metaflow' });
    this.addConfig(props.tags ?? {});
    this.addJobQueueOutputs();
    this.users = this.createUserAccess(props.users ?? {});
    const secrets = props.secrets ?? StepSecrets.awsSecretsManager();
    if (secrets.isEnabled) {
      this.secretsNamePrefix = secrets.options.namePrefix ?? `metaflow/${Stack.of(this).stackName}/`;
      this.provideStepSecrets(this.secretsNamePrefix, secrets);
    }
    if (props.notebook) {
      this.notebook = this.createNotebook(props.notebook);
    }
    if (props.monitoring) {
      this.monitoring = this.createMonitoring(props.monitoring);
    }
  }

  /** Tags every resource, and applies the role guardrails to every role (custom resources' too). */
  private applyGovernance(props: MetaflowPlatformProps): void {
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
    applyRoleGuardrails(this, props.roles ?? {});
  }

  /** The backend and region in the configuration; the job role and the user policy (so the notebook) read under the prefix. */
  private provideStepSecrets(namePrefix: string, secrets: StepSecrets): void {
    this.config.add('METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE', 'aws-secrets-manager', 'where @secrets reads secrets');
    this.config.add('METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION', Aws.REGION, 'region of the secrets @secrets reads');
    for (const grantee of [this.batch.jobRole, this.users]) {
      grantSecretsUnderPrefix(this, grantee, namePrefix, secrets.options.encryptionKey);
    }
    new CfnOutput(this, 'StepSecretsPrefix', {
      value: namePrefix,
      description: `Name prefix of the Secrets Manager secrets steps may read: @secrets(sources=['${namePrefix}<name>'])`,
    });
  }

  /**
   * Lets steps, users and the notebook read a secret that is not under the platform's secrets prefix,
   * for example one another team owns.
   */
  public grantSecretRead(secret: secretsmanager.ISecret): void {
    secret.grantRead(this.batch.jobRole);
    secret.grantRead(this.users);
  }

  private createSharedStorage(props: MetaflowPlatformProps, options: MetaflowSharedStorageOptions): MetaflowSharedStorage {
    const storage = new MetaflowSharedStorage(this, 'SharedStorage', {
      removalPolicy: props.removalPolicy,
      ...options,
      vpc: this.network.vpc,
      vpcSubnets: this.batch.vpcSubnets,
    });
    storage.allowMountFrom(this.batch.securityGroup);
    storage.grantReadWrite(this.batch.jobRole);
    new CfnOutput(this, 'SharedFileSystemId', {
      value: storage.fileSystemId,
      description: 'EFS file system of the platform: mount it in a step with @batch(efs_volumes=[\'<this id>:/mnt/shared\'])',
    });
    return storage;
  }

  private createMonitoring(options: MetaflowMonitoringOptions): MetaflowMonitoring {
    const monitoring = new MetaflowMonitoring(this, 'Monitoring', {
      ...options,
      metadataService: this.metadata,
      api: this.api,
      ui: this.ui,
      batch: this.batch,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn, description: 'SNS topic of the platform\'s alarms and failed Batch jobs' });
    return monitoring;
  }

  private addConfig(tags: { [key: string]: string }): void {
    const config = this.config;
    config.add('METAFLOW_DEFAULT_DATASTORE', 's3', 'Metaflow stores artifacts in S3');
    config.add('METAFLOW_DATASTORE_SYSROOT_S3', this.datastore.sysroot, 'S3 root of Metaflow artifacts and code packages');
    config.add('METAFLOW_DATATOOLS_S3ROOT', this.datastore.datatoolsRoot, 'S3 root of metaflow.S3');
    // No METAFLOW_S3_SERVER_SIDE_ENCRYPTION: the client sends it without a key id, so 'aws:kms' would make S3 use
    // aws/s3 instead of the bucket's key (metaflow/plugins/datatools/s3/s3.py); the bucket's default encryption applies the right key.
    config.add('METAFLOW_BATCH_JOB_QUEUE', this.batch.defaultJobQueue.jobQueueName, 'default AWS Batch job queue');
    config.add('METAFLOW_ECS_S3_ACCESS_IAM_ROLE', this.batch.jobRole.roleArn, 'role AWS Batch tasks run as');
    if (this.batch.containerImage) {
      config.add('METAFLOW_BATCH_CONTAINER_IMAGE', this.batch.containerImage, 'image of steps that name none');
    }
    if (this.batch.containerRegistry) {
      config.add('METAFLOW_BATCH_CONTAINER_REGISTRY', this.batch.containerRegistry, 'registry put in front of images named without one');
    }
    if (this.batch.executionRole) {
      config.add('METAFLOW_ECS_FARGATE_EXECUTION_ROLE', this.batch.executionRole.roleArn, 'ECS task execution role of Fargate jobs');
    }
    config.add('METAFLOW_DEFAULT_METADATA', 'service', 'Metaflow records runs in the metadata service');
    const service = this.metadataService;
    config.add('METAFLOW_SERVICE_URL', service.serviceUrl, serviceUrlDescription(this.metadata !== undefined, this.api !== undefined));
    config.add('METAFLOW_SERVICE_INTERNAL_URL', service.internalUrl, 'in-VPC URL of the metadata service, used by Batch and Step Functions tasks');
    if (service.authKeySecret) {
      config.addSecret('METAFLOW_SERVICE_AUTH_KEY', service.authKeySecret.secretValue);
    }
    if (this.ui) {
      config.add('METAFLOW_UI_URL', this.ui.url, 'URL of the Metaflow UI');
    }
    // Metaflow tags jobs only when told to (metaflow_config.py BATCH_EMIT_TAGS); every role that submits jobs here may tag them.
    config.add('METAFLOW_BATCH_EMIT_TAGS', 'True', 'tag Batch jobs with their flow, run, step and user');
    if (Object.keys(tags).length > 0) {
      config.add('METAFLOW_BATCH_DEFAULT_TAGS', JSON.stringify(tags), 'tags Metaflow puts on every Batch job, for cost allocation');
    }
    const sfn = this.stepFunctions;
    if (sfn) {
      config.add('METAFLOW_SFN_IAM_ROLE', sfn.stateMachineRole.roleArn, 'role of Metaflow state machines');
      config.add('METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE', sfn.eventsRole.roleArn, 'role EventBridge uses for @schedule');
      config.add('METAFLOW_SFN_DYNAMO_DB_TABLE', sfn.table.tableName, 'DynamoDB table of Step Functions run state');
      config.add('METAFLOW_SFN_STATE_MACHINE_PREFIX', sfn.stateMachinePrefix, 'prefix of Metaflow state machine names');
      config.add('METAFLOW_SFN_EXECUTION_LOG_GROUP_ARN', sfn.logGroup.logGroupArn, 'log group of Step Functions execution history');
    }
  }

  /** Attaches the Metaflow user policy to an existing user, group or role of this account. */
  public grantClient(identity: iam.IIdentity): void {
    this.users.grantClient(identity);
  }

  private createUserAccess(options: MetaflowUserAccessOptions): MetaflowUserAccess {
    const users = new MetaflowUserAccess(this, 'Users', {
      ...options,
      datastore: this.datastore,
      batch: this.batch,
      stepFunctions: this.stepFunctions,
      configSecret: this.config.secret,
    });
    if (this.batch.imageRepository) {
      // Users build and push step images; Batch pulls them.
      this.batch.imageRepository.grantPullPush(users);
      new CfnOutput(this, 'ImageRepositoryUri', {
        value: this.batch.imageRepository.repositoryUri,
        description: 'ECR repository for step images: docker push <this uri>:<tag>',
      });
    }
    new CfnOutput(this, 'UserPolicyArn', {
      value: users.policy.managedPolicyArn,
      description: 'Managed policy with what a Metaflow user needs on this platform: attach it to users, groups or roles',
    });
    if (users.role) {
      new CfnOutput(this, 'UserRoleArn', { value: users.role.roleArn, description: 'Role Metaflow users assume to run flows on this platform' });
    }
    return users;
  }

  private createNotebook(options: MetaflowNotebookOptions): MetaflowNotebook {
    const notebook = new MetaflowNotebook(this, 'Notebook', {
      ...options,
      vpc: this.network.vpc,
      vpcSubnets: this.network.computeSubnets,
      configSecret: this.config.secret,
      configKeys: [...Object.keys(this.config.values), ...this.config.secretKeys],
      userPolicy: this.users.policy,
      metadataService: this.metadataService,
    });
    new CfnOutput(this, 'NotebookUrl', { value: notebook.url, description: 'SageMaker notebook with the Metaflow client configured' });
    return notebook;
  }

  private createApi(props: MetaflowPlatformProps, metadata: MetaflowMetadataService): MetaflowApi | undefined {
    const api = props.api ?? PublicApi.enabled();
    if (!api.isEnabled) {
      return undefined;
    }
    return new MetaflowApi(this, 'Api', {
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      ...api.options,
      loadBalancer: metadata.loadBalancer,
    });
  }

  private createUi(props: MetaflowPlatformProps, options: MetaflowUiOptions, metadata: MetaflowMetadataService): MetaflowUi {
    const ui = new MetaflowUi(this, 'Ui', {
      image: props.metadata?.image,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      ...options,
      vpc: this.network.vpc,
      serviceSubnets: this.network.computeSubnets,
      assignPublicIp: this.network.computeSubnetsArePublic,
      cluster: metadata.cluster,
      database: metadata.database.endpoint,
      databaseSsl: props.metadata?.databaseSsl,
      datastore: this.datastore,
      release: props.release,
    });
    // The UI adds its triggers to the tables the schema migration creates.
    ui.service.node.addDependency(metadata.migration);
    if (ui.userPool) {
      new CfnOutput(this, 'UiUserPoolId', {
        value: ui.userPool.userPoolId,
        description: 'Cognito user pool of the Metaflow UI: add users with aws cognito-idp admin-create-user --user-pool-id <this id>',
      });
    }
    return ui;
  }

  private addJobQueueOutputs(): void {
    const outputs = new Construct(this, 'JobQueueOutputs');
    this.batch.jobQueueNames.forEach((name) => {
      new CfnOutput(outputs, name, {
        value: this.batch.jobQueue(name).jobQueueName,
        description: `AWS Batch job queue '${name}': use with @batch(queue='...')`,
      });
    });
  }
}

function serviceUrlDescription(ownService: boolean, publicApi: boolean): string {
  if (!ownService) {
    return 'URL of the shared metadata service this platform records runs in';
  }
  return publicApi ? 'public URL of the metadata service (API Gateway)' : 'URL of the metadata service inside the VPC (the platform has no public API)';
}

/** Checks the props of every part at once, so that one error names every problem with its full prop path. */
function validatePlatformProps(props: MetaflowPlatformProps): void {
  const errors = PropErrors.for('MetaflowPlatform');
  for (const [prop, value] of [['metadata', props.metadata], ['api', props.api], ['ui', props.ui]] as const) {
    errors.check(!props.metadataService || value === undefined, prop, 'is set but metadataService is given, so the platform runs no metadata service of its own',
      `remove \`${prop}\` (set it on the platform that owns the service), or remove metadataService`);
  }
  const network = errors.at('network');
  validateNetworkOptions(props.network ?? {}, network);
  if (props.network?.vpc) {
    // An adopted VPC can be checked now, so its placement problems join the others.
    networkPlacementOf(props.network.vpc, props.network, true, network);
  }
  // The datastore inherits the platform's removal policy, as the constructor passes it on.
  validateDatastoreOptions({ removalPolicy: props.datastore?.bucket ? undefined : props.removalPolicy, ...props.datastore }, errors.at('datastore'));
  validateBatchOptions({
    computeEnvironments: props.batch?.computeEnvironments ?? [{ name: 'cpu' }],
    jobQueues: props.batch?.jobQueues ?? [],
    defaultJobQueue: props.batch?.defaultJobQueue,
    imageRepository: props.batch?.imageRepository,
  }, errors.at('batch'));
  validateMetadataServiceOptions(props.metadata ?? {}, errors.at('metadata'));
  validateApiOptions(props.api?.options ?? {}, errors.at('api'));
  validateStepFunctionsOptions(props.stepFunctions?.options ?? {}, errors.at('stepFunctions'));
  if (props.ui) {
    validateUiOptions(props.ui, errors.at('ui'));
  }
  validateUserAccessOptions(props.users ?? {}, errors.at('users'));
  if (props.notebook) {
    validateNotebookOptions(props.notebook, errors.at('notebook'));
  }
  validateResourceTags(props.tags, errors.at('tags'));
  validateStepSecretsOptions(props.secrets?.options ?? {}, errors.at('secrets'));
  if (props.monitoring) {
    validateMonitoringOptions(props.monitoring, errors.at('monitoring'));
  }
  validateRoleOptions(props.roles ?? {}, errors.at('roles'));
  errors.throwIfAny();
}
