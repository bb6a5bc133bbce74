import { aws_ec2 as ec2, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { MetaflowApi } from './api';
import { MetaflowMetadataService } from './metadata-service';
import { IMetaflowMetadataService } from './metadata-service-reference';

/**
 * A platform's own metadata service as others see it: the public API's URL and key when it has
 * one, the internal URL otherwise.
 *
 * @internal
 */
export class OwnMetadataService implements IMetaflowMetadataService {
  constructor(private readonly service: MetaflowMetadataService, private readonly api: MetaflowApi | undefined) {}

  public get serviceUrl(): string {
    return this.api?.url ?? this.service.internalUrl;
  }

  public get internalUrl(): string {
    return this.service.internalUrl;
  }

  public get authKeySecret(): secretsmanager.ISecret | undefined {
    return this.api?.apiKeySecret;
  }

  public allowClientsFrom(peer: ec2.IConnectable): void {
    this.service.allowClientsFrom(peer);
  }
}
