import { Aws, aws_iam as iam, aws_secretsmanager as secretsmanager, CfnOutputProps, Stack, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { applyRoleGuardrails } from './access/role-guardrails';
import { MetaflowUserAccess, MetaflowUserAccessOptions } from './access/user-access';
import { MetaflowBatch } from './compute/batch';
import { MetaflowConfig } from './config/config';
import { MetaflowDatastore } from './datastore/datastore';
import { MetaflowApi } from './metadata/api';
import { IMetaflowApi } from './metadata/api-reference';
import { MetaflowHttpApi } from './metadata/http-api';
import { MetadataDatabase } from './metadata/metadata-database';
import { MetaflowMetadataService } from './metadata/metadata-service';
import { IMetaflowMetadataService } from './metadata/metadata-service-reference';
import { OwnMetadataService } from './metadata/own-metadata-service';
import { PublicApi } from './metadata/public-api';
import { MetaflowMonitoring } from './monitoring/monitoring';
import { MetaflowMonitoringOptions } from './monitoring/monitoring-options';
import { MetaflowNetwork } from './network/network';
import { selectsIsolatedSubnets } from './network/subnet-placement';
import { MetaflowNotebook } from './notebook/notebook';
import { MetaflowNotebookOptions } from './notebook/notebook-options';
import { MetaflowStepFunctions } from './orchestration/step-functions';
import { StepFunctionsIntegration } from './orchestration/step-functions-integration';
import { MetaflowPlatformProps } from './platform-props';
import { datastoreOptionsOf, metadataHasLoadBalancer, publicApiOf, validatePlatformProps } from './platform-props-validation';
import { fixedOutput, jobQueueOutputNameOf } from './private/output-names';
import { validateOrThrow } from './private/prop-errors';
import { grantSecretsUnderPrefix, grantSecretValueRead } from './secrets/secret-grants';
import { StepSecrets } from './secrets/step-secrets';
import { MetaflowSharedStorage, MetaflowSharedStorageOptions } from './storage/shared-storage';
import { MetaflowUi } from './ui/ui';
import { MetaflowUiOptions } from './ui/ui-options';
import { checkLoginEgress } from './ui/ui-props-validation';

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
  /** The metadata service's public API (API Gateway): a `MetaflowHttpApi`, or a `MetaflowApi` (REST), unless the platform is private. */
  public readonly api?: IMetaflowApi;
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
  /** Prefix of the outputs' fixed ids: the platform's id in letters and digits ('Metaflow' gives MetaflowConfigureCommand). */
  private readonly outputIdPrefix: string;

  constructor(scope: Construct, id: string, props: MetaflowPlatformProps = {}) {
    super(scope, id);
    validatePlatformProps(scope, props);
    this.outputIdPrefix = outputIdPrefixOf(id);
    this.applyGovernance(props);

    this.network = new MetaflowNetwork(this, 'Network', {
      flowLogRetention: props.network?.flowLogs === false ? undefined : props.logRetention,
      ...props.network,
    });
    this.datastore = new MetaflowDatastore(this, 'Datastore', datastoreOptionsOf(props));
    const api = publicApiOf(props);
    this.metadata = props.metadataService ? undefined : this.createMetadata(props);
    this.api = this.metadata && this.createApi(props, api, this.metadata);
    this.metadataService = props.metadataService ?? new OwnMetadataService(this.metadata!, this.api, () => this.ui);
    // A shared service's UI shows this platform's runs, whose artifacts, logs and cards are in this platform's bucket.
    props.metadataService?.grantUiRead(this.datastore);
    this.batch = this.createBatch(props);
    this.stepFunctions = this.createStepFunctions(props);
    this.ui = props.ui && this.metadata && this.createUi(props, props.ui, this.metadata);
    this.sharedStorage = props.sharedStorage && this.createSharedStorage(props, props.sharedStorage);

    this.config = this.createConfig(props);
    this.users = this.createUserAccess(props.users ?? {});
    this.secretsNamePrefix = this.provideStepSecrets(props.secrets ?? StepSecrets.awsSecretsManager());
    this.notebook = props.notebook && this.createNotebook(props.notebook);
    this.monitoring = props.monitoring && this.createMonitoring(props.monitoring);
  }

  /** An output the README names, under the fixed id `<platform id><name>`. */
  private addOutput(name: string, props: CfnOutputProps): void {
    fixedOutput(this, this.outputIdPrefix, name, props);
  }

  private createMetadata(props: MetaflowPlatformProps): MetaflowMetadataService {
    const highAvailability = props.highAvailability ?? false;
    return new MetaflowMetadataService(this, 'Metadata', {
      logRetention: props.logRetention,
      desiredCount: highAvailability ? HIGH_AVAILABILITY_TASKS : undefined,
      ...props.metadata,
      internalLoadBalancer: metadataHasLoadBalancer(props),
      database: (props.metadata?.database ?? MetadataDatabase.postgresInstance())
        ._withDefaults({ removalPolicy: props.removalPolicy, highAvailability }),
      vpc: this.network.vpc,
      serviceSubnets: this.network.computeSubnets,
      databaseSubnets: this.network.databaseSubnets,
      assignPublicIp: this.network.computeSubnetsArePublic,
      release: props.release,
    });
  }

  /** Batch in the compute subnets; its tasks use the datastore and reach the metadata service. */
  private createBatch(props: MetaflowPlatformProps): MetaflowBatch {
    const batch = new MetaflowBatch(this, 'Batch', {
      ...props.batch,
      vpc: this.network.vpc,
      vpcSubnets: this.network.computeSubnets,
    });
    this.datastore.grantReadWrite(batch.jobRole);
    this.metadataService.allowClientsFrom(batch.securityGroup);
    return batch;
  }

  private createStepFunctions(props: MetaflowPlatformProps): MetaflowStepFunctions | undefined {
    const stepFunctions = props.stepFunctions ?? StepFunctionsIntegration.enabled();
    if (!stepFunctions._isEnabled) {
      return undefined;
    }
    const integration = new MetaflowStepFunctions(this, 'StepFunctions', {
      removalPolicy: props.removalPolicy,
      logRetention: props.logRetention,
      ...stepFunctions._options,
      jobQueues: this.batch.jobQueues,
    });
    this.datastore.grantReadWrite(integration.stateMachineRole);
    this.datastore.grantMultipartUploads(integration.stateMachineRole);
    integration.grantTableAccess(this.batch.jobRole);
    return integration;
  }

  private createConfig(props: MetaflowPlatformProps): MetaflowConfig {
    // The outputs' fixed ids start with the platform's id ('Metaflow' gives MetaflowConfigureCommand).
    const config = new MetaflowConfig(this, 'Config', { removalPolicy: props.removalPolicy, outputIdPrefix: this.outputIdPrefix });
    this.addConfig(config, props.tags ?? {});
    this.addJobQueueOutputs();
    return config;
  }

  /** Tags every resource, and applies the role guardrails to every role (custom resources' too). */
  private applyGovernance(props: MetaflowPlatformProps): void {
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      Tags.of(this).add(key, value);
    }
    applyRoleGuardrails(this, props.roles ?? {});
  }

  /** The backend and region in the configuration; the job role and the user policy (so the notebook) read under the prefix. */
  private provideStepSecrets(secrets: StepSecrets): string | undefined {
    if (!secrets._isEnabled) {
      return undefined;
    }
    const namePrefix = secrets._options.namePrefix ?? `metaflow/${Stack.of(this).stackName}/`;
    this.config.add('METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE', 'aws-secrets-manager', 'where @secrets reads secrets');
    this.config.add('METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION', Aws.REGION, 'region of the secrets @secrets reads');
    for (const grantee of [this.batch.jobRole, this.users]) {
      grantSecretsUnderPrefix(this, grantee, namePrefix, secrets._options.encryptionKey);
    }
    this.addOutput('StepSecretsPrefix', {
      value: namePrefix,
      description: `Name prefix of the Secrets Manager secrets steps may read: @secrets(sources=['${namePrefix}<name>'])`,
    });
    return namePrefix;
  }

  /**
   * Lets steps, users and the notebook read a secret that is not under the platform's secrets prefix,
   * for example one another team owns.
   */
  public grantSecretRead(secret: secretsmanager.ISecret): void {
    grantSecretValueRead(secret, this.batch.jobRole);
    grantSecretValueRead(secret, this.users);
  }

  /**
   * Lets this platform's users (the user policy, so the notebook too) read another platform's
   * datastore: with a shared metadata service everyone sees everyone's runs, but the client reads a
   * run's artifacts from the bucket that run recorded, which only its own platform may read. A
   * deliberate opt-in: the other team's artifacts and logs become readable to this team.
   */
  public grantDatastoreRead(datastore: MetaflowDatastore): void {
    datastore.grantRead(this.users);
  }

  private createSharedStorage(props: MetaflowPlatformProps, options: MetaflowSharedStorageOptions): MetaflowSharedStorage {
    const storage = new MetaflowSharedStorage(this, 'SharedStorage', {
      removalPolicy: props.removalPolicy,
      ...options,
      vpc: this.network.vpc,
      vpcSubnets: this.batch.vpcSubnets,
    });
    // No IAM grant to the job role: Metaflow mounts with TLS but without IAM authorization (plugins/aws/batch/batch_client.py).
    storage.allowMountFrom(this.batch.securityGroup);
    this.addOutput('SharedFileSystemId', {
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
    this.addOutput('AlarmTopicArn', { value: monitoring.topic.topicArn, description: 'SNS topic of the platform\'s alarms and failed Batch jobs' });
    return monitoring;
  }

  private addConfig(config: MetaflowConfig, tags: { [key: string]: string }): void {
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
    // The client retries a failed call SERVICE_RETRY_COUNT times, sleeping 2**i s after attempt i (metaflow_config.py:289,
    // plugins/metadata_providers/service.py:488-555): 5 (its default) waits out 15 s, 8 waits 1+2+...+64 = 127 s, long enough
    // for a task replacement. Batch jobs do not get it (plugins/aws/batch/batch.py sets their environment) and keep 15 s.
    config.add('METAFLOW_SERVICE_RETRY_COUNT', String(CLIENT_SERVICE_RETRY_COUNT), 'how often the client retries a failed metadata service call');
    // The own key is read from its secret directly; a shared service's key through the reference it gives other platforms.
    const authKey = this.api ? this.api.apiKeySecret?.secretValue : service.authKey;
    if (authKey) {
      config.addSecret('METAFLOW_SERVICE_AUTH_KEY', authKey);
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
      this.addOutput('ImageRepositoryUri', {
        value: this.batch.imageRepository.repositoryUri,
        description: 'ECR repository for step images: docker push <this uri>:<tag>',
      });
    }
    this.addOutput('UserPolicyArn', {
      value: users.policy.managedPolicyArn,
      description: 'Managed policy with what a Metaflow user needs on this platform: attach it to users, groups or roles',
    });
    if (users.role) {
      this.addOutput('UserRoleArn', { value: users.role.roleArn, description: 'Role Metaflow users assume to run flows on this platform' });
    }
    return users;
  }

  private createNotebook(options: MetaflowNotebookOptions): MetaflowNotebook {
    validateOrThrow('MetaflowPlatform', this.network, (network, errors) => errors.check(!selectsIsolatedSubnets(network.vpc, network.computeSubnets),
      'network.computeSubnets', 'are isolated (no NAT or internet gateway), so the notebook could neither install Metaflow nor read its configuration secret',
      'select subnets with a NAT gateway or public subnets for compute (network.computeSubnets), or give a new VPC natGateways: 1'));
    const notebook = new MetaflowNotebook(this, 'Notebook', {
      ...options,
      vpc: this.network.vpc,
      vpcSubnets: this.network.computeSubnets,
      configSecret: this.config.secret,
      configKeys: [...Object.keys(this.config.values), ...this.config.secretKeys],
      userPolicy: this.users.policy,
      metadataService: this.metadataService,
    });
    this.addOutput('NotebookUrl', { value: notebook.url, description: 'SageMaker notebook with the Metaflow client configured' });
    return notebook;
  }

  private createApi(props: MetaflowPlatformProps, api: PublicApi, metadata: MetaflowMetadataService): IMetaflowApi | undefined {
    const common = { logRetention: props.logRetention, removalPolicy: props.removalPolicy, ...api._options };
    if (api._kind === 'http') {
      return new MetaflowHttpApi(this, 'Api', {
        ...common,
        vpc: this.network.vpc,
        cloudMapService: metadata.registerInCloudMap(),
        serviceSecurityGroup: metadata.securityGroup,
        serviceSubnets: this.network.computeSubnets,
      });
    }
    return api._kind === 'rest' ? new MetaflowApi(this, 'Api', { ...common, loadBalancer: metadata.loadBalancer! }) : undefined;
  }

  private createUi(props: MetaflowPlatformProps, options: MetaflowUiOptions, metadata: MetaflowMetadataService): MetaflowUi {
    validateOrThrow('MetaflowPlatform', options, (ui, errors) => checkLoginEgress(this.network.vpc, { ...ui, serviceSubnets: this.network.computeSubnets }, errors.at('ui')));
    const ui = new MetaflowUi(this, 'Ui', {
      image: props.metadata?.image,
      desiredCount: props.highAvailability ? HIGH_AVAILABILITY_TASKS : undefined,
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
      this.addOutput('UiUserPoolId', {
        value: ui.userPool.userPoolId,
        description: 'Cognito user pool of the Metaflow UI: add users with aws cognito-idp admin-create-user --user-pool-id <this id>',
      });
    }
    return ui;
  }

  private addJobQueueOutputs(): void {
    const outputs = new Construct(this, 'JobQueueOutputs');
    this.batch.jobQueueNames.forEach((name) => {
      fixedOutput(outputs, this.outputIdPrefix, jobQueueOutputNameOf(name), {
        value: this.batch.jobQueue(name).jobQueueName,
        description: `AWS Batch job queue '${name}': use with @batch(queue='...')`,
      });
    });
  }
}

/** Retries of metadata service calls by clients outside Batch (laptops, the notebook, `step-functions create`): about 2 minutes. */
const CLIENT_SERVICE_RETRY_COUNT = 8;

/** Tasks of the metadata service and the UI with `highAvailability`: Fargate spreads them over the subnets' zones. */
const HIGH_AVAILABILITY_TASKS = 2;

function outputIdPrefixOf(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '') || 'Metaflow';
}

function serviceUrlDescription(ownService: boolean, publicApi: boolean): string {
  if (!ownService) {
    return 'URL of the shared metadata service this platform records runs in';
  }
  return publicApi ? 'public URL of the metadata service (API Gateway)' : 'URL of the metadata service inside the VPC (the platform has no public API)';
}
