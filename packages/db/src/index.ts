export * from './client';
export * from './prepared';
export * from './schema';
export * from './tenancy';
export * from './testing';
