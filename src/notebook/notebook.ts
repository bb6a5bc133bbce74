import {
  ArnFormat, Aws, aws_ec2 as ec2, aws_iam as iam, aws_sagemaker as sagemaker, aws_secretsmanager as secretsmanager, CustomResource, Fn, Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { notebookStartScript } from './notebook-lifecycle';
import { MetaflowNotebookOptions } from './notebook-options';
import { validateNotebookOptions } from './notebook-props-validation';
import { METAFLOW_REQUIREMENT } from '../config/metaflow-client-version';
import { IMetaflowMetadataService } from '../metadata/metadata-service-reference';
import { selectsPublicSubnets } from '../network/subnet-placement';
import { acknowledgeRule, acknowledgeWildcardResources, CheckovSkip, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';
import { setSharedLogGroupRetention } from '../private/shared-log-group-retention';

/** Where SageMaker writes notebook instance logs, start scripts included. */
const NOTEBOOK_LOG_GROUP = '/aws/sagemaker/NotebookInstances';

/**
 * Props of `MetaflowNotebook`.
 */
export interface MetaflowNotebookProps extends MetaflowNotebookOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets to place the notebook in (it takes the first); the platform's compute subnets. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The secret holding the complete client configuration, which the start script reads. */
  readonly configSecret: secretsmanager.ISecret;
  /** The keys the configuration holds, which the start script checks. */
  readonly configKeys: string[];
  /** What the notebook's users may do: the platform's user policy. */
  readonly userPolicy: iam.IManagedPolicy;
  /** The metadata service, which the notebook must reach at its internal URL. */
  readonly metadataService: IMetaflowMetadataService;
}

/**
 * A SageMaker notebook instance ready for Metaflow: in the platform's subnets with a security group
 * that admits nothing, no root access by default, a role with the Metaflow user policy, and a start
 * script that writes the client configuration and installs Metaflow, so that `run --with batch`
 * and `step-functions create` work from the first cell.
 */
export class MetaflowNotebook extends Construct {
  /** The notebook instance. */
  public readonly notebookInstance: sagemaker.CfnNotebookInstance;
  /** Its start script. */
  public readonly lifecycleConfig: sagemaker.CfnNotebookInstanceLifecycleConfig;
  /** The role the notebook runs as. */
  public readonly role: iam.Role;
  /** The notebook's security group: no inbound rules. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Where users open the notebook. */
  public readonly url: string;
  /** The custom resource that sets the retention of the notebook log group, when `logRetention` is set. */
  public readonly logRetention?: CustomResource;

  constructor(scope: Construct, id: string, props: MetaflowNotebookProps) {
    super(scope, id);
    validateOrThrow('MetaflowNotebook', props, validateNotebookOptions);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Metaflow notebook: no inbound traffic' });
    props.metadataService.allowClientsFrom(this.securityGroup);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Role of the Metaflow notebook: what a Metaflow user may do',
      managedPolicies: [props.userPolicy],
    });
    const logStreams = Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: `${NOTEBOOK_LOG_GROUP}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logStreams],
    }));
    acknowledgeWildcardResources(this.role, [logStreams], 'SageMaker names a log stream per notebook; writing is limited to its notebook log group.');

    this.lifecycleConfig = new sagemaker.CfnNotebookInstanceLifecycleConfig(this, 'StartScript', {
      onStart: [{
        content: Fn.base64(notebookStartScript({
          configSecretArn: props.configSecret.secretArn,
          region: Aws.REGION,
          requiredKeys: props.configKeys,
          metaflowPackage: props.metaflowPackage ?? METAFLOW_REQUIREMENT,
        })),
      }],
    });

    // Public subnets have no NAT gateway: SageMaker's own internet access lets the notebook install packages.
    const publicSubnets = selectsPublicSubnets(props.vpc, props.vpcSubnets);
    this.notebookInstance = new sagemaker.CfnNotebookInstance(this, 'Notebook', {
      instanceType: props.instanceType ?? 'ml.t3.medium',
      volumeSizeInGb: props.volumeSizeGiB ?? 10,
      roleArn: this.role.roleArn,
      rootAccess: props.rootAccess ? 'Enabled' : 'Disabled',
      subnetId: props.vpc.selectSubnets(props.vpcSubnets).subnetIds[0],
      securityGroupIds: [this.securityGroup.securityGroupId],
      directInternetAccess: publicSubnets ? 'Enabled' : 'Disabled',
      kmsKeyId: props.encryptionKey?.keyArn,
      lifecycleConfigName: this.lifecycleConfig.attrNotebookInstanceLifecycleConfigName,
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: '2' },
    });
    props.encryptionKey?.grantEncryptDecrypt(this.role);
    this.acknowledgeChoices(props, publicSubnets);
    this.url = `https://${this.notebookInstance.attrNotebookInstanceName}.notebook.${Aws.REGION}.sagemaker.aws/`;
    if (props.logRetention !== undefined) {
      this.logRetention = setSharedLogGroupRetention(this, 'LogRetention', {
        logGroupName: NOTEBOOK_LOG_GROUP, retention: props.logRetention, resourceType: 'Custom::MetaflowNotebookLogRetention',
      });
    }
  }

  private acknowledgeChoices(props: MetaflowNotebookProps, publicSubnets: boolean): void {
    const skips: CheckovSkip[] = [];
    if (!props.encryptionKey) {
      acknowledgeRule(this.notebookInstance, 'SM2', 'The storage volume is encrypted with SageMaker\'s AWS managed key; encryptionKey takes a customer key.');
      skips.push({ id: 'CKV_AWS_187', comment: 'The storage volume is encrypted with SageMaker\'s AWS managed key; encryptionKey takes a customer key.' });
    }
    if (publicSubnets) {
      const reason = 'The compute subnets are public, without a NAT gateway; SageMaker\'s internet access lets the notebook install packages. '
        + 'With network.natGateways the notebook has none.';
      acknowledgeRule(this.notebookInstance, 'SM3', reason);
      skips.push({ id: 'CKV_AWS_122', comment: reason });
    }
    skipCheckovChecks(this.notebookInstance, skips);
  }
}
