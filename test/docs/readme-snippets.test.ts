import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  App, aws_certificatemanager as acm, aws_ec2 as ec2, aws_iam as iam, aws_rds as rds, aws_route53 as route53, aws_s3 as s3,
  aws_secretsmanager as secretsmanager, cx_api as cxapi, Stack,
} from 'aws-cdk-lib';
import * as ts from 'typescript';
import * as library from '../../src';

/*
 * Every TypeScript snippet of the README, synthesized as a user would run it: in an app with the feature
 * flags `cdk init` writes, without credentials, account or region. jsii-rosetta only compiles them;
 * a lookup that needs an account, or a missing file, shows only here. The values the README's snippets
 * take as given (`vpc`, `hostedZone`, ... declared in rosetta/default.ts-fixture) are built below.
 */

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const fixture = readFileSync(join(root, 'rosetta', 'default.ts-fixture'), 'utf8');
const fixtureImports = fixture.slice(0, fixture.indexOf('declare const'));

const snippets: string[] = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]);

/** What rosetta/default.ts-fixture declares, as real constructs of `stack`'s app. */
function givenValues(app: App, stack: Stack): Record<string, unknown> {
  const vpc = new ec2.Vpc(stack, 'GivenVpc', { natGateways: 1 });
  return {
    app,
    stack,
    vpc,
    existingBucket: s3.Bucket.fromBucketName(stack, 'GivenBucket', 'my-existing-bucket'),
    certificate: acm.Certificate.fromCertificateArn(stack, 'GivenCertificate', 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab'),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'GivenZone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    databaseSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'GivenSecret', 'metaflow-database'),
    databaseInstance: new rds.DatabaseInstance(stack, 'GivenDatabase', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    }),
    sharedStack: new Stack(app, 'SharedStack'),
    teamStack: new Stack(app, 'TeamStack'),
    boundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'GivenBoundary', 'metaflow-boundary'),
  };
}

/** Runs TypeScript source as CommonJS, with `cdk-metaflow-platform` resolved to this repository's source. */
function run(source: string, self: unknown, scope: Record<string, unknown>): void {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const exported: Record<string, unknown> = {};
  // The snippet's imports, as its compiled form asks for them; the library is this repository's source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string) => (name === 'cdk-metaflow-platform' ? library : require(name));
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'exports', ...Object.keys(scope), js).call(self, load, exported, ...Object.values(scope));
}

/** Synthesizes one snippet; returns the warnings and errors the synthesis reported. */
function synthesize(snippet: string): string[] {
  const app = new App({ context: cxapi.CURRENTLY_RECOMMENDED_FLAGS });
  // The stack of `cdk init` (`this` in a snippet), as `stack`; a block, so that a snippet's own `const` may shadow a given value.
  const stack = new Stack(app, 'MetaflowStack');
  run(`${fixtureImports}\n{\n${snippet}\n}`, stack, givenValues(app, stack));
  return app.synth().stacks.flatMap((synthesized) => synthesized.messages)
    .filter((message) => message.level !== 'info')
    .map((message) => `${message.level} at ${message.id}: ${message.entry.data}`);
}

describe('README TypeScript snippets', () => {
  const cwd = process.cwd();
  beforeAll(() => {
    // The SSL snippet builds the metadata image from ./metadata-image, as a user's app folder would hold it.
    const appFolder = mkdtempSync(join(tmpdir(), 'readme-app-'));
    mkdirSync(join(appFolder, 'metadata-image'));
    writeFileSync(join(appFolder, 'metadata-image', 'Dockerfile'), 'FROM netflixoss/metaflow_metadata_service:v2.5.1\n');
    process.chdir(appFolder);
  });
  afterAll(() => process.chdir(cwd));

  test('there are snippets, the quick start among them', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(12);
    expect(snippets).toContain("new MetaflowPlatform(this, 'Metaflow');\n");
  });

  test.each(snippets.map((snippet, index) => [index + 1, snippet.split('\n')[0], snippet] as const))(
    'snippet %i (%s) synthesizes offline without a warning', (_index, _firstLine, snippet) => {
      expect(synthesize(snippet)).toEqual([]);
    });
});
