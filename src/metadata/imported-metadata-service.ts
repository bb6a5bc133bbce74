import { aws_ec2 as ec2, aws_iam as iam, SecretValue, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { admitMetadataClients, METADATA_SERVICE_PORT } from './metadata-clients';
import { IMetaflowMetadataService, MetaflowMetadataServiceAttributes } from './metadata-service-reference';
import { MetaflowDatastore } from '../datastore/datastore';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

/**
 * A metadata service that exists already, reached through its attributes.
 *
 * @internal
 */
export class ImportedMetadataService extends Construct implements IMetaflowMetadataService {
  public readonly serviceUrl: string;
  public readonly internalUrl: string;
  public readonly authKey?: SecretValue;
  private readonly securityGroup?: ec2.ISecurityGroup;
  private readonly clientPort: number;
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
        'give the full URL with its trailing slash, e.g. http://metadata.metaflow-1a2b3c4d.internal:8080/');
    }
    errors.check(isIntegerInRange(attrs.clientPort, 1, 65535), 'clientPort', `must be a port number from 1 to 65535, got ${shown(attrs.clientPort)}`,
      'give the port of the internal URL (8080 for a platform\'s metadata service)');
    errors.throwIfAny();
    this.serviceUrl = attrs.serviceUrl;
    this.internalUrl = attrs.internalUrl;
    this.authKey = attrs.authKeySecret?.secretValue;
    this.securityGroup = attrs.securityGroup;
    this.clientPort = attrs.clientPort ?? METADATA_SERVICE_PORT;
    this.uiTaskRole = attrs.uiTaskRole;
  }

  public allowClientsFrom(peer: ec2.IConnectable): void {
    if (this.securityGroup) {
      admitMetadataClients(peer, this.securityGroup, this.clientPort);
    }
  }

  public grantUiRead(datastore: MetaflowDatastore): void {
    if (this.uiTaskRole) {
      datastore.grantRead(this.uiTaskRole);
    }
  }
}
