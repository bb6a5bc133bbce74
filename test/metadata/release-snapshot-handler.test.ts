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
  return {
    handler: module.exports.handler as (event: any) => Promise<any>,
    isComplete: module.exports.isComplete as (event: any) => Promise<any>,
    calls,
  };
}

const V251 = 'netflixoss/metaflow_metadata_service:v2.5.1';
const V260 = 'netflixoss/metaflow_metadata_service:v2.6.0';
const properties = {
  Kind: 'instance',
  Identifier: 'metaflow-metadatadatabaseinstance706d9a54-q1w2e3r4t5y6',
  Release: V260,
  BeforeFirstMigration: 'false',
};
const instanceSnapshot = (Status: string) => ({ DBSnapshots: [{ Status }] });
const releaseChange = {
  RequestType: 'Update',
  PhysicalResourceId: 'metaflow-release-snapshot',
  ResourceProperties: properties,
  OldResourceProperties: { ...properties, Release: V251 },
};

describe('release snapshot handler', () => {
  test('a release change snapshots the instance under a name that says both releases and tags the images', async () => {
    const { handler, calls } = loadHandler();
    const result = await handler(releaseChange);

    expect(calls).toHaveLength(1);
    const create = calls[0];
    expect(create.command).toBe('CreateDBSnapshotCommand');
    expect(create.input.DBInstanceIdentifier).toBe(properties.Identifier);
    expect(create.input.DBSnapshotIdentifier).toMatch(/^metaflow-v2-5-1-to-v2-6-0-\d{8}-\d{6}-r4t5y6$/);
    expect(create.input.DBSnapshotIdentifier.length).toBeLessThanOrEqual(63);
    expect(create.input.Tags).toEqual([{ Key: 'metaflow:from-release', Value: V251 }, { Key: 'metaflow:to-release', Value: V260 }]);
    expect(result).toEqual({ PhysicalResourceId: 'metaflow-release-snapshot', Data: { SnapshotIdentifier: create.input.DBSnapshotIdentifier } });
  });

  test('the completion check, with what onEvent returned, answers false until the snapshot is available', async () => {
    const { handler, isComplete, calls } = loadHandler([instanceSnapshot('creating'), instanceSnapshot('available')]);
    // The provider framework passes onEvent's PhysicalResourceId and Data on to isComplete.
    const event = { ...releaseChange, ...(await handler(releaseChange)) };
    await expect(isComplete(event)).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(event)).resolves.toEqual({ IsComplete: true });
    expect(calls.slice(1)).toEqual([
      { command: 'DescribeDBSnapshotsCommand', input: { DBSnapshotIdentifier: event.Data.SnapshotIdentifier } },
      { command: 'DescribeDBSnapshotsCommand', input: { DBSnapshotIdentifier: event.Data.SnapshotIdentifier } },
    ]);
  });

  test('an Aurora cluster gets a cluster snapshot, and its completion check asks for cluster snapshots', async () => {
    const { handler, isComplete, calls } = loadHandler([{ DBClusterSnapshots: [{ Status: 'available' }] }]);
    const cluster = { ...properties, Kind: 'cluster', Identifier: 'metaflow-cluster-abc' };
    const update = { RequestType: 'Update', ResourceProperties: cluster, OldResourceProperties: { ...cluster, Release: V251 } };
    await expect(isComplete({ ...update, ...(await handler(update)) })).resolves.toEqual({ IsComplete: true });
    expect(calls.map((call) => call.command)).toEqual(['CreateDBClusterSnapshotCommand', 'DescribeDBClusterSnapshotsCommand']);
    expect(calls[0].input.DBClusterIdentifier).toBe('metaflow-cluster-abc');
    expect(calls[0].input.DBClusterSnapshotIdentifier).toMatch(/^metaflow-v2-5-1-to-v2-6-0-\d{8}-\d{6}-er-abc$/);
  });

  test('an image by digest or a long tag still gives a valid name of at most 63 characters', async () => {
    const { handler, calls } = loadHandler();
    await handler({
      RequestType: 'Update',
      ResourceProperties: { ...properties, Release: '111122223333.dkr.ecr.us-east-1.amazonaws.com/metaflow@sha256:0123456789abcdef0123' },
      OldResourceProperties: { ...properties, Release: 'registry.example.com:5000/team/metaflow:2026.12.06-build.1234567' },
    });
    const name = calls[0].input.DBSnapshotIdentifier;
    expect(name).toMatch(/^metaflow-2026-12-06-bu-to-0123456789ab-\d{8}-\d{6}-r4t5y6$/);
    expect(name).toMatch(/^[a-z](?!.*--)[a-z0-9-]{0,62}$/);
  });

  test('no snapshot, and nothing to wait for, when the release stays, the database was replaced, on a new database, or on delete', async () => {
    const { handler, isComplete, calls } = loadHandler();
    const none = { PhysicalResourceId: 'metaflow-release-snapshot', Data: { SnapshotIdentifier: '' } };
    const events = [
      { RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: properties },
      { RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: { ...properties, Identifier: 'restored-one', Release: V251 } },
      { RequestType: 'Create', ResourceProperties: properties },
      { RequestType: 'Delete', PhysicalResourceId: 'metaflow-release-snapshot', ResourceProperties: properties },
    ];
    for (const event of events) {
      const result = await handler(event);
      expect(result).toEqual(none);
      await expect(isComplete({ ...event, ...result })).resolves.toEqual({ IsComplete: true });
    }
    expect(calls).toEqual([]);
  });

  test('a database that holds data already is snapshotted before the first migration', async () => {
    const { handler, calls } = loadHandler();
    await handler({ RequestType: 'Create', ResourceProperties: { ...properties, BeforeFirstMigration: 'true' } });
    expect(calls[0].input.DBSnapshotIdentifier).toMatch(/^metaflow-before-v2-6-0-\d{8}-\d{6}-r4t5y6$/);
    expect(calls[0].input.Tags[0]).toEqual({ Key: 'metaflow:from-release', Value: 'none' });
  });

  test('a failed snapshot fails the deployment before the migration runs', async () => {
    const { isComplete } = loadHandler([instanceSnapshot('failed')]);
    await expect(isComplete({ ...releaseChange, Data: { SnapshotIdentifier: 'metaflow-x' } }))
      .rejects.toThrow(/Snapshot metaflow-x of .* failed; the schema migration did not run/);
  });

  test('fits CloudFormation\'s inline code limit', () => {
    expect(RELEASE_SNAPSHOT_HANDLER.length).toBeLessThan(4096);
  });
});
