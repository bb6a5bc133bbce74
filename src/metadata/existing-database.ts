import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEFAULT_DATABASE_NAME, DEFAULT_USERNAME } from './database-defaults';
import { DatabaseSnapshotTarget, IMetaflowDatabase, MetaflowDatabaseEndpoint } from './database-reference';
import { MetaflowExistingDatabaseOptions } from './existing-database-options';

/**
 * Where an existing database is and what to snapshot, as the factories of `MetadataDatabase` read it.
 *
 * @internal
 */
export interface ExistingDatabaseSource {
  readonly hostname: string;
  readonly port: string;
  readonly connections: ec2.Connections;
  readonly snapshotTarget: DatabaseSnapshotTarget;
}

/**
 * A database the platform uses but does not own. Its security groups are imported into the
 * platform's stack, so the rules that admit the service and the UI are added there, from the
 * service's side, and the database's own stack (or its DBAs) need not change.
 *
 * @internal
 */
export class ExistingMetaflowDatabase extends Construct implements IMetaflowDatabase {
  public readonly endpoint: MetaflowDatabaseEndpoint;
  public readonly connections: ec2.Connections;
  public readonly snapshotTarget?: DatabaseSnapshotTarget;

  constructor(scope: Construct, id: string, source: ExistingDatabaseSource, options: MetaflowExistingDatabaseOptions) {
    super(scope, id);
    const securityGroups = source.connections.securityGroups.map((group, index) =>
      ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${index + 1}`, group.securityGroupId, { allowAllOutbound: group.allowAllOutbound }));
    this.connections = new ec2.Connections({ securityGroups, defaultPort: source.connections.defaultPort });
    this.endpoint = {
      hostname: source.hostname,
      port: source.port,
      databaseName: options.databaseName ?? DEFAULT_DATABASE_NAME,
      username: options.username ?? DEFAULT_USERNAME,
      secret: options.secret,
      connections: this,
    };
    this.snapshotTarget = options.snapshotBeforeMigration ? source.snapshotTarget : undefined;
  }

  public allowFrom(peer: ec2.IConnectable): void {
    this.connections.allowDefaultPortFrom(peer, 'Metaflow metadata service');
  }
}
