import { readFileSync } from 'fs';
import { join } from 'path';
import { isOlderThanMinimum, MIN_METAFLOW_CLIENT_VERSION, pinnedMetaflowVersion } from '../../src/config/metaflow-client-version';

describe('the minimum Metaflow client version', () => {
  test('compares versions part by part', () => {
    expect(isOlderThanMinimum('2.18.2')).toBe(true);
    expect(isOlderThanMinimum('2.9.99')).toBe(true);
    expect(isOlderThanMinimum('2.18.3')).toBe(false);
    expect(isOlderThanMinimum('2.19.7')).toBe(false);
    expect(isOlderThanMinimum('3')).toBe(false);
  });

  test('the integration jobs and the local flow run install a client at least that new', () => {
    const requirement = readFileSync(join(__dirname, '..', 'integ', 'flows', 'requirements.txt'), 'utf8').trim();
    const pinned = pinnedMetaflowVersion(requirement);
    expect(pinned).toBeDefined();
    expect(isOlderThanMinimum(pinned!)).toBe(false);
  });

  test('the README states it', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(`Metaflow ${MIN_METAFLOW_CLIENT_VERSION} or newer`);
    expect(readme).toContain(`pip install 'metaflow>=${MIN_METAFLOW_CLIENT_VERSION}'`);
  });
});
