import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowPlatform, PublicApi } from '../../src';

/**
 * The default platform behind a REST API instead of the HTTP API, for teams that need AWS WAF, usage
 * plans or a private endpoint: an API Gateway key and usage plan, a resource policy admitting only
 * the company's ranges, and the internal Network Load Balancer its VPC link needs (about $16.43 a month more).
 */
export class RestApiPlatformStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      api: PublicApi.restApi({ allowedCidrs: ['203.0.113.0/24'] }),
    });
  }
}
