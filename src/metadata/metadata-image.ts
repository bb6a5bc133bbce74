/** The Python of the upstream image (`netflixoss/metaflow_metadata_service`), which has the services installed. */
export const METADATA_PYTHON = '/opt/latest/bin/python3';
