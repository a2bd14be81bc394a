export * from './client';
export * from './schema';
export * from './tenancy';
export * from './testing';
