import { Token } from 'aws-cdk-lib';
import { MetaflowNotebookOptions } from './notebook-options';
import { isOlderThanMinimum, MIN_METAFLOW_CLIENT_VERSION, pinnedMetaflowVersion } from '../config/metaflow-client-version';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';
import { checkRetentionDays } from '../private/retention-days';

/** Records every problem of the notebook props. */
export function validateNotebookOptions(props: MetaflowNotebookOptions, errors: PropErrors): void {
  const type = props.instanceType;
  errors.check(type === undefined || Token.isUnresolved(type) || /^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(type), 'instanceType',
    `'${type}' is not a SageMaker instance type`, 'use a name such as ml.t3.medium or ml.m5.xlarge');
  errors.check(isIntegerInRange(props.volumeSizeGiB, 5, 16384), 'volumeSizeGiB', `must be a whole number from 5 to 16384, got ${shown(props.volumeSizeGiB)}`,
    'use 10 or more for notebooks and small data sets');
  errors.check(props.metaflowPackage === undefined || /^[A-Za-z0-9_.\-\[\]=<>!~, ]+$/.test(props.metaflowPackage), 'metaflowPackage',
    `'${props.metaflowPackage}' is not a pip requirement`, 'use a requirement such as metaflow==2.19.7');
  checkRetentionDays(props.logRetention, 'logRetention', errors);
  const pinned = props.metaflowPackage && pinnedMetaflowVersion(props.metaflowPackage);
  errors.check(!pinned || !isOlderThanMinimum(pinned), 'metaflowPackage',
    `pins Metaflow ${pinned}, older than ${MIN_METAFLOW_CLIENT_VERSION}, the oldest client the platform's configuration works with`,
    `pin ${MIN_METAFLOW_CLIENT_VERSION} or newer, such as metaflow==2.19.7`);
}
