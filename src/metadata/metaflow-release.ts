import { aws_ecs as ecs } from 'aws-cdk-lib';

const METADATA_SERVICE_REPOSITORY = 'netflixoss/metaflow_metadata_service';

/**
 * A custom combination of images, for `MetaflowRelease.of`.
 */
export interface MetaflowReleaseOptions {
  /** A name for the combination, shown in the README of your platform and in `MetaflowRelease.name`. */
  readonly name: string;

  /** The image of the metadata service and its schema migration. */
  readonly metadataServiceImage: ecs.ContainerImage;

  /**
   * The image of the UI backend, which serves the bundled UI too.
   *
   * @default - the metadata service image (upstream ships both services in one image)
   */
  readonly uiImage?: ecs.ContainerImage;
}

/**
 * Which Metaflow service release a platform runs: the metadata service image, its schema migration
 * and the UI image, pinned together to a combination known to work. A part's own `image` option
 * overrides the release for that part only.
 *
 * Upstream publishes one image, `netflixoss/metaflow_metadata_service:<version>`, whose Dockerfile
 * bundles a fixed UI release (`ARG UI_VERSION` in metaflow-service's Dockerfile), so a release is one
 * image today; the type keeps the UI separate for images you build yourself.
 */
export class MetaflowRelease {
  /**
   * Metadata service v2.5.1 with the UI v1.3.13 its image bundles. Its migrations and service were run
   * against PostgreSQL 15 and 17 with forced SSL, and served a real flow's runs.
   */
  public static readonly V2_5_1 = MetaflowRelease.upstream('v2.5.1', 'v1.3.13');

  /** The newest combination this version of the library is tested with (today `V2_5_1`); a library upgrade may move it. */
  public static readonly LATEST = MetaflowRelease.V2_5_1;

  /**
   * Your own combination of images, for example an image you built with a newer UI.
   *
   * @param options the images and a name for them
   */
  public static of(options: MetaflowReleaseOptions): MetaflowRelease {
    return new MetaflowRelease(options.name, options.metadataServiceImage, options.uiImage ?? options.metadataServiceImage);
  }

  private static upstream(serviceVersion: string, bundledUiVersion: string): MetaflowRelease {
    const image = ecs.ContainerImage.fromRegistry(`${METADATA_SERVICE_REPOSITORY}:${serviceVersion}`);
    return new MetaflowRelease(`metadata service ${serviceVersion} with UI ${bundledUiVersion}`, image, image);
  }

  /**
   * @param name what the combination is, such as 'metadata service v2.5.1 with UI v1.3.13'
   * @param metadataServiceImage the image of the metadata service and its schema migration
   * @param uiImage the image of the UI backend and bundled UI
   */
  private constructor(
    public readonly name: string,
    public readonly metadataServiceImage: ecs.ContainerImage,
    public readonly uiImage: ecs.ContainerImage,
  ) {}
}
