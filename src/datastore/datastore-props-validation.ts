import { RemovalPolicy } from 'aws-cdk-lib';
import { MetaflowDatastoreOptions } from './datastore';
import { PropErrors } from '../private/prop-errors';

const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

/** Records every problem of the datastore props. */
export function validateDatastoreOptions(props: MetaflowDatastoreOptions, errors: PropErrors): void {
  const newBucketOnly = {
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
    autoDeleteObjects: props.autoDeleteObjects,
    versioned: props.versioned,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
  };
  for (const [prop, value] of Object.entries(newBucketOnly)) {
    errors.check(props.bucket === undefined || value === undefined, prop, 'only shapes a new bucket but `bucket` adopts an existing one',
      `remove \`${prop}\` or \`bucket\``);
  }
  errors.check(!props.autoDeleteObjects || props.removalPolicy === RemovalPolicy.DESTROY, 'autoDeleteObjects',
    'deletes every object but the bucket is not destroyed with the stack', 'also set `removalPolicy: RemovalPolicy.DESTROY`, or drop `autoDeleteObjects`');
  for (const [prop, value] of [['sysrootPrefix', props.sysrootPrefix], ['datatoolsPrefix', props.datatoolsPrefix]] as const) {
    errors.check(value === undefined || KEY_PREFIX.test(value), prop, `'${value}' is not a plain S3 key prefix`,
      'use path segments without leading or trailing slashes, e.g. \'metaflow\' or \'teams/ml/metaflow\'');
  }
  const sysroot = props.sysrootPrefix ?? 'metaflow';
  const datatools = props.datatoolsPrefix ?? 'data';
  errors.check(sysroot !== datatools, 'datatoolsPrefix',
    'equals `sysrootPrefix`, so metaflow.S3 data would mix with Metaflow\'s own artifacts', 'use distinct prefixes');
  // Nested prefixes would let the narrower grant of an adopted bucket reach into the other tree.
  errors.check(sysroot === datatools || !(sysroot.startsWith(`${datatools}/`) || datatools.startsWith(`${sysroot}/`)), 'datatoolsPrefix',
    `'${datatools}' and sysrootPrefix '${sysroot}' are nested`, 'use prefixes where neither contains the other, e.g. \'metaflow\' and \'data\'');
}
