/** The upstream release the library is tested against (the seed template pins v2.4.12); it bundles UI v1.3.13. */
export const DEFAULT_METADATA_IMAGE = 'netflixoss/metaflow_metadata_service:v2.5.1';
/** The image's Python, which has the metadata service installed. */
export const METADATA_PYTHON = '/opt/latest/bin/python3';
