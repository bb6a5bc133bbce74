import { App, aws_iam as iam, aws_kms as kms, aws_s3 as s3, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowDatastore, MetaflowPlatform } from '../../src';

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

describe('MetaflowDatastore with a new bucket', () => {
  test('is encrypted, private, TLS-only and retained by default', () => {
    const stack = newStack();
    const datastore = new MetaflowDatastore(stack, 'Datastore');
    const template = Template.fromStack(stack);

    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    const bucketRef = { Ref: stack.getLogicalId(datastore.bucket.node.defaultChild as s3.CfnBucket) };
    expect(stack.resolve(datastore.sysroot)).toEqual({ 'Fn::Join': ['', ['s3://', bucketRef, '/metaflow']] });
    expect(stack.resolve(datastore.datatoolsRoot)).toEqual({ 'Fn::Join': ['', ['s3://', bucketRef, '/data']] });
    expect(datastore.encryptionKey).toBeUndefined();
  });

  test('uses a KMS key with bucket keys when given', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const datastore = new MetaflowDatastore(stack, 'Datastore', { encryptionKey: key });

    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } },
        }],
      },
    });
    expect(datastore.encryptionKey).toBe(key);
  });

  test('honours removal policy, auto-delete, versioning, access logs and prefixes', () => {
    const stack = newStack();
    const logs = new s3.Bucket(stack, 'Logs');
    const datastore = new MetaflowDatastore(stack, 'Datastore', {
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      sysrootPrefix: 'teams/ml/metaflow',
      datatoolsPrefix: 'teams/ml/data',
    });
    const template = Template.fromStack(stack);

    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: Match.anyValue() }),
    });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    expect(stack.resolve(datastore.sysroot)).toEqual(stack.resolve(`s3://${datastore.bucket.bucketName}/teams/ml/metaflow`));
    expect(stack.resolve(datastore.datatoolsRoot)).toEqual(stack.resolve(`s3://${datastore.bucket.bucketName}/teams/ml/data`));
  });
});

describe('MetaflowDatastore adopting a bucket', () => {
  test('creates no bucket and takes the bucket key for grants', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/abcd');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'existing', encryptionKey: key });
    const datastore = new MetaflowDatastore(stack, 'Datastore', { bucket });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    datastore.grantReadWrite(role);
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(datastore.bucket).toBe(bucket);
    expect(datastore.encryptionKey).toBe(key);
    expect(stack.resolve(datastore.sysroot)).toBe('s3://existing/metaflow');
    const statements = policyStatements(template);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']),
      Resource: 'arn:aws:kms:us-east-1:111122223333:key/abcd',
    }));
  });
});

describe('MetaflowDatastore grants on an adopted bucket stay under the platform\'s prefixes', () => {
  function adoptedGrants(grant: (datastore: MetaflowDatastore, role: iam.Role) => void): any[] {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'shared-bucket');
    const datastore = new MetaflowDatastore(stack, 'Datastore', { bucket, sysrootPrefix: 'teams/ml/metaflow', datatoolsPrefix: 'teams/ml/data' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    grant(datastore, role);
    return stack.resolve(policyStatements(Template.fromStack(stack)));
  }
  const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::shared-bucket']] };
  const under = (prefix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::shared-bucket/${prefix}/*`]] });

  test('grantReadWrite: list with an s3:prefix condition, objects under the two prefixes only', () => {
    expect(adoptedGrants((datastore, role) => datastore.grantReadWrite(role))).toEqual([
      {
        Action: 's3:ListBucket',
        Effect: 'Allow',
        Resource: bucketArn,
        Condition: { StringLike: { 's3:prefix': ['teams/ml/metaflow', 'teams/ml/metaflow/*', 'teams/ml/data', 'teams/ml/data/*'] } },
      },
      {
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Effect: 'Allow',
        Resource: [under('teams/ml/metaflow'), under('teams/ml/data')],
      },
    ]);
  });

  test('grantRead: the same scope, read only', () => {
    const statements = adoptedGrants((datastore, role) => datastore.grantRead(role));
    expect(statements.map((statement) => statement.Action)).toEqual(['s3:ListBucket', 's3:GetObject']);
    expect(statements[1].Resource).toEqual([under('teams/ml/metaflow'), under('teams/ml/data')]);
  });

  test('grantMultipartUploads: list parts and abort under the sysroot only (distributed map result writer)', () => {
    expect(adoptedGrants((datastore, role) => datastore.grantMultipartUploads(role))).toEqual([{
      Action: ['s3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      Effect: 'Allow',
      Resource: under('teams/ml/metaflow'),
    }]);
  });
});

describe('MetaflowDatastore grants', () => {
  test('grantReadWrite gives exactly list on the bucket and get/put/delete on its objects', () => {
    const stack = newStack();
    const datastore = new MetaflowDatastore(stack, 'Datastore');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    datastore.grantReadWrite(role);
    const bucketId = stack.getLogicalId(datastore.bucket.node.defaultChild as s3.CfnBucket);

    expect(policyStatements(Template.fromStack(stack))).toEqual([
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } },
      {
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
      },
    ]);
  });

  test('grantRead gives list and get only', () => {
    const stack = newStack();
    const datastore = new MetaflowDatastore(stack, 'Datastore');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    datastore.grantRead(role);
    const actions = policyStatements(Template.fromStack(stack)).flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(['s3:ListBucket', 's3:GetObject']);
  });
});

describe('MetaflowDatastore prop validation', () => {
  test.each([
    [{ autoDeleteObjects: true }, /autoDeleteObjects: deletes every object but the bucket is not destroyed.*removalPolicy: RemovalPolicy.DESTROY/s],
    [{ sysrootPrefix: '/metaflow/' }, /sysrootPrefix: '\/metaflow\/' is not a plain S3 key prefix/],
    [{ datatoolsPrefix: 'a//b' }, /datatoolsPrefix: 'a\/\/b' is not a plain S3 key prefix/],
    [{ datatoolsPrefix: 'metaflow' }, /datatoolsPrefix: equals `sysrootPrefix`/],
    [{ datatoolsPrefix: 'metaflow/data' }, /datatoolsPrefix: 'metaflow\/data' and sysrootPrefix 'metaflow' are nested. Fix: use prefixes where neither contains the other/],
    [{ sysrootPrefix: 'data/metaflow' }, /datatoolsPrefix: 'data' and sysrootPrefix 'data\/metaflow' are nested/],
  ])('rejects %j', (props, message) => {
    expect(() => new MetaflowDatastore(newStack(), 'Datastore', props)).toThrow(message);
  });

  test('rejects new-bucket options together with an adopted bucket, all in one error', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Bucket', 'existing');
    expect(() => new MetaflowDatastore(stack, 'Datastore', { bucket, versioned: true, removalPolicy: RemovalPolicy.DESTROY }))
      .toThrow(/\(2 problem\(s\)\)[\s\S]*removalPolicy: only shapes a new bucket[\s\S]*versioned: only shapes a new bucket/);
  });
});

describe('a platform adopting a bucket with its KMS key in an environment-agnostic stack (as `cdk init` writes it)', () => {
  test('synthesizes, and the user policy may use the key', () => {
    const stack = newStack();
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/abcd');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Bucket', { bucketName: 'existing', encryptionKey });
    const platform = new MetaflowPlatform(stack, 'Metaflow', { datastore: { bucket } });
    const template = Template.fromStack(stack);
    const policy = template.toJSON().Resources[stack.getLogicalId(platform.users.policy.node.defaultChild as iam.CfnManagedPolicy)];
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
      Resource: 'arn:aws:kms:us-east-1:111122223333:key/abcd',
    }));
  });
});
