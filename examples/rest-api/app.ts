import { App } from 'aws-cdk-lib';
import { RestApiPlatformStack } from './stack';

// Synthesizes offline: no account, region or credentials needed. The output folder comes from CDK_OUTDIR.
const app = new App();
new RestApiPlatformStack(app, 'MetaflowRestApi');
app.synth();
