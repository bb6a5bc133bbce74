import { App } from 'aws-cdk-lib';
import { AuroraPlatformStack } from './stack';

// Synthesizes offline: no account, region or credentials needed. The output folder comes from CDK_OUTDIR.
const app = new App();
new AuroraPlatformStack(app, 'MetaflowAurora');
app.synth();
