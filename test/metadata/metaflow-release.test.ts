import { App, aws_ecs as ecs, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MetaflowPlatform, MetaflowPlatformProps, MetaflowRelease, UiLogin } from '../../src';

const ui = { internetFacing: false, login: UiLogin.none() };

/** Image of every container: service, migration and UI. */
function images(props: MetaflowPlatformProps): string[] {
  const stack = new Stack(new App(), 'Test');
  new MetaflowPlatform(stack, 'Metaflow', props);
  return Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))
    .flatMap((task) => task.Properties.ContainerDefinitions.map((container: any) => `${container.Name}=${container.Image}`)).sort();
}

describe('MetaflowRelease', () => {
  test('LATEST is metadata service v2.5.1 with its bundled UI v1.3.13', () => {
    expect(MetaflowRelease.LATEST).toBe(MetaflowRelease.V2_5_1);
    expect(MetaflowRelease.V2_5_1.name).toBe('metadata service v2.5.1 with UI v1.3.13');
  });

  test('by default the service, the migration and the UI run the release\'s image', () => {
    expect(images({ ui })).toEqual([
      'metadata=netflixoss/metaflow_metadata_service:v2.5.1',
      'migration=netflixoss/metaflow_metadata_service:v2.5.1',
      'ui=netflixoss/metaflow_metadata_service:v2.5.1',
    ]);
  });

  test('a custom release pins its own images for each part', () => {
    const release = MetaflowRelease.of({
      name: 'ours',
      metadataServiceImage: ecs.ContainerImage.fromRegistry('example.com/metadata:1'),
      uiImage: ecs.ContainerImage.fromRegistry('example.com/ui:1'),
    });
    expect(images({ ui, release })).toEqual([
      'metadata=example.com/metadata:1', 'migration=example.com/metadata:1', 'ui=example.com/ui:1',
    ]);
  });

  test('a part\'s image overrides the release for that part only', () => {
    const release = MetaflowRelease.of({ name: 'ours', metadataServiceImage: ecs.ContainerImage.fromRegistry('example.com/metadata:1') });
    expect(images({ release, ui: { ...ui, image: ecs.ContainerImage.fromRegistry('example.com/ui:2') } })).toEqual([
      'metadata=example.com/metadata:1', 'migration=example.com/metadata:1', 'ui=example.com/ui:2',
    ]);
  });
});
