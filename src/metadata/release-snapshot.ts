import { aws_iam as iam, aws_lambda as lambda, aws_logs as logs, ArnFormat, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DatabaseSnapshotKind, DatabaseSnapshotTarget } from './database-reference';
import { RELEASE_SNAPSHOT_HANDLER } from './release-snapshot-handler';
import { InlineProvider } from '../private/inline-provider';
import { acknowledgeWildcardResources } from '../private/nag';

/** The provider framework's longest wait. */
const SNAPSHOT_WAIT = Duration.hours(2);

/**
 * Props of `MetaflowReleaseSnapshot`.
 */
export interface MetaflowReleaseSnapshotProps {
  /** The database to snapshot. */
  readonly target: DatabaseSnapshotTarget;

  /** What the schema migration runs (its image name): a change of it is a release change. */
  readonly release: string;

  /**
   * Retention of the handler's logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A manual snapshot of the metadata database before each schema migration a release change
 * brings: during `cdk deploy` a custom resource creates the snapshot and waits until it is
 * available (asking every 30 seconds, up to 2 hours), and fails the deployment otherwise. Make the
 * migration depend on it. Snapshots are kept when the platform is updated or destroyed.
 */
export class MetaflowReleaseSnapshot extends Construct {
  /** The custom resource; its `SnapshotIdentifier` attribute names the snapshot taken (empty when none was needed). */
  public readonly resource: CustomResource;
  /** The function that starts the snapshot. */
  public readonly handler: lambda.Function;
  /** The function the provider framework asks, every 30 seconds, whether the snapshot is available. */
  public readonly completeHandler: lambda.Function;

  constructor(scope: Construct, id: string, props: MetaflowReleaseSnapshotProps) {
    super(scope, id);
    const provider = new InlineProvider(this, 'Provider', {
      code: RELEASE_SNAPSHOT_HANDLER,
      description: 'Snapshots the Metaflow metadata database before a schema migration and waits for it',
      timeout: Duration.minutes(1),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      completion: { queryInterval: Duration.seconds(30), totalTimeout: SNAPSHOT_WAIT },
    });
    this.handler = provider.handler;
    this.completeHandler = provider.completeHandler!;
    this.grantSnapshot(props.target);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MetaflowReleaseSnapshot',
      properties: {
        Kind: props.target.kind,
        Identifier: props.target.identifier,
        Release: props.release,
        BeforeFirstMigration: String(props.target.beforeFirstMigration),
      },
    });
  }

  /** Snapshot this one database and describe and tag the platform's own snapshots (`metaflow-*`) of it. */
  private grantSnapshot(target: DatabaseSnapshotTarget): void {
    const cluster = target.kind === DatabaseSnapshotKind.CLUSTER;
    const arn = (resource: string, resourceName: string) =>
      Stack.of(this).formatArn({ service: 'rds', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const database = arn(cluster ? 'cluster' : 'db', target.identifier);
    const snapshots = arn(cluster ? 'cluster-snapshot' : 'snapshot', 'metaflow-*');
    const create = cluster ? 'rds:CreateDBClusterSnapshot' : 'rds:CreateDBSnapshot';
    const describe = cluster ? 'rds:DescribeDBClusterSnapshots' : 'rds:DescribeDBSnapshots';
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: [create], resources: [database, snapshots] }));
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['rds:AddTagsToResource'], resources: [snapshots] }));
    this.completeHandler.addToRolePolicy(new iam.PolicyStatement({ actions: [describe], resources: [database, snapshots] }));
    for (const fn of [this.handler, this.completeHandler]) {
      acknowledgeWildcardResources(fn.role, [snapshots],
        'Snapshot names carry the time they were taken; the grant covers only the platform\'s own snapshot names (metaflow-*).');
    }
  }
}
