import { aws_ec2 as ec2, aws_rds as rds, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeRule, skipManagedKeySecretCheck } from '../private/nag';

/** A quiet hour for most teams: early Sunday in Europe, Saturday evening in the Americas (UTC). */
export const DEFAULT_MAINTENANCE_WINDOW = 'sun:04:00-sun:04:30';
/** The daily backup, before the maintenance window and outside it. */
export const DEFAULT_BACKUP_WINDOW = '03:00-03:30';
export const DEFAULT_BACKUP_RETENTION = Duration.days(7);
export const DEFAULT_DATABASE_NAME = 'metaflow';
export const DEFAULT_USERNAME = 'metaflow';

/** The database's own security group, which admits only what `allowFrom` names. */
export function newDatabaseSecurityGroup(scope: Construct, vpc: ec2.IVpc): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: 'Metaflow metadata database: PostgreSQL from the metadata service only',
    allowAllOutbound: false,
  });
}

/** Generated credentials, kept with the database (retained unless it is destroyed). */
export function newDatabaseCredentials(scope: Construct, username: string, removalPolicy: RemovalPolicy): rds.DatabaseSecret {
  const credentials = new rds.DatabaseSecret(scope, 'Credentials', { username });
  credentials.applyRemovalPolicy(removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
  return credentials;
}

export function acknowledgeCredentialFindings(credentials: rds.DatabaseSecret): void {
  skipManagedKeySecretCheck(credentials);
  acknowledgeRule(credentials, 'SMG4', 'The metadata service reads the password only at task start; rotation would need Secrets Manager endpoints in the isolated subnets and a service restart.');
}

/** CloudFormation refuses to delete a protected database, so protection and a snapshot-on-delete would make destroy fail. */
export function deletionProtectionOf(requested: boolean | undefined, removalPolicy: RemovalPolicy): boolean {
  return requested ?? removalPolicy === RemovalPolicy.RETAIN;
}

/** The findings every database the platform creates shares: the default port, and a final snapshot in place of deletion protection. */
export function acknowledgeDatabaseFindings(database: IConstruct, deletionProtection: boolean, removalPolicy: RemovalPolicy): void {
  acknowledgeRule(database, 'RDS11', 'The metadata service reads the port from its settings; a non-default port adds no protection behind a security group that admits only the service.');
  if (!deletionProtection && removalPolicy === RemovalPolicy.SNAPSHOT) {
    acknowledgeRule(database, 'RDS10', 'Deleting the stack takes a final snapshot (RemovalPolicy.SNAPSHOT) and keeps the automated backups; deletion protection would make CloudFormation refuse the delete.');
  }
}
