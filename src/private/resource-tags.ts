import { Token } from 'aws-cdk-lib';
import { PropErrors } from './prop-errors';

/** Characters AWS allows in tag keys and values (Batch, EC2, ECS and the rest share the rule). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** Batch accepts at most 50 tags on a job, and Metaflow adds up to 9 of its own when it emits tags. */
const MAX_TAGS = 40;

/**
 * Records every tag AWS Batch (and so Metaflow's `validate_aws_tag`, `plugins/aws/aws_utils.py`)
 * would reject: keys of 1-128 and values of up to 256 allowed characters, no `aws:` prefix.
 */
export function validateResourceTags(tags: { [key: string]: string } | undefined, errors: PropErrors): void {
  const entries = Object.entries(tags ?? {});
  errors.check(entries.length <= MAX_TAGS, '', `has ${entries.length} tags, but Batch jobs carry at most 50 and Metaflow adds up to 9`,
    `keep ${MAX_TAGS} tags or fewer`);
  for (const [key, value] of entries) {
    if (Token.isUnresolved(key) || Token.isUnresolved(value)) {
      continue;
    }
    errors.check(key.length >= 1 && key.length <= 128 && TAG_TEXT.test(key), `['${key}']`,
      'is not a tag key AWS accepts', 'use 1 to 128 letters, digits, spaces and _.:/=+-@');
    errors.check(!/^aws:/i.test(key) && !/^aws:/i.test(value), `['${key}']`, 'uses the reserved aws: prefix', 'choose a key and value that do not start with aws:');
    errors.check(value.length <= 256 && TAG_TEXT.test(value), `['${key}']`,
      `has a value AWS rejects ('${value}')`, 'use up to 256 letters, digits, spaces and _.:/=+-@');
  }
}
