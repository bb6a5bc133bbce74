export * from './platform';
export * from './network/network';
export * from './datastore/datastore';
export * from './compute/compute-environment-options';
export * from './compute/compute-environment';
export * from './compute/batch';
export * from './orchestration/step-functions';
export * from './config/config';
