import { aws_ec2 as ec2, aws_iam as iam, SecretValue, Stack } from 'aws-cdk-lib';
import { IMetaflowApi } from './api-reference';
import { MetaflowMetadataService } from './metadata-service';
import { IMetaflowMetadataService } from './metadata-service-reference';
import { MetaflowDatastore } from '../datastore/datastore';
import { MetaflowUi } from '../ui/ui';

/**
 * A platform's own metadata service as others see it: the public API's URL and key when it has
 * one, the internal URL otherwise.
 *
 * @internal
 */
export class OwnMetadataService implements IMetaflowMetadataService {
  /**
   * @param service the platform's metadata service
   * @param api its public API, if any
   * @param ui the platform's UI, if any (created after this object, so it is asked for when needed)
   */
  constructor(private readonly service: MetaflowMetadataService, private readonly api: IMetaflowApi | undefined,
    private readonly ui: () => MetaflowUi | undefined) {}

  public get serviceUrl(): string {
    return this.api?.url ?? this.service.serviceUrl;
  }

  public get internalUrl(): string {
    return this.service.internalUrl;
  }

  /** For platforms in other stacks: a reference that survives a key rotation (`MetaflowApi.keyForOtherStacks`). */
  public get authKey(): SecretValue | undefined {
    return this.api?.keyForOtherStacks();
  }

  /** The VPC the service runs in, which a platform recording into it must share. */
  public get vpc(): ec2.IVpc {
    return this.service.cluster.vpc;
  }

  public allowClientsFrom(peer: ec2.IConnectable): void {
    this.service.allowClientsFrom(peer);
  }

  public grantUiRead(datastore: MetaflowDatastore): void {
    const ui = this.ui();
    if (!ui) {
      return;
    }
    const role = ui.taskDefinition.taskRole;
    if (Stack.of(datastore) === Stack.of(role)) {
      datastore.grantRead(role);
      return;
    }
    // The datastore's stack depends on this one: a grant written here would make the dependency circular, so the
    // policy lives beside the datastore and is attached to the role by name (a name is stable, and has no path in it).
    datastore.grantRead(iam.Role.fromRoleName(datastore, 'SharedUiTaskRole', (role as iam.Role).roleName));
  }
}
