import { App } from 'aws-cdk-lib';
import { FullPlatformStack } from './stack';

const app = new App();
new FullPlatformStack(app, 'MetaflowFull');
app.synth();
