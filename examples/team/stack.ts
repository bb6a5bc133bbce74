import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowPlatform, PublicApi, StepFunctionsIntegration } from '../../src';

/** Props of `SharedMetadataStack`. */
export interface SharedMetadataStackProps extends StackProps {
  /** Raise by one to rotate the API key; deploy this stack, then the team stacks. */
  readonly apiKeyGeneration?: number;
}

/** The platform team's stack: the network, the metadata service and its API, and a platform of its own. */
export class SharedMetadataStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props: SharedMetadataStackProps = {}) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow', { api: PublicApi.httpApi({ apiKeyGeneration: props.apiKeyGeneration }) });
  }
}

/** Props of `TeamPlatformStack`. */
export interface TeamPlatformStackProps extends StackProps {
  /** The platform whose network and metadata service the team uses. */
  readonly shared: MetaflowPlatform;
  /** Short team name, which prefixes the team's state machines. */
  readonly team: string;
}

/**
 * A team's platform: its own bucket, Batch queues, roles and Step Functions, recording runs in the
 * shared metadata service. It creates no database, metadata service, load balancer or API.
 */
export class TeamPlatformStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props: TeamPlatformStackProps) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      network: { vpc: props.shared.network.vpc },
      metadataService: props.shared.metadataService,
      stepFunctions: StepFunctionsIntegration.enabled({ stateMachinePrefix: props.team }),
    });
  }
}
