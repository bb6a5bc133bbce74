import { MetaflowMetadataServiceOptions } from './metadata-service';
import { validateMigrationTimeout } from './schema-migration-validation';
import { checkFargateSize, FargateSize, resolveFargateSize } from '../private/fargate-size';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

/** Settings the construct owns; `environment` may not override them. */
const MANAGED_VARIABLES = [
  'MF_METADATA_DB_HOST', 'MF_METADATA_DB_PORT', 'MF_METADATA_DB_USER', 'MF_METADATA_DB_PSWD', 'MF_METADATA_DB_NAME',
  'MF_METADATA_DB_SSL_MODE', 'MF_METADATA_DB_SSL_ROOT_CERT_PATH', 'MF_METADATA_DB_SSL_ROOT_CERT', 'MF_MIGRATION_ENDPOINTS_ENABLED',
];

/** Lowercase DNS labels joined by dots: a Cloud Map private namespace name. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The metadata service task's size: the defaults, or a fitting memory for a given `cpu`. */
export function metadataTaskSize(props: MetaflowMetadataServiceOptions): FargateSize {
  return resolveFargateSize(props.cpu, props.memoryLimitMiB, { cpu: 256, memoryLimitMiB: 512 });
}

/** Records every problem of the metadata service props, its database's and its migration's included. */
export function validateMetadataServiceOptions(props: MetaflowMetadataServiceOptions, errors: PropErrors): void {
  checkFargateSize(metadataTaskSize(props), errors);
  errors.check(isIntegerInRange(props.desiredCount, 1), 'desiredCount', `must be a whole number >= 1, got ${shown(props.desiredCount)}`,
    'run at least one task; the metadata service must be up for flows to run');
  const desired = props.desiredCount ?? 1;
  errors.check(props.maxCount === undefined || (Number.isInteger(props.maxCount) && props.maxCount > desired), 'maxCount',
    `(${props.maxCount}) must be a whole number above desiredCount (${desired})`, 'raise maxCount, or leave it unset for a fixed task count');
  errors.check(props.targetCpuUtilizationPercent === undefined || props.maxCount !== undefined, 'targetCpuUtilizationPercent',
    'is set but auto scaling is off', 'set maxCount too');
  errors.check(isIntegerInRange(props.targetCpuUtilizationPercent, 10, 90), 'targetCpuUtilizationPercent',
    `must be a whole number from 10 to 90, got ${shown(props.targetCpuUtilizationPercent)}`, 'use 60');
  const rootCertPath = props.databaseSsl?.rootCertPath;
  errors.check(rootCertPath === undefined || /^\/\S+$/.test(rootCertPath), 'databaseSsl', `CA bundle path '${rootCertPath}' is not an absolute path`,
    'give the absolute path of the RDS CA bundle inside the image, e.g. DatabaseSsl.verifyFull(\'/etc/ssl/rds/global-bundle.pem\')');
  const reserved = Object.keys(props.environment ?? {}).filter((key) => MANAGED_VARIABLES.includes(key));
  errors.check(reserved.length === 0, 'environment', `sets ${reserved.join(', ')}, which the platform manages`,
    'use databaseSsl or the database options instead');
  const domain = props.internalDomainName;
  errors.check(domain === undefined || DNS_NAME.test(domain), 'internalDomainName', `'${domain}' is not a DNS name`,
    'use lowercase labels of letters, digits and hyphens joined by dots, e.g. metaflow.internal');
  validateMigrationTimeout(props.migrationTimeout, errors.at('migrationTimeout'));
  props.database?._validate(errors.at('database'));
}
