import { aws_ec2 as ec2, aws_iam as iam, SecretValue, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { admitMetadataClients } from './metadata-clients';
import { IMetaflowMetadataService, MetaflowMetadataServiceAttributes } from './metadata-service-reference';
import { MetaflowDatastore } from '../datastore/datastore';
import { PropErrors } from '../private/prop-errors';

/**
 * A metadata service that exists already, reached through its attributes.
 *
 * @internal
 */
export class ImportedMetadataService extends Construct implements IMetaflowMetadataService {
  public readonly serviceUrl: string;
  public readonly internalUrl: string;
  public readonly authKey?: SecretValue;
  private readonly loadBalancerSecurityGroup?: ec2.ISecurityGroup;
  private readonly uiTaskRole?: iam.IRole;

  constructor(scope: Construct, id: string, attrs: MetaflowMetadataServiceAttributes) {
    super(scope, id);
    const errors = PropErrors.for('MetaflowMetadataService.fromAttributes');
    const publicUrl = Token.isUnresolved(attrs.serviceUrl) || Token.isUnresolved(attrs.internalUrl) || attrs.serviceUrl !== attrs.internalUrl;
    errors.check(!(attrs.apiKeyRequired ?? publicUrl) || attrs.authKeySecret !== undefined, 'authKeySecret',
      'is missing but the service URL requires an API key, so every client call would be refused with 403',
      'pass the API key secret (a shared platform\'s api.apiKeySecret), or apiKeyRequired: false for an API without key');
    for (const [prop, url] of [['serviceUrl', attrs.serviceUrl], ['internalUrl', attrs.internalUrl]] as const) {
      errors.check(Token.isUnresolved(url) || /^https?:\/\/\S+\/$/.test(url), prop, `'${url}' is not an http(s) URL ending in /`,
        'give the full URL with its trailing slash, e.g. http://internal-metadata-123.us-east-1.elb.amazonaws.com/');
    }
    errors.throwIfAny();
    this.serviceUrl = attrs.serviceUrl;
    this.internalUrl = attrs.internalUrl;
    this.authKey = attrs.authKeySecret?.secretValue;
    this.loadBalancerSecurityGroup = attrs.loadBalancerSecurityGroup;
    this.uiTaskRole = attrs.uiTaskRole;
  }

  public allowClientsFrom(peer: ec2.IConnectable): void {
    if (this.loadBalancerSecurityGroup) {
      admitMetadataClients(peer, this.loadBalancerSecurityGroup);
    }
  }

  public grantUiRead(datastore: MetaflowDatastore): void {
    if (this.uiTaskRole) {
      datastore.grantRead(this.uiTaskRole);
    }
  }
}
