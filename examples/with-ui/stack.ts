import { aws_route53 as route53, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowPlatform, UiLogin, UiTls } from '../../src';

/**
 * The default platform plus the Metaflow UI on the internet at https://metaflow.example.com,
 * behind a Cognito login, with a certificate created and validated in an existing hosted zone.
 */
export class WithUiStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com',
    });
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      ui: {
        tls: UiTls.fromHostedZone({ hostedZone, domainName: 'metaflow.example.com' }),
        login: UiLogin.cognito(),
      },
    });
  }
}
