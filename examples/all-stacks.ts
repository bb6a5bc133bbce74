import { App, Stack } from 'aws-cdk-lib';
import { AuroraPlatformStack } from './aurora/stack';
import { BringYourOwnStack } from './bring-your-own/stack';
import { MetaflowDataStack, MetaflowServicesStack } from './data-stack/stack';
import { DefaultPlatformStack } from './default/stack';
import { FullPlatformStack } from './full/stack';
import { PartsStack } from './parts/stack';
import { PrivatePlatformStack } from './private/stack';
import { RestApiPlatformStack } from './rest-api/stack';
import { SharedMetadataStack, TeamPlatformStack } from './team/stack';
import { WithUiStack } from './with-ui/stack';

/**
 * Every example's stacks, by example folder, under the stack names its `app.ts` gives them: what the tests
 * (pinned logical ids, guardrails) and the idle-cost script go through. Stacks of one example share an app.
 */
export const EXAMPLE_STACKS: Record<string, (app: App) => Stack[]> = {
  'default': (app) => [new DefaultPlatformStack(app, 'MetaflowDefault')],
  'bring-your-own': (app) => [new BringYourOwnStack(app, 'MetaflowBringYourOwn', { env: { account: '111122223333', region: 'us-east-1' } })],
  'with-ui': (app) => [new WithUiStack(app, 'MetaflowWithUi')],
  'private': (app) => [new PrivatePlatformStack(app, 'MetaflowPrivate')],
  'full': (app) => [new FullPlatformStack(app, 'MetaflowFull')],
  'team': (app) => {
    const shared = new SharedMetadataStack(app, 'MetaflowShared');
    return [shared, new TeamPlatformStack(app, 'MetaflowTeamVision', { shared: shared.platform, team: 'vision' })];
  },
  'aurora': (app) => [new AuroraPlatformStack(app, 'MetaflowAurora')],
  'rest-api': (app) => [new RestApiPlatformStack(app, 'MetaflowRestApi')],
  'data-stack': (app) => {
    const data = new MetaflowDataStack(app, 'MetaflowData');
    return [data, new MetaflowServicesStack(app, 'MetaflowServices', { data })];
  },
  'parts': (app) => [new PartsStack(app, 'MetaflowParts')],
};

/** The stacks of every example, in one app. */
export function allExampleStacks(app: App): Stack[] {
  return Object.values(EXAMPLE_STACKS).flatMap((build) => build(app));
}
