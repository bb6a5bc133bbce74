import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetadataDatabase, MetaflowPlatform } from '../../src';

/**
 * The default platform on an Aurora PostgreSQL Serverless v2 cluster instead of an RDS instance,
 * for teams that standardise on Aurora: it costs more when idle (0.5 ACU at least), not less.
 */
export class AuroraPlatformStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      metadata: { database: MetadataDatabase.auroraPostgres({ serverlessV2MaxCapacity: 4 }) },
    });
  }
}
