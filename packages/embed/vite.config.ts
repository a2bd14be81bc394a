import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

/*
 * Two library builds of src/index.ts into dist/:
 *   `vite build`              cascade-embed.js       ES module (<script type="module">); each widget
 *                                                    in a chunk of its own, loaded when its element is used
 *   `vite build --mode iife`  cascade-embed.iife.js  a classic <script>, everything in one file
 * Vue, Pinia and AG Grid are bundled in (a host page has none of them), and every CSS file is
 * inlined into the script, to be adopted by each element's shadow root.
 */
const PLACEHOLDER = '__CASCADE_EMBED_CSS__';

function inlineCssIntoShadowRoots(): Plugin {
  return {
    name: 'cascade-embed-inline-css',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const css = Object.values(bundle)
        .filter((f) => f.type === 'asset' && f.fileName.endsWith('.css'))
        .map((f) => (f.type === 'asset' ? String(f.source) : ''))
        .join('\n');
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'asset' && name.endsWith('.css')) delete bundle[name];
      }
      let replaced = 0;
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        for (const quoted of [`"${PLACEHOLDER}"`, `'${PLACEHOLDER}'`, `\`${PLACEHOLDER}\``]) {
          if (file.code.includes(quoted)) {
            file.code = file.code.replaceAll(quoted, () => JSON.stringify(css));
            replaced += 1;
          }
        }
      }
      if (replaced === 0) this.error(`${PLACEHOLDER} not found in the bundle: the styles would be lost`);
    },
  };
}

export default defineConfig(({ mode }) => {
  const iife = mode === 'iife';
  return {
    plugins: [vue(), inlineCssIntoShadowRoots()],
    // Library mode leaves these to the consumer; a script tag has no bundler after it.
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    build: {
      outDir: 'dist',
      emptyOutDir: !iife,
      cssCodeSplit: false,
      sourcemap: false,
      target: 'es2022',
      lib: {
        entry: 'src/index.ts',
        formats: [iife ? 'iife' : 'es'],
        name: 'CascadeEmbed',
        fileName: () => (iife ? 'cascade-embed.iife.js' : 'cascade-embed.js'),
      },
      rollupOptions: {
        output: iife ? { inlineDynamicImports: true } : { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
