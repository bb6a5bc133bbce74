import { RELEASE_SNAPSHOT_HANDLER } from '../../src/metadata/release-snapshot-handler';

/** Loads the handler text exactly as Lambda would, with a scripted RDS client in place of the SDK. */
function loadHandler(describe: any[] = []) {
  const calls: Array<{ command: string; input: any }> = [];
  const queue = [...describe];
  class Command {
    constructor(public readonly input: any) {}
  }
  const commands = Object.fromEntries(['CreateDBSnapshotCommand', 'DescribeDBSnapshotsCommand', 'CreateDBClusterSnapshotCommand',
    'DescribeDBClusterSnapshotsCommand'].map((name) => [name, { [name]: class extends Command {} }[name]]));
  class RDSClient {
    async send(command: Command) {
      calls.push({ command: command.constructor.name, input: command.input });
      return command.constructor.name.startsWith('Create') ? {} : queue.shift();
    }
  }
  const module = { exports: {} as any };
  const fakeRequire = (name: string) => {
    expect(name).toBe('@aws-sdk/client-rds');
    return { RDSClient, ...commands };
  };
  new Function('require', 'exports', 'module', RELEASE_SNAPSHOT_HANDLER)(fakeRequire, module.exports, module);
  return { handler: module.exports.handler as (event: any) => Promise<any>, calls };
}

const V251 = 'netflixoss/metaflow_metadata_service:v2.5.1';
const V260 = 'netflixoss/metaflow_metadata_service:v2.6.0';
const properties = {
  Kind: 'instance',
  Identifier: 'metaflow-metadatadatabaseinstance706d9a54-q1w2e3r4t5y6',
  Release: V260,
  BeforeFirstMigration: 'false',
  TimeoutSeconds: '5',
  PollSeconds: '0',
};
const instanceSnapshot = (Status: string) => ({ DBSnapshots: [{ Status }] });

describe('release snapshot handler', () => {
  test('a release change snapshots the instance under a name that says both releases, tags the images and waits until it is available', async () => {
    const { handler, calls } = loadHandler([instanceSnapshot('creating'), instanceSnapshot('available')]);
    const result = await handler({
      RequestType: 'Update',
      PhysicalResourceId: 'metaflow-release-snapshot',
      ResourceProperties: properties,
      OldResourceProperties: { ...properties, Release: V251 },
    });

    const create = calls[0];
    expect(create.command).toBe('CreateDBSnapshotCommand');
    expect(create.input.DBInstanceIdentifier).toBe(properties.Identifier);
    expect(create.input.DBSnapshotIdentifier).toMatch(/^metaflow-v2-5-1-to-v2-6-0-\d{8}-\d{6}-r4t5y6$/);
    expect(create.input.DBSnapshotIdentifier.length).toBeLessThanOrEqual(63);
    expect(create.input.Tags).toEqual([{ Key: 'metaflow:from-release', Value: V251 }, { Key: 'metaflow:to-release', Value: V260 }]);
    expect(calls.slice(1).map((call) => call.command)).toEqual(['DescribeDBSnapshotsCommand', 'DescribeDBSnapshotsCommand']);
    expect(calls[1].input).toEqual({ DBSnapshotIdentifier: create.input.DBSnapshotIdentifier });
    expect(result).toEqual({ PhysicalResourceId: 'metaflow-release-snapshot', Data: { SnapshotIdentifier: create.input.DBSnapshotIdentifier } });
  });

  test('an Aurora cluster gets a cluster snapshot', async () => {
    const { handler, calls } = loadHandler([{ DBClusterSnapshots: [{ Status: 'available' }] }]);
    await handler({
      RequestType: 'Update',
      ResourceProperties: { ...properties, Kind: 'cluster', Identifier: 'metaflow-cluster-abc' },
      OldResourceProperties: { ...properties, Kind: 'cluster', Identifier: 'metaflow-cluster-abc', Release: V251 },
    });
    expect(calls.map((call) => call.command)).toEqual(['CreateDBClusterSnapshotCommand', 'DescribeDBClusterSnapshotsCommand']);
    expect(calls[0].input.DBClusterIdentifier).toBe('metaflow-cluster-abc');
    expect(calls[0].input.DBClusterSnapshotIdentifier).toMatch(/^metaflow-v2-5-1-to-v2-6-0-\d{8}-\d{6}-er-abc$/);
  });

  test('an image by digest or a long tag still gives a valid name of at most 63 characters', async () => {
    const { handler, calls } = loadHandler([instanceSnapshot('available')]);
    await handler({
      RequestType: 'Update',
      ResourceProperties: { ...properties, Release: '111122223333.dkr.ecr.us-east-1.amazonaws.com/metaflow@sha256:0123456789abcdef0123' },
      OldResourceProperties: { ...properties, Release: 'registry.example.com:5000/team/metaflow:2026.12.06-build.1234567' },
    });
    const name = calls[0].input.DBSnapshotIdentifier;
    expect(name).toMatch(/^metaflow-2026-12-06-bu-to-0123456789ab-\d{8}-\d{6}-r4t5y6$/);
    expect(name).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,62}$/);
  });

  test('no snapshot when the release stays, when the database itself was replaced, on a new database, or on delete', async () => {
    const { handler, calls } = loadHandler();
    const none = { PhysicalResourceId: 'metaflow-release-snapshot', Data: { SnapshotIdentifier: '' } };
    await expect(handler({ RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: properties })).resolves.toEqual(none);
    await expect(handler({
      RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: { ...properties, Identifier: 'restored-one', Release: V251 },
    })).resolves.toEqual(none);
    await expect(handler({ RequestType: 'Create', ResourceProperties: properties })).resolves.toEqual(none);
    await expect(handler({ RequestType: 'Delete', PhysicalResourceId: 'metaflow-release-snapshot', ResourceProperties: properties })).resolves.toEqual(none);
    expect(calls).toEqual([]);
  });

  test('a database that holds data already is snapshotted before the first migration', async () => {
    const { handler, calls } = loadHandler([instanceSnapshot('available')]);
    await handler({ RequestType: 'Create', ResourceProperties: { ...properties, BeforeFirstMigration: 'true' } });
    expect(calls[0].input.DBSnapshotIdentifier).toMatch(/^metaflow-before-v2-6-0-\d{8}-\d{6}-r4t5y6$/);
    expect(calls[0].input.Tags[0]).toEqual({ Key: 'metaflow:from-release', Value: 'none' });
  });

  test('a failed snapshot fails the deployment before the migration runs', async () => {
    const { handler } = loadHandler([instanceSnapshot('failed')]);
    await expect(handler({ RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: { ...properties, Release: V251 } }))
      .rejects.toThrow(/failed; the schema migration did not run/);
  });

  test('a snapshot that takes longer than the wait fails the deployment and says what to do', async () => {
    const { handler } = loadHandler(Array(1000).fill(instanceSnapshot('creating')));
    await expect(handler({
      RequestType: 'Update', ResourceProperties: { ...properties, TimeoutSeconds: '0.01' }, OldResourceProperties: { ...properties, Release: V251 },
    })).rejects.toThrow(/was not available within 0.01 seconds; the schema migration did not run. Deploy again once the snapshot is available/);
  });

  test('fits CloudFormation\'s inline code limit', () => {
    expect(RELEASE_SNAPSHOT_HANDLER.length).toBeLessThan(4096);
  });
});
