import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowPlatform } from '../../src';

/** The whole platform with every default: what `new MetaflowPlatform(stack, 'Metaflow')` deploys. */
export class DefaultPlatformStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow');
  }
}
