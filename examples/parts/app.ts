import { App } from 'aws-cdk-lib';
import { PartsStack } from './stack';

const app = new App();
new PartsStack(app, 'MetaflowParts');
app.synth();
