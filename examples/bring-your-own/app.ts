import { App } from 'aws-cdk-lib';
import { BringYourOwnStack } from './stack';

const app = new App();
new BringYourOwnStack(app, 'MetaflowBringYourOwn', { env: { account: '111122223333', region: 'us-east-1' } });
app.synth();
