import { App } from 'aws-cdk-lib';
import { MetaflowDataStack, MetaflowServicesStack } from './stack';

// Synthesizes offline: no account, region or credentials needed. The output folder comes from CDK_OUTDIR.
const app = new App();
const data = new MetaflowDataStack(app, 'MetaflowData');
new MetaflowServicesStack(app, 'MetaflowServices', { data });
app.synth();
