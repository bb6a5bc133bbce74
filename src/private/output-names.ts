import { CfnOutput, CfnOutputProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The output name of a configuration key: `METAFLOW_SERVICE_URL` is `ServiceUrl`. */
export function outputNameOf(key: string): string {
  return pascalCase(key.replace(/^METAFLOW_/, '').toLowerCase().split('_'));
}

/** The output name of a job queue: queue `gpu-spot` is `JobQueueGpuSpot`. */
export function jobQueueOutputNameOf(queue: string): string {
  return `JobQueue${pascalCase(queue.split(/[^A-Za-z0-9]+/))}`;
}

/**
 * An output whose logical id is `<prefix><name>` whatever the construct tree, so that a user finds it by
 * the name the README gives (`MetaflowUserPolicyArn`); two platforms in one stack differ by prefix.
 */
export function fixedOutput(scope: Construct, prefix: string, name: string, props: CfnOutputProps): CfnOutput {
  const output = new CfnOutput(scope, name, props);
  output.overrideLogicalId(`${prefix}${name}`);
  return output;
}

function pascalCase(words: string[]): string {
  return words.filter(Boolean).map((word) => word[0].toUpperCase() + word.slice(1)).join('');
}
