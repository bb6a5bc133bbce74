import { aws_ec2 as ec2, aws_kms as kms, aws_s3 as s3, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowPlatform } from '../../src';

/**
 * The platform inside a VPC and bucket that already exist (owned by another team or stack):
 * this stack creates neither.
 */
export class BringYourOwnStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'ExistingVpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60708',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: ['subnet-0aaa0000000000001', 'subnet-0aaa0000000000002'],
      privateSubnetIds: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002'],
      isolatedSubnetIds: ['subnet-0ccc0000000000001', 'subnet-0ccc0000000000002'],
    });
    const bucket = s3.Bucket.fromBucketAttributes(this, 'ExistingBucket', {
      bucketName: 'example-team-ml-artifacts',
      encryptionKey: kms.Key.fromKeyArn(this, 'ExistingBucketKey',
        'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });

    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      network: { vpc },
      datastore: { bucket, sysrootPrefix: 'metaflow/ml-team', datatoolsPrefix: 'data/ml-team' },
    });
  }
}
