/**
 * Source of the custom resource handler that takes a manual snapshot of the metadata database
 * before a schema migration and waits until it is available. Kept inline (under CloudFormation's
 * 4 KiB ZipFile limit) so the library ships no asset; the unit tests load and exercise this text.
 *
 * Update snapshots when `Release` (the migration's image) changes on the same database; Create
 * only when `BeforeFirstMigration` is 'true' (a database that holds data already); Delete never
 * (snapshots are kept). The snapshot is named `metaflow-<from>-to-<to>-<UTC time>-<database tail>`
 * (at most 63 characters, the cluster snapshot limit) and tagged with the full image names.
 *
 * @internal
 */
export const RELEASE_SNAPSHOT_HANDLER = `
const rds = require('@aws-sdk/client-rds');
const client = new rds.RDSClient({});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
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
  const deadline = Date.now() + Number(p.TimeoutSeconds) * 1000;
  while (Date.now() < deadline) {
    await sleep(Number(p.PollSeconds) * 1000);
    const found = ((await client.send(new rds[kind.describe]({ [kind.id]: name })))[kind.list] || [])[0] || {};
    if (found.Status === 'available') return { PhysicalResourceId: physicalId, Data: { SnapshotIdentifier: name } };
    if (found.Status === 'failed' || found.Status === 'error') throw new Error('Snapshot ' + name + ' of ' + p.Identifier + ' failed; the schema migration did not run.');
  }
  throw new Error('Snapshot ' + name + ' of ' + p.Identifier + ' was not available within ' + p.TimeoutSeconds
    + ' seconds; the schema migration did not run. Deploy again once the snapshot is available (the next one is incremental).');
};
`;
