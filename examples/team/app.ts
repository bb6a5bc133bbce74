import { App } from 'aws-cdk-lib';
import { SharedMetadataStack, TeamPlatformStack } from './stack';

// Synthesizes offline: no account, region or credentials needed. The output folder comes from CDK_OUTDIR.
const app = new App();
const shared = new SharedMetadataStack(app, 'MetaflowShared');
new TeamPlatformStack(app, 'MetaflowTeamVision', { shared: shared.platform, team: 'vision' });
app.synth();
