/**
 * Source of the custom resource handler that takes a manual snapshot of the metadata database
 * before a schema migration. Kept inline (under CloudFormation's 4 KiB ZipFile limit) so the library
 * ships no asset; the unit tests load and exercise this text.
 *
 * `handler` (onEvent) starts the snapshot: on Update when `Release` (the migration's image) changes on
 * the same database, on Create only when `BeforeFirstMigration` is 'true' (a database that holds data
 * already), on Delete never (snapshots are kept). The snapshot is named
 * `metaflow-<from>-to-<to>-<UTC time>-<database tail>` (at most 63 characters, the cluster snapshot
 * limit) and tagged with the full image names. `isComplete` waits until it is available: the provider
 * framework's waiter calls it, with onEvent's `Data` merged into the event (aws-cdk-lib
 * custom-resources/lib/provider-framework/runtime/framework.js, `createResponseEvent`), until it
 * answers true or the provider's total timeout passes.
 *
 * @internal
 */
export const RELEASE_SNAPSHOT_HANDLER = `
const rds = require('@aws-sdk/client-rds');
const client = new rds.RDSClient({});
const clean = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
const label = (image) => {
  const last = String(image).split('/').pop();
  const tag = last.includes('@') ? last.split('@').pop().replace(/^sha256:/, '').slice(0, 12) : last.split(':').pop();
  return clean(tag).slice(0, 13).replace(/-+$/, '') || 'image';
};
const api = {
  instance: { create: 'CreateDBSnapshotCommand', describe: 'DescribeDBSnapshotsCommand', source: 'DBInstanceIdentifier', id: 'DBSnapshotIdentifier', list: 'DBSnapshots' },
  cluster: { create: 'CreateDBClusterSnapshotCommand', describe: 'DescribeDBClusterSnapshotsCommand', source: 'DBClusterIdentifier', id: 'DBClusterSnapshotIdentifier', list: 'DBClusterSnapshots' },
};

exports.handler = async (event) => {
  const physicalId = event.PhysicalResourceId || 'metaflow-release-snapshot';
  const p = event.ResourceProperties;
  const old = event.OldResourceProperties || {};
  const none = { PhysicalResourceId: physicalId, Data: { SnapshotIdentifier: '' } };
  if (event.RequestType === 'Delete') return none;
  if (event.RequestType === 'Create' && p.BeforeFirstMigration !== 'true') return none;
  if (event.RequestType === 'Update' && (old.Identifier !== p.Identifier || old.Release === p.Release)) return none;
  const from = event.RequestType === 'Create' ? 'before' : label(old.Release) + '-to';
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = ['metaflow', from, label(p.Release), stamp, clean(p.Identifier).slice(-6)].join('-').replace(/-+/g, '-').slice(0, 63).replace(/-+$/, '');
  const kind = api[p.Kind];
  await client.send(new rds[kind.create]({
    [kind.source]: p.Identifier,
    [kind.id]: name,
    Tags: [{ Key: 'metaflow:from-release', Value: String(old.Release || 'none').slice(0, 256) },
      { Key: 'metaflow:to-release', Value: String(p.Release).slice(0, 256) }],
  }));
  return { PhysicalResourceId: physicalId, Data: { SnapshotIdentifier: name } };
};

exports.isComplete = async (event) => {
  const name = (event.Data || {}).SnapshotIdentifier;
  if (!name) return { IsComplete: true };
  const p = event.ResourceProperties;
  const kind = api[p.Kind];
  const found = ((await client.send(new rds[kind.describe]({ [kind.id]: name })))[kind.list] || [])[0] || {};
  if (found.Status === 'failed' || found.Status === 'error') {
    throw new Error('Snapshot ' + name + ' of ' + p.Identifier + ' failed; the schema migration did not run.');
  }
  return { IsComplete: found.Status === 'available' };
};
`;
