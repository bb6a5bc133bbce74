import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowPlatform, PublicApi } from '../../src';

/**
 * A platform with nothing on the internet: no public API (clients use the internal URL over the
 * company network), a notebook inside the VPC for people without a VPN, a role that an IAM Identity
 * Center permission set assumes, and an ECR repository for the team's step images.
 */
export class PrivatePlatformStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      network: { natGateways: 1 },
      api: PublicApi.disabled(),
      notebook: {},
      users: { roleAssumableBy: ['arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataScience_0123456789abcdef'] },
      batch: { imageRepository: { defaultImageTag: '1.0' } },
    });
  }
}
