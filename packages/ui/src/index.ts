// The framework-free part of @cascade/ui. Vue components are imported by path
// (`@cascade/ui/components/SignIn.vue`), the theme as `@cascade/ui/theme.css`, and the Pinia
// session store from `@cascade/ui/store`.
export * from './api-client';
export * from './format';
export * from './grid';
export * from './session';
